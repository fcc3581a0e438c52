"""Rank fusion: the formulas hybrid search is built on."""

from __future__ import annotations

import pytest

from kgqa.qa.retrieval.fusion import convex_fusion, reciprocal_rank_fusion


def test_convex_fusion_is_a_weighted_sum_of_min_max_normalised_scores() -> None:
    bm25 = [(1, 12.0), (2, 6.0), (3, 2.0)]
    dense = [(3, 0.9), (1, 0.5), (4, 0.1)]
    fused = dict(convex_fusion([bm25, dense], [0.6, 0.4]))
    assert fused[1] == pytest.approx(0.6 * 1.0 + 0.4 * 0.5)
    assert fused[2] == pytest.approx(0.6 * 0.4)  # missing from dense: 0 there
    assert fused[3] == pytest.approx(0.6 * 0.0 + 0.4 * 1.0)
    assert fused[4] == pytest.approx(0.0)
    assert [pid for pid, _ in convex_fusion([bm25, dense], [0.6, 0.4])] == [1, 3, 2, 4]


def test_convex_fusion_gives_a_list_of_equal_scores_its_weight_and_skips_empty_ones() -> None:
    assert convex_fusion([[(5, 1.0), (6, 1.0)], []], [0.5, 0.5]) == [(5, 0.5), (6, 0.5)]
    # the one passage BM25 finds ("box office") is its best: it leads the dense list's best
    bm25, dense = [(7, 1.73)], [(1, 0.17), (2, 0.13), (7, 0.11)]
    assert [pid for pid, _ in convex_fusion([bm25, dense], [0.6, 0.4])][:2] == [7, 1]


def test_reciprocal_rank_fusion_sums_weight_over_k_plus_rank() -> None:
    fused = dict(
        reciprocal_rank_fusion([[(1, 9.0), (2, 1.0)], [(2, 0.3), (3, 0.2)]], [1.0, 0.5], k=60)
    )
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[2] == pytest.approx(1 / 62 + 0.5 / 61)
    assert fused[3] == pytest.approx(0.5 / 62)


def test_ties_break_by_id_so_rankings_are_reproducible() -> None:
    assert [pid for pid, _ in reciprocal_rank_fusion([[(9, 1.0)], [(4, 1.0)]], [1, 1], 60)] == [
        4,
        9,
    ]
