"""The verifier's training reads: hard negatives made by removing the answer's sentence or
swapping a name of the question for one the paragraph never mentions, open-like reads over an
article's paragraphs ranked by BM25, and the choice of threshold."""

from __future__ import annotations

import numpy as np

from kgqa.qa.reader.verifier import SCALARS
from kgqa.qa.squad import SquadExample
from kgqa.qa.training.swaps import _moved_number, swapped_questions
from kgqa.qa.training.verifier import (
    Candidate,
    ReadSet,
    choose_answer_margin,
    choose_l2_scalars,
    choose_threshold,
    f1_at,
    read_sets,
    without_answer_sentences,
)

CONTEXT = (
    "Marie Curie was a physicist. She was born in Warsaw in 1867. She moved to Paris "
    "in 1891. She won two Nobel Prizes."
)


def example(
    qid: str, question: str, answer: str | None, context: str = CONTEXT, title: str = "Curie"
) -> SquadExample:
    answers = () if answer is None else ((answer, context.index(answer)),)
    return SquadExample(qid, title, context, question, answers)


def test_removing_the_answers_sentence_leaves_a_passage_about_the_subject_without_it() -> None:
    cut = without_answer_sentences(example("q1", "Where was Curie born?", "Warsaw"))
    assert cut is not None and cut.is_impossible and cut.qid == "q1-removed"
    assert "Warsaw" not in cut.context and "Marie Curie was a physicist." in cut.context
    assert "Paris" in cut.context
    # an answer that also stands in another sentence cannot be removed: no negative
    twice = "Curie was born in 1867. Her sister was born in 1865. The year 1867 was cold."
    assert without_answer_sentences(example("q2", "When?", "1867", twice)) is None
    assert without_answer_sentences(example("q3", "Who?", None)) is None


def test_open_like_reads_rank_the_articles_paragraphs_and_keep_gold_only_where_it_shows() -> None:
    other = "Pierre Curie studied crystals. He married Marie in 1895 in Sceaux."
    third = "The Sorbonne is a university in Paris."
    examples = [
        example("q1", "Where was Marie Curie born?", "Warsaw"),
        example("q2", "Where did Pierre Curie marry Marie?", "Sceaux", other),
        example("q3", "What is the Sorbonne?", "a university", third),
    ]
    sets = read_sets(examples, passages=2)
    kinds = [(s.qid, s.kind) for s in sets]
    assert ("q1", "closed") in kinds and ("q1", "open") in kinds
    assert ("q1-removed", "removed") in kinds
    open_q1 = next(s for s in sets if s.qid == "q1" and s.kind == "open")
    assert open_q1.contexts[0] == CONTEXT and len(open_q1.contexts) == 2
    assert open_q1.golds == ("Warsaw",)
    only_q2 = read_sets(examples, passages=1, removed=False, asked={"q2"})
    assert {s.qid for s in only_q2} == {"q2"}
    open_q2 = next(s for s in only_q2 if s.kind == "open")
    assert open_q2.contexts == (other,)


def test_the_threshold_trades_right_answers_against_abstaining() -> None:
    scored = [
        (True, "closed", [(0.9, 1.0)]),
        (True, "closed", [(0.3, 0.0)]),
        (False, "closed", [(0.35, 0.0)]),
        (False, "closed", [(0.2, 0.0)]),
        (True, "open", [(0.8, 1.0), (0.75, 1.0), (0.4, 0.0)]),
        (False, "open", [(0.5, 0.0)]),
    ]
    t = choose_threshold(scored)
    assert 0.5 < t <= 0.8
    at = f1_at(scored, t, ("closed",))
    assert at["f1"] == 75.0 and at["NoAns_accuracy"] == 100.0
    # further answers: one right 0.05 under its best, one wrong 0.2 under, one wrong 0.23 under
    scored += [(True, "open", [(0.9, 1.0), (0.7, 0.0)]), (True, "open", [(0.95, 1.0), (0.72, 0.0)])]
    margin, precision = choose_answer_margin(scored, 0.5)
    assert margin == 0.22 and precision == 0.5  # past 0.22, two of three shown would be wrong


