"""The store: atomic generations of documents, passages, mentions, evidence, vectors, BM25 and
the graph, one writer at a time.

Modules: ``generations`` (the Store: open, lock, commit, publish), ``generation`` (one
generation read), ``staging`` (writing the next one), ``manifest``, ``tables``, ``files``,
``index`` (the passage indexes), ``deltas`` and ``entity_vectors`` (what a small commit keeps
beside the base's files), ``incremental`` (the graph's tables, updated in place) and
``reuse`` (taking over an old generation's file). The names below load on first use."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kgqa.qa.store.generation import Generation
    from kgqa.qa.store.generations import Store
    from kgqa.qa.store.manifest import (
        LAYOUT_VERSION,
        REJECTED,
        Manifest,
        StoreError,
        StoreWarning,
        gen_name,
        rules_json,
        rules_of,
    )
    from kgqa.qa.store.tables import PassageMention, ProcessedDocument

_HOMES = {
    "Generation": "generation",
    "Store": "generations",
    "LAYOUT_VERSION": "manifest",
    "REJECTED": "manifest",
    "Manifest": "manifest",
    "StoreError": "manifest",
    "StoreWarning": "manifest",
    "gen_name": "manifest",
    "rules_json": "manifest",
    "rules_of": "manifest",
    "PassageMention": "tables",
    "ProcessedDocument": "tables",
}
__all__ = [
    "Generation",
    "LAYOUT_VERSION",
    "Manifest",
    "PassageMention",
    "ProcessedDocument",
    "REJECTED",
    "Store",
    "StoreError",
    "StoreWarning",
    "gen_name",
    "rules_json",
    "rules_of",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"kgqa.qa.store.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
