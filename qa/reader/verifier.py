"""The answer verifier: a second, cheap model that estimates the probability that a candidate
answer proposed by the reader is right.

The reader proposes its best span in each passage it reads (a candidate). The verifier reads
what the reader saw and said about the candidate, and what the question asks for:

- the reader's scores: the span's margin over the no-answer score, both scores, the span's and
  the no-answer probability under the window's softmax, the span's length, its margin against
  the best candidate of the question;
- the encoder's [CLS] vector and the span's vector (the mean of its first and last token) in
  the window that holds the span, as in Retro-Reader's external front verification (Zhang et
  al. 2021), which judges answerability from the [CLS] vector;
- the question against the passage, as Read+Verify's answer verifier (Hu et al. 2019) reads
  the answer's sentence against the question: the share of the question's content words in the
  passage and in the answer's sentence, and the share of the answer's words that the question
  already holds;
- the names and numbers of the question (its capitalised words after the first, and words
  with digits) found in the passage and in the answer's sentence: a question about a name the
  passage never mentions is not answered by it, however well the rest of it matches (SQuAD
  2.0's entity swaps, ``kgqa.qa.training.swaps``);
- the answer's shape against the question's wh-word (who, when, where, how many, ...): digits,
  a year, a capitalised name;
- the retrieval rank of the passage, how many passages were read, and how many of them agree
  on the same answer.

A logistic model over these features is fitted on the reader's own outputs over training
questions (``kgqa train verifier``); its output is then calibrated (Platt scaling on a dev
split) so that ``probability`` means what it says, and the threshold under which kgqa
abstains and the margin within which further answers are shown are chosen on the dev split.
Everything is saved beside the reader as ``verifier.json``.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.qa.reader.extractive import Reading
from kgqa.qa.reader.wh import QUESTION_TYPES, WORD, question_type
from kgqa.qa.squad import normalize_answer

FILE = "verifier.json"
VERSION = 3

_STOP = frozenset(
    """a an the of in on at to for by with from and or but is are was were be been
being do does did has have had what which who whom whose when where why how many much long
that this these those it its as into than then there their they he she his her him them
not no yes can could would should will shall may might must also about after before over
under between during while if so such any some all each most more other same own very""".split()
)
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

SCALARS = (
    "margin",
    "null",
    "span",
    "span_probability",
    "null_probability",
    "log_span_tokens",
    "margin_below_best",
    "inverse_rank",
    "log_passages",
    "agreement",
    "question_in_passage",
    "question_in_sentence",
    "question_names",
    "names_in_passages",
    "names_in_sentence",
    "answer_in_question",
    "answer_words",
    "has_digit",
    "has_year",
    "capitalised",
    "lowercase",
    "person_capitalised",
    "time_digit",
    "place_capitalised",
    "number_digit",
    *(f"question_{t}" for t in QUESTION_TYPES),
)


def content_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in _STOP}


def _sentence_of(context: str, start: int, end: int) -> str:
    """The sentence of ``context`` that holds characters start..end (a rough split)."""
    left = max((m.end() for m in _SENTENCE_END.finditer(context, 0, start)), default=0)
    right = _SENTENCE_END.search(context, end)
    return context[left : right.start() if right else len(context)]


def _share(words: set[str], within: set[str]) -> float:
    return len(words & within) / len(words) if words else 0.0


def question_names(question: str) -> set[str]:
    """The question's names and numbers, lowercased: its words with a capital after the first
    word, and its words with digits."""
    words = WORD.findall(question)
    return {
        w.lower()
        for i, w in enumerate(words)
        if (i > 0 and w[:1].isupper() and w.lower() not in _STOP) or any(c.isdigit() for c in w)
    }


def _names_share(names: set[str], words: set[str]) -> float:
    """The share of ``names`` among ``words`` (content words: no name is a stop word), 1 when
    there are none to find."""
    return _share(names, words) if names else 1.0


def scalar_features(
    question: str,
    contexts: Sequence[str],
    readings: Sequence[Reading],
    ranks: Sequence[int] | None = None,
) -> list[list[float] | None]:
    """The scalar features of each candidate (None where the reader found no span); ``ranks``:
    each passage's retrieval rank from 0 (default: the order given)."""
    ranks = list(range(len(readings))) if ranks is None else list(ranks)
    qtype = question_type(question)
    qwords = content_words(question)
    names = question_names(question)
    # the question's names counted over every passage read: a name none of them mentions says
    # the documents are about someone else. Over the answer's own passage it also fell for
    # right answers whose names sit in a neighbouring passage, and the verifier trusted it less
    passages = [content_words(c) for c in contexts]
    names_read = _names_share(names, set().union(*passages))
    keys = [normalize_answer(r.span.text) if r.span is not None else None for r in readings]
    margins = [r.span.score for r in readings if r.span is not None]
    best = max(margins) if margins else 0.0
    rows: list[list[float] | None] = []
    for context, passage, reading, rank, key in zip(contexts, passages, readings, ranks, keys):
        span = reading.span
        if span is None or not span.text.strip():
            rows.append(None)
            continue
        text = span.text
        answer = content_words(text)
        sentence = content_words(_sentence_of(context, span.start, span.end))
        digit = float(any(c.isdigit() for c in text))
        capital = float(text[:1].isupper())
        agree = sum(1 for k in keys if k is not None and k == key) - 1
        row = [
            span.score,
            reading.null,
            span.score + reading.null,
            reading.span_probability,
            reading.null_probability,
            math.log1p(reading.span_tokens),
            span.score - best,
            1.0 / (1 + rank),
            math.log(len(readings)),
            agree / max(1, len(readings) - 1),
            _share(qwords, passage),
            _share(qwords, sentence),
            math.log1p(len(names)),
            names_read,
            _names_share(names, sentence),
            _share(answer, qwords),
            math.log1p(len(WORD.findall(text))),
            digit,
            float(bool(_YEAR.search(text))),
            capital,
            float(text == text.lower()),
            float(qtype == "person") * capital,
            float(qtype == "time") * digit,
            float(qtype == "place") * capital,
            float(qtype == "number") * digit,
            *(float(qtype == t) for t in QUESTION_TYPES),
        ]
        rows.append(row)
    return rows


