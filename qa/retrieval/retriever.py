"""Retrieval modes, picked by name, over one store generation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kgqa.kg.link import EntityLinker
from kgqa.qa.retrieval.embed import PassageEmbedder
from kgqa.qa.retrieval.fusion import FUSIONS, convex_fusion, reciprocal_rank_fusion
from kgqa.qa.settings import RERANKERS, RetrievalConfig
from kgqa.qa.store.generations import Generation
from kgqa.qa.types import Hit, QAError


class Retriever:
    """Searches one generation by BM25, dense vectors, or their fusion."""

    def __init__(self, generation: Generation, embedder: PassageEmbedder, config: RetrievalConfig,
                 nlp: Any = None) -> None:
        if config.fusion not in FUSIONS:
            raise QAError(f"unknown fusion {config.fusion!r} (setting fusion); valid: "
                          f"{', '.join(FUSIONS)}")
        self.generation = generation
        self.embedder = embedder
        self.candidate_k = config.candidate_k
        self.fusion = config.fusion
        self.weights = [config.bm25_weight, 1.0 - config.bm25_weight]
        self.rrf_k = config.rrf_k
        self.graph_weight = config.graph_weight
        # spaCy NER for question linking, used only when the settings ask for it.
        self.nlp = nlp if config.link_with_ner else None
        self.modes: dict[str, Callable[[str, int], list[tuple[int, float]]]] = {
            "bm25": self._bm25, "dense": self._dense, "hybrid": self._hybrid,
            "graph": self._graph, "hybrid+graph": self._hybrid_graph,
        }

    def _bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        return self.generation.bm25.search(query, k)

    def _dense(self, query: str, k: int) -> list[tuple[int, float]]:
        return self.generation.dense.search(self.embedder([query])[0], k)

    def _hybrid(self, query: str, k: int) -> list[tuple[int, float]]:
        n = max(k, self.candidate_k)
        rankings = [self._bm25(query, n), self._dense(query, n)]
        if self.fusion == "rrf":
            return reciprocal_rank_fusion(rankings, self.weights, self.rrf_k)[:k]
        return convex_fusion(rankings, self.weights)[:k]

    def linker(self) -> EntityLinker:
        """The generation's entity linker for this retriever's spaCy pipeline (or none): one per
        pipeline, since a linker with NER links spans that one without it misses."""
        key = ("linker", None if self.nlp is None else id(self.nlp))
        cache = self.generation.cache
        if key not in cache:
            cache[key] = EntityLinker(self.generation.graph, self.nlp)
        linker: EntityLinker = cache[key]
        return linker

    def _graph(self, query: str, k: int) -> list[tuple[int, float]]:
        """Passages that mention the question's entities (1 per entity), that are evidence of
        an edge from one (0.5; 1 when it joins two question entities), or that mention a
        one-hop neighbour (0.1); BM25 breaks ties (up to 0.5)."""
        gen = self.generation
        graph = gen.graph
        links = self.linker().link(query)
        linked = {link.node: link.score for link in links}
        scores: dict[int, float] = {}

        def credit(rowids: Iterable[int], amount: float) -> None:
            for rowid in rowids:
                scores[rowid] = scores.get(rowid, 0.0) + amount

        for node, weight in linked.items():
            credit(gen.node_passages.get(node, ()), weight)
            for u, v, data in list(graph.out_edges(node, data=True)) + list(graph.in_edges(node, data=True)):
                other = v if u == node else u
                both = other in linked
                credit({gen.rowids[e["passage_id"]] for e in data["evidence"]
                        if e["passage_id"] in gen.rowids}, weight * (1.0 if both else 0.5) / (2 if both else 1))
                if not both:
                    credit(gen.node_passages.get(other, ()), weight * 0.1)
        if not scores:
            return []
        bm25 = dict(gen.bm25.search(query, max(self.candidate_k, 4 * k)))
        top = max(bm25.values(), default=0.0) or 1.0
        ranked = [(rowid, score + 0.5 * bm25.get(rowid, 0.0) / top) for rowid, score in scores.items()]
        return sorted(ranked, key=lambda kv: (-kv[1], kv[0]))[:max(k, self.candidate_k)]

    def _hybrid_graph(self, query: str, k: int) -> list[tuple[int, float]]:
        n = max(k, self.candidate_k)
        g = self.graph_weight
        rankings = [self._bm25(query, n), self._dense(query, n), self._graph(query, n)]
        weights = [w * (1 - g) for w in self.weights] + [g]
        if self.fusion == "rrf":
            return reciprocal_rank_fusion(rankings, weights, self.rrf_k)[:k]
        return convex_fusion(rankings, weights)[:k]

    def search(self, query: str, k: int, mode: str = "hybrid") -> list[Hit]:
        try:
            run = self.modes[mode]
        except KeyError:
            raise QAError(f"unknown search mode {mode!r}; valid: {', '.join(self.modes)}, each "
                          "optionally followed by a reranker, "
                          f"{' or '.join('+' + r for r in RERANKERS)}") from None
        ranked = run(query, k)[:k]
        passages = self.generation.passages_by_rowid(pid for pid, _ in ranked)
        return [Hit(passages[pid], score) for pid, score in ranked if pid in passages]
