"""The store: atomic generations of documents, passages, mentions, evidence, vectors, BM25 and
the graph, one writer at a time (``generations``), and the passage indexes (``index``).

The names below load on first use, so that the settings can read the index kinds from
``index`` without loading the whole store."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kgqa.qa.store.generations import (
        LAYOUT_VERSION,
        Generation,
        PassageMention,
        ProcessedDocument,
        Store,
        StoreError,
        gen_name,
        rules_json,
        rules_of,
    )

__all__ = [
    "LAYOUT_VERSION",
    "Generation",
    "PassageMention",
    "ProcessedDocument",
    "Store",
    "StoreError",
    "gen_name",
    "rules_json",
    "rules_of",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("kgqa.qa.store.generations"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
