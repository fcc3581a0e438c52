"""The built-in retrieval modes, named in ``kgqa.qa.choices.RETRIEVAL_MODES``.

A mode is a function of (retriever, query, k) giving ranked (passage rowid, score) pairs; a
plugin module (setting plugins) can register its own there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgqa.qa.choices import FUSIONS, Ranking
from kgqa.qa.retrieval.walk import walk_of

if TYPE_CHECKING:
    from kgqa.qa.retrieval.retriever import Retriever


def bm25(r: Retriever, query: str, k: int) -> Ranking:
    return r.generation.bm25.search(query, k)


def dense(r: Retriever, query: str, k: int) -> Ranking:
    return r.generation.dense.search(r.embedder([query])[0], k)


def hybrid(r: Retriever, query: str, k: int) -> Ranking:
    n = max(k, r.candidate_k)
    rankings = [bm25(r, query, n), dense(r, query, n)]
    return FUSIONS[r.fusion](rankings, r.weights, r.rrf_k)[:k]


def graph(r: Retriever, query: str, k: int) -> Ranking:
    """Passages by personalised PageRank from the question's linked entities over the
    entity-passage graph (``kgqa.qa.retrieval.walk``); none when nothing links."""
    seeds: dict[str, float] = {}
    for link in r.linker().link(query):
        seeds[link.node] = max(seeds.get(link.node, 0.0), link.score)
    if not seeds:
        return []
    return walk_of(r.generation).rank(seeds, max(k, r.candidate_k))


def hybrid_graph(r: Retriever, query: str, k: int) -> Ranking:
    n = max(k, r.candidate_k)
    g = r.graph_weight
    rankings = [bm25(r, query, n), dense(r, query, n), graph(r, query, n)]
    weights = [w * (1 - g) for w in r.weights] + [g]
    return FUSIONS[r.fusion](rankings, weights, r.rrf_k)[:k]
