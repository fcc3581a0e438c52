"""A plugin module for tests: registers a relation extractor that hangs on a marker word.

It stands for runaway native code (a pathological parse, a tokenizer stuck on odd input)."""

from __future__ import annotations

import time
from typing import Any

from kg.extract import RELATION_EXTRACTORS
from kg.types import Mention, Relation


class HangingExtractor:
    name = "test-hang"

    def __call__(self, sent: Any, mention_of: dict[int, Mention], offset: int) -> list[Relation]:
        if "HANG" in sent.text:
            while True:
                time.sleep(1)
        return []


RELATION_EXTRACTORS["test-hang"] = HangingExtractor
