"""The store: atomic generations of documents, passages, mentions, evidence, vectors, BM25 and
the graph, one writer at a time (``generations``), and the passage indexes (``index``)."""

from kgqa.qa.store.generations import (
    LAYOUT_VERSION,
    Generation,
    ProcessedDocument,
    Store,
    StoreError,
    gen_name,
    rules_json,
    rules_of,
)

__all__ = ["LAYOUT_VERSION", "Generation", "ProcessedDocument", "Store", "StoreError", "gen_name",
           "rules_json", "rules_of"]
