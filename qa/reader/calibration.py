"""One answer score comparable across passages and questions: a logistic model over what the
reader and the retriever say about a candidate answer, fitted on a calibration split, saved
beside the reader (``calibration.json``) and used by default.

A candidate is the reader's best span in one retrieved passage. Its features: the span's
margin over the passage's no-answer score, the no-answer score itself, the span's own score
(start + end logits), the passage's retrieval score and the reciprocal of its retrieval rank.
The model's output is the probability that the candidate is a right answer (exact match with a
gold answer on the calibration split): a score of 0.8 means that among calibration candidates
scored 0.8, about eight in ten were right. The threshold under which kgqa abstains is chosen on
the same split.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

FILE = "calibration.json"
FEATURES = ("margin", "null", "span", "retrieval", "inverse_rank")


def candidate_features(margin: float, null: float, retrieval: float, rank: int) -> list[float]:
    """The features of one candidate (rank counts from 0)."""
    return [margin, null, margin + null, retrieval, 1.0 / (1 + rank)]


@dataclass
class Calibration:
    """Standardised features -> logistic probability; ``threshold``: the probability under
    which an answer is dropped; ``pooling``: how copies of one answer in several passages
    combine (``max``, or ``noisy_or``: 1 - prod(1 - p))."""

    weights: list[float]
    bias: float
    mean: list[float]
    scale: list[float]
    threshold: float
    pooling: str = "max"
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    record: dict[str, Any] = field(default_factory=dict)
    # the margin (span score minus no-answer score) under which the reader abstains when
    # answers are not calibrated, chosen on the same split read in closed mode
    no_answer_threshold: float | None = None

    def probability(self, rows: np.ndarray | list[list[float]]) -> np.ndarray:
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        z = ((rows - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.weights)
        return 1.0 / (1.0 + np.exp(-(z + self.bias)))

    def pool(self, probabilities: list[float]) -> float:
        if self.pooling == "noisy_or":
            return float(1.0 - np.prod([1.0 - p for p in probabilities]))
        return float(max(probabilities))

    def save(self, folder: Path) -> Path:
        path = Path(folder) / FILE
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, folder: str | Path | None) -> Calibration | None:
        """The calibration saved beside a reader folder, or None (a hub id, or none fitted)."""
        if folder is None:
            return None
        path = Path(folder) / FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text())
        if data.get("features") != list(FEATURES):
            return None  # fitted on other features: ignore rather than misuse
        return cls(**data)


def fitted_margin(folder: str | Path | None) -> float | None:
    """The no-answer margin fitted with the reader at ``folder``, or None."""
    if folder is None or not (Path(folder) / FILE).is_file():
        return None
    value = json.loads((Path(folder) / FILE).read_text()).get("no_answer_threshold")
    return float(value) if value is not None else None


def fit_logistic(rows: np.ndarray, labels: np.ndarray, l2: float = 1e-3,
                 iterations: int = 50) -> tuple[list[float], float, list[float], list[float]]:
    """L2-regularised logistic regression by Newton's method on standardised features.
    Returns (weights, bias, mean, scale)."""
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = l2 * np.eye(z.shape[1])
    penalty[-1, -1] = 0.0  # no penalty on the bias
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(w)), gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1].tolist(), float(w[-1]), mean.tolist(), scale.tolist()


def choose_threshold(best: list[float], scores: list[float], answerable: list[bool]
                     ) -> tuple[float, float]:
    """The probability threshold with the best mean score over questions: a question whose
    best answer has probability ``best[i]`` at or above the threshold scores ``scores[i]``
    (its answer's F1 with the gold; 0 for an unanswerable one); below it, it abstains and
    scores 1 if unanswerable, else 0. Returns (threshold, mean score)."""
    candidates = sorted(set(best)) + [1.01]
    top, top_t = -1.0, 0.5
    for t in candidates:
        total = sum((s if b >= t else float(not a)) for b, s, a in zip(best, scores, answerable))
        if total > top:
            top, top_t = total, t
    return top_t, top / max(1, len(best))
