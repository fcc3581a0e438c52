"""The answer calibration: a logistic model over candidate features, its threshold, pooling."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from kgqa.qa.reader.calibration import (
    FEATURES,
    Calibration,
    candidate_features,
    choose_threshold,
    fit_logistic,
)


def test_the_fitted_probability_follows_how_often_candidates_are_right() -> None:
    """Candidates whose margin is high are right 90% of the time, low ones 10%: the fitted
    probabilities say so, whatever the passage's rank."""
    rng = np.random.default_rng(0)
    rows, labels = [], []
    for _ in range(4000):
        high = rng.random() < 0.5
        margin = rng.normal(6 if high else -2, 1)
        rank = int(rng.integers(0, 5))
        rows.append(candidate_features(margin, rng.normal(0, 1), rng.random(), rank))
        labels.append(int(rng.random() < (0.9 if high else 0.1)))
    weights, bias, mean, scale = fit_logistic(np.asarray(rows), np.asarray(labels))
    calibration = Calibration(weights, bias, mean, scale, threshold=0.5)
    high_rank4 = calibration.probability([candidate_features(6.0, 0.0, 0.5, 4)])[0]
    low_rank0 = calibration.probability([candidate_features(-2.0, 0.0, 0.5, 0)])[0]
    assert 0.8 < high_rank4 < 0.97 and 0.03 < low_rank0 < 0.2
    assert high_rank4 > low_rank0  # a right answer lower in the ranking beats a wrong one above


def test_the_threshold_trades_answers_for_abstentions() -> None:
    # two answerable questions answered right with confidence 0.9 and 0.7, two unanswerable
    # ones with wrong answers at 0.3 and 0.6: abstaining under 0.7 scores all four
    threshold, score = choose_threshold([0.9, 0.7, 0.3, 0.6], [1.0, 1.0, 0.0, 0.0],
                                        [True, True, False, False])
    assert 0.6 < threshold <= 0.7 and score == 1.0


def test_pooling_and_saving(tmp_path: Path) -> None:
    calibration = Calibration([1.0] * len(FEATURES), 0.0, [0.0] * len(FEATURES),
                              [1.0] * len(FEATURES), threshold=0.4, pooling="noisy_or")
    assert calibration.pool([0.5, 0.5]) == 0.75
    calibration.save(tmp_path)
    again = Calibration.load(tmp_path)
    assert again is not None and again.threshold == 0.4 and again.pooling == "noisy_or"
    data = json.loads((tmp_path / "calibration.json").read_text())
    data["features"] = ["margin"]  # fitted on other features: not used
    (tmp_path / "calibration.json").write_text(json.dumps(data))
    assert Calibration.load(tmp_path) is None
    assert Calibration.load(tmp_path / "nothing") is None and Calibration.load(None) is None
