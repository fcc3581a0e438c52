"""The names of kgqa's choices that settings validate: search modes, rerankers, fusions and
vector index kinds. Each is a registry of names; the implementations register (or are
declared here by where they live and imported on first use), so this module, and settings
with it, imports no implementation. A plugin module (setting plugins) adds its own names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kgqa.kg.registry import Registry
from kgqa.qa.types import QAError

Ranking = list[tuple[int, float]]

# A mode is a function of (retriever, query, k) giving ranked (passage rowid, score) pairs
# (the retriever is a kgqa.qa.retrieval.retriever.Retriever, not imported here).
RETRIEVAL_MODES: Registry[Callable[[Any, str, int], Ranking]] = Registry(
    "search mode", "search_mode", error=QAError
)
for _name, _function in (
    ("bm25", "bm25"),
    ("dense", "dense"),
    ("hybrid", "hybrid"),
    ("graph", "graph"),
    ("hybrid+graph", "hybrid_graph"),
):
    RETRIEVAL_MODES.declare(_name, f"kgqa.qa.retrieval.modes:{_function}")

# Rerankers reorder a mode's first rerank_k candidates: "hybrid+reader", "bm25+cross".
RERANKERS: Registry[str] = Registry("reranker", error=QAError)
RERANKERS.register("reader", "the reader's best span margin in each passage")
RERANKERS.register("cross", "a sentence-transformers CrossEncoder (setting cross_encoder)")

# Hybrid fusions by name (setting fusion): (rankings, weights, rrf_k) -> fused ranking.
FUSIONS: Registry[Callable[[list[Ranking], list[float], int], Ranking]] = Registry(
    "fusion", "fusion", error=QAError
)
FUSIONS.declare("convex", "kgqa.qa.retrieval.fusion:convex")
FUSIONS.declare("rrf", "kgqa.qa.retrieval.fusion:reciprocal_rank_fusion")

# Kinds of vector index (setting dense_index), with what each is.
DENSE_KINDS: Registry[str] = Registry("vector index kind", "dense_index", error=QAError)
DENSE_KINDS.register("flat", "exact inner product (IndexFlatIP in an IndexIDMap2)")
DENSE_KINDS.register("hnsw", "a graph index (IndexHNSWFlat in an IndexIDMap2)")
DENSE_KINDS.register("ivf", "inverted lists (IndexIVFFlat), trained on the store's vectors")


# How `kgqa similar --doc` compares documents by their passages' vectors (setting-free).
DOCUMENT_MEASURES = ("mean", "max")


def search_modes() -> tuple[str, ...]:
    """Every valid search mode: each retrieval mode, alone or followed by a reranker."""
    modes = RETRIEVAL_MODES.names()
    return modes + tuple(f"{m}+{r}" for m in modes for r in RERANKERS.names())


def split_mode(mode: str) -> tuple[str, str | None]:
    """A search mode's retrieval mode and its reranker (None when it has none)."""
    for reranker in RERANKERS.names():
        if mode.endswith("+" + reranker):
            return mode[: -len(reranker) - 1], reranker
    return mode, None


def unknown_mode(mode: str) -> str:
    """The message for a search mode that is not registered."""
    return (
        f"unknown search mode {mode!r}; valid: {', '.join(RETRIEVAL_MODES.names())}, each "
        "optionally followed by a reranker, "
        f"{' or '.join('+' + r for r in RERANKERS.names())}"
    )