def feature_rows(
    question: str,
    contexts: Sequence[str],
    readings: Sequence[Reading],
    ranks: Sequence[int] | None = None,
) -> list[np.ndarray | None]:
    """Every candidate's whole feature vector (scalars, [CLS] vector, span vector), or None
    where the reader found no span."""
    out: list[np.ndarray | None] = []
    for reading, row in zip(readings, scalar_features(question, contexts, readings, ranks)):
        if row is None or reading.cls is None or reading.span_vector is None:
            out.append(None)
            continue
        out.append(
            np.concatenate(
                [
                    np.asarray(row, dtype=np.float32),
                    reading.cls.astype(np.float32),
                    reading.span_vector.astype(np.float32),
                ]
            )
        )
    return out


@dataclass
class Verifier:
    """Standardised features -> logistic score -> calibrated probability (Platt scaling).

    ``threshold``: answers whose probability is under it are not shown; ``answer_margin``:
    after the best answer, others are shown only when their probability comes within this
    margin of the best's. ``record``: how every number was obtained."""

    weights: list[float]
    bias: float
    mean: list[float]
    scale: list[float]
    platt: tuple[float, float] = (1.0, 0.0)
    threshold: float = 0.5
    answer_margin: float = 0.1
    scalars: list[str] = field(default_factory=lambda: list(SCALARS))
    version: int = VERSION
    record: dict[str, Any] = field(default_factory=dict)

    def logit(self, rows: np.ndarray) -> np.ndarray:
        """The logistic model's raw score of each row (before calibration)."""
        x = (
            np.atleast_2d(np.asarray(rows, dtype=np.float64)) - np.asarray(self.mean)
        ) / np.asarray(self.scale)
        return x @ np.asarray(self.weights) + self.bias

    def calibrate(self, logits: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of raw scores: monotone increasing, in [0, 1]."""
        a, b = self.platt
        z = np.clip(a * np.asarray(logits, dtype=np.float64) + b, -60.0, 60.0)
        return 1.0 / (1.0 + np.exp(-z))

    def probability(self, rows: np.ndarray) -> np.ndarray:
        return self.calibrate(self.logit(rows))

    def of_readings(
        self,
        question: str,
        contexts: Sequence[str],
        readings: Sequence[Reading],
        ranks: Sequence[int] | None = None,
    ) -> list[float | None]:
        """The probability that each reading's span is right (None where it has no span)."""
        rows = feature_rows(question, contexts, readings, ranks)
        present = [r for r in rows if r is not None]
        if not present:
            return [None] * len(rows)
        found = iter(self.probability(np.stack(present)).tolist())
        return [None if r is None else float(next(found)) for r in rows]

    def threshold_in_force(self, override: float | None) -> float:
        """The probability an answer must reach: ``override`` (the setting answer_threshold)
        when set, else the threshold chosen with the verifier."""
        return self.threshold if override is None else override

    def save(self, folder: Path) -> Path:
        path = Path(folder) / FILE
        data = asdict(self)
        data["platt"] = list(self.platt)
        path.write_text(json.dumps(data) + "\n")
        return path

    @classmethod
    def load(cls, folder: str | Path | None) -> Verifier | None:
        """The verifier saved beside a reader folder, or None (a hub id, or none trained)."""
        if folder is None:
            return None
        path = Path(folder) / FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text())
        if data.get("version") != VERSION or data.get("scalars") != list(SCALARS):
            # made for other features: ignore rather than misuse, and say so
            warnings.warn(
                f"{path} was made for another version of the verifier's features and is "
                "ignored (answers need the reader's margin instead): train it again with "
                "`kgqa train verifier --reader " + str(folder) + " ...`",
                stacklevel=2,
            )
            return None
        data["platt"] = tuple(data["platt"])
        return cls(**data)


def expected_calibration_error(
    probabilities: Sequence[float], right: Sequence[bool], bins: int = 10
) -> tuple[float, list[dict[str, float]]]:
    """ECE over equal-width probability bins, and the reliability table (per bin: count, mean
    probability, share right)."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(right, dtype=np.float64)
    table: list[dict[str, float]] = []
    ece = 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = (p >= low) & ((p < high) if b < bins - 1 else (p <= high))
        n = int(inside.sum())
        if n == 0:
            continue
        mean_p, share = float(p[inside].mean()), float(y[inside].mean())
        ece += n / max(1, len(p)) * abs(mean_p - share)
        table.append(
            {
                "low": low,
                "high": high,
                "count": n,
                "mean_probability": round(mean_p, 4),
                "right": round(share, 4),
            }
        )
    return ece, table
