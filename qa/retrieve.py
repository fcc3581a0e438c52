"""Retrieval modes, picked by name, over one store generation."""

from __future__ import annotations

from collections.abc import Callable

from qa.embed import PassageEmbedder
from qa.store import Generation
from qa.types import Hit, QAError


Ranking = list[tuple[int, float]]


def reciprocal_rank_fusion(rankings: list[Ranking], weights: list[float], k: int) -> Ranking:
    """Fuse ranked (id, score) lists: score(id) = sum over lists of weight / (k + rank)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, (pid, _) in enumerate(ranking, start=1):
            fused[pid] = fused.get(pid, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def convex_fusion(rankings: list[Ranking], weights: list[float]) -> Ranking:
    """Fuse by a weighted sum of min-max normalised scores (an id missing from a list gets 0)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        if not ranking:
            continue
        scores = [s for _, s in ranking]
        low, span = min(scores), (max(scores) - min(scores)) or 1.0
        for pid, score in ranking:
            fused[pid] = fused.get(pid, 0.0) + weight * (score - low) / span
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


FUSIONS = ("convex", "rrf")


class Retriever:
    """Searches one generation by BM25, dense vectors, or their fusion."""

    def __init__(self, generation: Generation, embedder: PassageEmbedder, candidate_k: int = 50,
                 fusion: str = "convex", bm25_weight: float = 0.6, rrf_k: int = 60) -> None:
        if fusion not in FUSIONS:
            raise QAError(f"unknown fusion {fusion!r} (setting fusion); valid: {', '.join(FUSIONS)}")
        self.generation = generation
        self.embedder = embedder
        self.candidate_k = candidate_k
        self.fusion = fusion
        self.weights = [bm25_weight, 1.0 - bm25_weight]
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
        rankings = [self._bm25(query, n), self._dense(query, n)]
        if self.fusion == "rrf":
            return reciprocal_rank_fusion(rankings, self.weights, self.rrf_k)[:k]
        return convex_fusion(rankings, self.weights)[:k]

    def search(self, query: str, k: int, mode: str = "hybrid") -> list[Hit]:
        try:
            run = self.modes[mode]
        except KeyError:
            raise QAError(f"unknown search mode {mode!r}; valid: {', '.join(self.modes)}") from None
        ranked = run(query, k)[:k]
        passages = self.generation.passages_by_rowid(pid for pid, _ in ranked)
        return [Hit(passages[pid], score) for pid, score in ranked if pid in passages]
