"""The answer verifier: features, one calibrated probability, saving, and which answers show."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kgqa.qa.reader.extractive import Reading
from kgqa.qa.reader.verifier import (
    SCALARS,
    Verifier,
    expected_calibration_error,
    feature_rows,
    question_names,
    question_type,
    scalar_features,
)
from kgqa.qa.serve.service import shown_answers
from kgqa.qa.types import Answer, Span


def verifier(width: int, seed: int = 0) -> Verifier:
    rng = np.random.default_rng(seed)
    return Verifier(
        rng.normal(size=width).tolist(),
        0.3,
        [0.0] * width,
        [1.0] * width,
        platt=(0.8, -0.2),
        threshold=0.4,
        answer_margin=0.1,
    )


def test_probability_is_monotone_in_the_verifiers_output_and_lies_in_0_1() -> None:
    v = verifier(4)
    logits = np.concatenate([np.linspace(-50, 50, 1001), [-1e6, 1e6, 0.0]])
    p = v.calibrate(np.sort(logits))
    assert np.all(np.diff(p) >= 0) and p.min() >= 0.0 and p.max() <= 1.0
    rows = np.random.default_rng(1).normal(size=(200, 4))
    by_row = v.probability(rows)
    order = np.argsort(v.logit(rows))
    assert np.all(np.diff(by_row[order]) >= 0)


def test_the_wh_word_says_what_kind_of_answer_is_asked_for() -> None:
    assert question_type("Who founded the Pasteur Institute?") == "person"
    assert question_type("When did Curie move to Paris?") == "time"
    assert question_type("In what year was it built?") == "time"
    assert question_type("Where was Marie Curie born?") == "place"
    assert question_type("How many people live in Fresno?") == "number"
    assert question_type("Which river flows through Basel?") == "which"
    assert question_type("Name the river.") == "other"


def reading(text: str, context: str, margin: float, width: int = 3) -> Reading:
    start = context.index(text)
    return Reading(
        Span(text, margin, start, start + len(text)),
        -1.0,
        0.6,
        0.1,
        np.ones(width, np.float32),
        np.full(width, 2.0, np.float32),
        2,
    )


def test_features_read_the_question_against_the_answer_and_its_passage() -> None:
    question = "When was Marie Curie born?"
    contexts = [
        "Marie Curie was born in 1867 in Warsaw.",
        "Paris is a city. It has 1867 cafes.",
        "No span here.",
    ]
    found = [
        reading("1867", contexts[0], 5.0),
        reading("1867", contexts[1], 1.0),
        Reading(None, 2.0),
    ]
    rows = scalar_features(question, contexts, found)
    assert rows[2] is None and rows[0] is not None and rows[1] is not None
    first, second = (dict(zip(SCALARS, r)) for r in (rows[0], rows[1]))
    assert first["question_in_sentence"] > second["question_in_sentence"]
    assert first["margin_below_best"] == 0 and second["margin_below_best"] == -4.0
    assert first["agreement"] == second["agreement"] == 0.5  # both say 1867, of 3 read
    assert first["time_digit"] == 1.0 and first["question_time"] == 1.0
    assert first["inverse_rank"] == 1.0 and second["inverse_rank"] == 0.5
    full = feature_rows(question, contexts, found)
    assert full[0] is not None and full[0].shape == (len(SCALARS) + 6,)
    # the question's names: Marie and Curie; the first passage names both, the second neither,
    # and the read as a whole names both
    assert first["names_in_sentence"] == 1.0 and second["names_in_sentence"] == 0.0
    assert first["names_in_passages"] == second["names_in_passages"] == 1.0
    # asked about someone no passage mentions, every candidate says so
    rows = scalar_features("When was Pierre Dupont born?", contexts, found)
    assert [dict(zip(SCALARS, r))["names_in_passages"] for r in rows[:2] if r] == [0.0, 0.0]


def test_a_question_about_a_name_the_passage_never_mentions_scores_no_names_found() -> None:
    assert question_names("When did the Normans conquer England in 1066?") == {
        "normans",
        "england",
        "1066",
    }
    assert question_names("What is the best way to clean it?") == set()  # first word: no name
    context = "The Normans conquered England in 1066. They built castles."
    for question, share in (
        ("When did the Normans conquer England?", 1.0),
        ("When did the Vikings conquer England?", 0.5),
        ("When did the Vikings conquer Ireland?", 0.0),
        ("when did they conquer it?", 1.0),  # no names asked: nothing is missing
    ):
        (row,) = scalar_features(question, [context], [reading("1066", context, 3.0)])
        assert row is not None and dict(zip(SCALARS, row))["names_in_passages"] == share


def test_a_saved_verifier_loads_and_one_made_for_other_features_is_ignored(tmp_path: Path) -> None:
    v = verifier(5)
    v.save(tmp_path)
    loaded = Verifier.load(tmp_path)
    assert loaded is not None and loaded.platt == v.platt and loaded.threshold == 0.4
    rows = np.random.default_rng(2).normal(size=(3, 5))
    assert np.allclose(loaded.probability(rows), v.probability(rows))
    data = json.loads((tmp_path / "verifier.json").read_text())
    data["scalars"] = data["scalars"][:-1]
    (tmp_path / "verifier.json").write_text(json.dumps(data))
    with pytest.warns(UserWarning, match="train it again"):
        assert Verifier.load(tmp_path) is None
    assert Verifier.load(tmp_path / "missing") is None


def test_expected_calibration_error_and_reliability_bins() -> None:
    ece, table = expected_calibration_error([0.05, 0.05, 0.95, 0.95], [False, False, True, True])
    assert abs(ece - 0.05) < 1e-9 and [b["count"] for b in table] == [2, 2]
    ece, _ = expected_calibration_error([0.9] * 10, [True] * 5 + [False] * 5)
    assert abs(ece - 0.4) < 1e-9


def answer(text: str, probability: float | None, score: float = 1.0) -> Answer:
    return Answer(text, score, "d", "d#0", 0, len(text), text, 0, probability=probability)


def test_one_answer_by_default_others_within_the_margin_or_n_when_asked() -> None:
    found = [answer("b", 0.55), answer("a", 0.9), answer("c", 0.84), answer("d", 0.5)]
    assert [a.text for a in shown_answers(found, None, 0.1)] == ["a", "c"]
    assert [a.text for a in shown_answers(found, None, 0.0)] == ["a"]
    assert [a.text for a in shown_answers(found, 3, 0.1)] == ["a", "c", "b"]
    # without a verifier: the best margin, one answer
    plain = [answer("x", None, 2.0), answer("y", None, 5.0)]
    assert [a.text for a in shown_answers(plain, None, None)] == ["y"]
    assert shown_answers([], None, 0.1) == []
