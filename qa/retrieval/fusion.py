"""Fusing ranked lists of (passage rowid, score): reciprocal rank fusion and convex fusion."""

from __future__ import annotations

from collections.abc import Callable

from kgqa.kg.registry import Registry
from kgqa.qa.types import QAError

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


# Hybrid fusions by name (setting fusion): (rankings, weights, rrf_k) -> fused ranking.
FUSIONS: Registry[Callable[[list[Ranking], list[float], int], Ranking]] = Registry(
    "fusion", "fusion", error=QAError
)
FUSIONS.register("convex", lambda rankings, weights, _: convex_fusion(rankings, weights))
FUSIONS.register("rrf", reciprocal_rank_fusion)
