"""Graph retrieval by personalised PageRank, in the manner of HippoRAG (Gutiérrez et al. 2024).

The walk runs over one graph of a store generation's entities and passages: an entity is
joined to the entities it has edges with (either direction) and to the passages that mention
it, so the walk reaches a bridge entity through the passage that names it beside a question
entity, and that bridge's own passages next. It restarts at the question's linked entities,
each weighted by its link score and its specificity (1 / the passages that mention it, so a
rare name counts for more than a common one). A passage scores the walk's mass on the
entities it mentions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from kgqa.qa.choices import Ranking

if TYPE_CHECKING:
    from kgqa.qa.store import Generation

# Chance of following an edge at each step (1 - the restart chance); chosen on the multi-hop
# dev files with the fusion weight (docs/guides/asking.md).
DAMPING = 0.8
ITERATIONS = 30


class GraphWalk:
    """The generation's entity-passage graph as a sparse transition matrix, built once."""

    def __init__(self, graph: Any, node_passages: Mapping[str, set[int]]) -> None:
        import scipy.sparse as sp

        self.nodes = list(graph.nodes())
        self.index = {node: i for i, node in enumerate(self.nodes)}
        entities = len(self.nodes)
        self.rowids = sorted({p for found in node_passages.values() for p in found})
        where = {rowid: entities + i for i, rowid in enumerate(self.rowids)}
        rows: list[int] = []
        cols: list[int] = []
        for u, v in graph.edges():
            rows += [self.index[u], self.index[v]]
            cols += [self.index[v], self.index[u]]
        mention_rows: list[int] = []
        mention_cols: list[int] = []
        for node, found in node_passages.items():
            i = self.index.get(node)
            if i is None:
                continue
            for rowid in found:
                rows += [i, where[rowid]]
                cols += [where[rowid], i]
                mention_rows.append(i)
                mention_cols.append(where[rowid] - entities)
        size = entities + len(self.rowids)
        adjacency = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size))
        adjacency.data[:] = 1.0  # an edge found twice (both directions, two relations) once
        degree = np.asarray(adjacency.sum(axis=1)).ravel()
        degree[degree == 0] = 1.0
        # column-stochastic: mass at j moves to j's neighbours in equal shares
        self.step = (adjacency @ sp.diags(1.0 / degree)).tocsr()
        self.mentions = sp.csr_matrix(
            (np.ones(len(mention_rows)), (mention_rows, mention_cols)),
            shape=(entities, len(self.rowids)),
        ).T.tocsr()
        counts = np.asarray(self.mentions.sum(axis=0)).ravel()
        self.specificity = 1.0 / np.maximum(counts, 1.0)
        self.size = size

    def rank(self, seeds: Mapping[str, float], k: int, damping: float = DAMPING) -> Ranking:
        """Passages by the walk's mass on their entities, restarting at ``seeds`` (node ->
        link score); empty when no seed is a node of the graph."""
        restart = np.zeros(self.size)
        for node, score in seeds.items():
            i = self.index.get(node)
            if i is not None:
                restart[i] += score * self.specificity[i]
        total = restart.sum()
        if total <= 0:
            return []
        restart /= total
        mass = restart.copy()
        for _ in range(ITERATIONS):
            mass = (1.0 - damping) * restart + damping * (self.step @ mass)
        scores = self.mentions @ mass[: len(self.nodes)]
        top = np.argsort(-scores, kind="stable")[:k]
        return [(self.rowids[i], float(scores[i])) for i in top if scores[i] > 0]


def walk_of(generation: Generation) -> GraphWalk:
    """The generation's walk, built on first use and kept with the generation."""
    found = generation.cache.get("graph_walk")
    if found is None:
        found = generation.cache["graph_walk"] = GraphWalk(
            generation.graph, generation.node_passages
        )
    walk: GraphWalk = found
    return walk
