"""Retrieval modes, picked by name, over one store generation."""

from __future__ import annotations

from collections.abc import Callable

from qa.embed import PassageEmbedder
from qa.store import Generation
from qa.types import Hit, QAError


def reciprocal_rank_fusion(rankings: list[list[tuple[int, float]]], k: int) -> list[tuple[int, float]]:
    """Fuse ranked (id, score) lists: score(id) = sum over lists of 1 / (k + rank)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (pid, _) in enumerate(ranking, start=1):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


class Retriever:
    """Searches one generation by BM25, dense vectors, or their fusion."""

    def __init__(self, generation: Generation, embedder: PassageEmbedder, candidate_k: int = 50,
                 rrf_k: int = 60) -> None:
        self.generation = generation
        self.embedder = embedder
        self.candidate_k = candidate_k
        self.rrf_k = rrf_k
        self.modes: dict[str, Callable[[str, int], list[tuple[int, float]]]] = {
            "bm25": self._bm25, "dense": self._dense, "hybrid": self._hybrid,
        }

    def _bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        return self.generation.bm25.search(query, k)

    def _dense(self, query: str, k: int) -> list[tuple[int, float]]:
        return self.generation.dense.search(self.embedder([query])[0], k)

    def _hybrid(self, query: str, k: int) -> list[tuple[int, float]]:
        n = max(k, self.candidate_k)
        return reciprocal_rank_fusion([self._bm25(query, n), self._dense(query, n)], self.rrf_k)[:k]

    def search(self, query: str, k: int, mode: str = "hybrid") -> list[Hit]:
        try:
            run = self.modes[mode]
        except KeyError:
            raise QAError(f"unknown search mode {mode!r}; valid: {', '.join(self.modes)}") from None
        ranked = run(query, k)[:k]
        passages = self.generation.passages_by_rowid(pid for pid, _ in ranked)
        return [Hit(passages[pid], score) for pid, score in ranked if pid in passages]
