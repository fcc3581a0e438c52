"""Fusing ranked lists of (passage rowid, score): reciprocal rank fusion and convex fusion."""

from __future__ import annotations

from kgqa.qa.choices import Ranking


def reciprocal_rank_fusion(rankings: list[Ranking], weights: list[float], k: int) -> Ranking:
    """Fuse ranked (id, score) lists: score(id) = sum over lists of weight / (k + rank)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, (pid, _) in enumerate(ranking, start=1):
            fused[pid] = fused.get(pid, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def convex_fusion(rankings: list[Ranking], weights: list[float]) -> Ranking:
    """Fuse by a weighted sum of min-max normalised scores (an id missing from a list gets 0;
    a list whose scores are all the same, one hit alone among them, gives each of them 1: the
    one passage BM25 finds for "box office" is its best, not its worst)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        if not ranking:
            continue
        scores = [s for _, s in ranking]
        low, span = min(scores), max(scores) - min(scores)
        for pid, score in ranking:
            share = (score - low) / span if span > 0 else 1.0
            fused[pid] = fused.get(pid, 0.0) + weight * share
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def convex(rankings: list[Ranking], weights: list[float], _rrf_k: int) -> Ranking:
    """Convex fusion as a fusion of the registry (which passes rrf_k to every fusion)."""
    return convex_fusion(rankings, weights)
