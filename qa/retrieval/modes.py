"""The built-in retrieval modes, named in ``kgqa.qa.choices.RETRIEVAL_MODES``.

A mode is a function of (retriever, query, k) giving ranked (passage rowid, score) pairs; a
plugin module (setting plugins) can register its own there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kgqa.qa.choices import FUSIONS, Ranking

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
    """Passages that mention the question's entities (1 per entity), that are evidence of
    an edge from one (0.5; 1 when it joins two question entities), or that mention a
    one-hop neighbour (0.1); BM25 breaks ties (up to 0.5)."""
    gen = r.generation
    graph = gen.graph
    links = r.linker().link(query)
    linked = {link.node: link.score for link in links}
    scores: dict[int, float] = {}

    def credit(rowids: Iterable[int], amount: float) -> None:
        for rowid in rowids:
            scores[rowid] = scores.get(rowid, 0.0) + amount

    for node, weight in linked.items():
        credit(gen.node_passages.get(node, ()), weight)
        for u, v, data in list(graph.out_edges(node, data=True)) + list(
            graph.in_edges(node, data=True)
        ):
            other = v if u == node else u
            both = other in linked
            credit(
                {
                    gen.rowids[e["passage_id"]]
                    for e in data["evidence"]
                    if e["passage_id"] in gen.rowids
                },
                weight * (1.0 if both else 0.5) / (2 if both else 1),
            )
            if not both:
                credit(gen.node_passages.get(other, ()), weight * 0.1)
    if not scores:
        return []
    bm25 = dict(gen.bm25.search(query, max(r.candidate_k, 4 * k)))
    top = max(bm25.values(), default=0.0) or 1.0
    ranked = [(rowid, score + 0.5 * bm25.get(rowid, 0.0) / top) for rowid, score in scores.items()]
    return sorted(ranked, key=lambda kv: (-kv[1], kv[0]))[: max(k, r.candidate_k)]


def hybrid_graph(r: Retriever, query: str, k: int) -> Ranking:
    n = max(k, r.candidate_k)
    g = r.graph_weight
    rankings = [bm25(r, query, n), dense(r, query, n), graph(r, query, n)]
    weights = [w * (1 - g) for w in r.weights] + [g]
    return FUSIONS[r.fusion](rankings, weights, r.rrf_k)[:k]