def test_calibration_needs_a_verifier_beside_the_reader(tmp_path) -> None:
    """`kgqa train calibration` on a reader folder with no verifier.json says so and what to
    run, before reading anything."""
    from typer.testing import CliRunner

    from kgqa.flows.cli import app
    from tests.unit.squad_data import squad_file

    reader = tmp_path / "reader"
    reader.mkdir()
    data = squad_file(tmp_path / "dev.json")
    result = CliRunner().invoke(
        app, ["train", "calibration", "--reader", str(reader), "--data", str(data)]
    )
    assert result.exit_code != 0
    assert f"{reader}: no verifier.json to calibrate" in result.output
    assert "kgqa train verifier" in result.output
    missing = CliRunner().invoke(
        app, ["train", "calibration", "--reader", str(reader), "--data", str(tmp_path / "x.json")]
    )
    assert missing.exit_code != 0 and "x.json: no such file (--data)" in missing.output


def test_a_swapped_name_makes_a_question_its_paragraph_does_not_answer(tiny_spacy) -> None:
    import spacy

    nlp = spacy.load(tiny_spacy)
    other = "Pierre Curie studied crystals in Paris."
    examples = [
        example("q1", "Where was Marie Curie born?", "Warsaw"),
        example("q2", "What did Pierre Curie study?", "crystals", other, "Pierre"),
        example("q3", "Where did Marie Curie move in 1891?", "Paris"),  # the name is the answer
        example("q4", "Who won two Nobel Prizes?", "Marie Curie"),  # no name asked
        example("q5", "Where was Marie Curie born?", None),
    ]
    swapped = swapped_questions(examples, nlp)
    by_id = {s.qid: s for s in swapped}
    assert set(by_id) == {"q1-swapped", "q2-swapped", "q3-swapped"}
    assert by_id["q1-swapped"].question == "Where was Pierre Curie born?"
    assert by_id["q2-swapped"].question == "What did Marie Curie study?"
    # q3 may swap its person, never its place: Paris is its answer
    assert by_id["q3-swapped"].question == "Where did Pierre Curie move in 1891?"
    assert all(s.is_impossible and s.context == CONTEXT for s in (by_id["q1-swapped"],))
    sets = read_sets(examples, passages=1, nlp=nlp)
    assert {s.qid for s in sets if s.kind == "swapped"} == set(by_id)
    assert all(not s.golds for s in sets if s.kind == "swapped")
    assert not [s for s in read_sets(examples, passages=1) if s.kind == "swapped"]


def test_a_moved_number_is_one_the_paragraph_does_not_hold() -> None:
    import random

    rng = random.Random(3)
    for _ in range(50):
        moved = _moved_number("in 1867", CONTEXT, rng)
        assert moved is not None and moved != "in 1867" and moved[3:] not in CONTEXT
        assert moved.startswith("in ") and 1850 <= int(moved[3:]) <= 1885
    assert _moved_number("in spring", CONTEXT, rng) is None


def _reads(count: int, seed: int) -> tuple[list[ReadSet], list[Candidate]]:
    """Half the questions answerable; their answers' passages hold the question's names,
    the others' do not; the 300 vector features are noise."""
    rng = np.random.default_rng(seed)
    sets, candidates = [], []
    for i in range(count):
        answerable = i % 2 == 0
        row = np.zeros(len(SCALARS) + 300)
        row[len(SCALARS) :] = rng.normal(size=300)
        row[SCALARS.index("names_in_passages")] = 1.0 if answerable else 0.0
        sets.append(ReadSet(f"q{i}", "closed", "Q?", ("P",), (0,), ("a",) if answerable else ()))
        candidates.append(Candidate(i, "a", "a", 1.0 if answerable else 0.0, row))
    return sets, candidates


def test_a_lighter_penalty_on_the_scalar_features_is_kept_when_the_dev_split_gains() -> None:
    _, train = _reads(400, 1)
    dev_sets, dev = _reads(200, 2)
    # under the vectors' heavy penalty the names' weight is too small to outweigh the noise
    chosen, verifier, _, tried = choose_l2_scalars(train, dev_sets, dev, 1000.0, (1000.0, 1.0))
    assert tried[1.0] == 100.0 and tried[1000.0] < 95.0 and chosen == 1.0
    names = SCALARS.index("names_in_passages")
    assert verifier.weights[names] > 5 * max(abs(w) for w in verifier.weights[len(SCALARS) :])
    # two penalties that do equally well: the heavier is kept
    chosen, _, _, tried = choose_l2_scalars(train, dev_sets, dev, 1000.0, (1.0, 0.5))
    assert tried[1.0] == tried[0.5] and chosen == 1.0
