"""A plugin module for tests: a relation extractor that hangs or crashes on a marker word.

It stands for runaway native code (a pathological parse, a tokenizer stuck on odd input)."""

from __future__ import annotations

import os
import time
from typing import Any

from kgqa.kg.extract import RELATION_EXTRACTORS
from kgqa.kg.types import Mention, Relation


class HangingExtractor:
    name = "test-hang"

    def __call__(self, sent: Any, mention_of: dict[int, Mention], offset: int) -> list[Relation]:
        if "HANG" in sent.text:
            while True:
                time.sleep(1)
        if "CRASH" in sent.text:
            os._exit(3)  # the worker process dies, as on an out-of-memory kill
        return []


RELATION_EXTRACTORS["test-hang"] = HangingExtractor
