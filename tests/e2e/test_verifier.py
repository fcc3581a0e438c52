"""The shipped reader and its answer verifier: one calibrated probability per answer, a right
answer from a lower-ranked passage kept above a wrong one, abstention where a passage talks
about the subject without answering or the question names something it never mentions, and
training a verifier from the command line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from kgqa.qa.reader.verifier import Verifier
from kgqa.qa.settings import Settings
from kgqa.qa.types import Hit, Passage
from tests.unit.squad_data import PARAGRAPHS, squad_file

pytestmark = pytest.mark.slow
runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def hits(*texts: str) -> list[Hit]:
    return [
        Hit(Passage(f"doc{i}#0", f"doc{i}", 0, 0, len(t), t), 1.0 - i / 10)
        for i, t in enumerate(texts)
    ]


@pytest.fixture(scope="module")
def service(sample_store: Path):
    from kgqa.qa.serve.service import QAService

    service = QAService(Settings(store=sample_store))
    assert service.verifier is not None, "the shipped reader ships its verifier"
    return service


def test_a_right_answer_from_a_lower_ranked_passage_leads_a_wrong_one(service) -> None:
    found = service.read_hits(
        "Who founded the Pasteur Institute?",
        hits(
            "William Barton Rogers founded the Massachusetts Institute of Technology in 1861, "
            "and the institute opened its first classes in Boston in 1865.",
            "The Pasteur Institute was founded in 1887 by Louis Pasteur, who directed it until "
            "his death in 1895.",
        ),
        top_answers=5,
    )
    assert found and found[0].text == "Louis Pasteur" and found[0].doc_id == "doc1"
    assert all(a.probability is not None and 0.0 <= a.probability <= 1.0 for a in found)
    assert all(a.probability >= service.answer_threshold for a in found)  # type: ignore[operator]


def test_ask_abstains_when_the_passage_talks_about_the_subject_without_answering(service) -> None:
    passage = (
        "Marie Curie was a Polish and naturalised-French physicist and chemist who "
        "conducted pioneering research on radioactivity. She was the first woman to win "
        "a Nobel Prize and the only person to win Nobel Prizes in two sciences."
    )
    assert service.read_hits("Where is Marie Curie buried?", hits(passage), None) == []
    (read,) = service.read([("q", "Where is Marie Curie buried?", passage)])
    assert read["answer"] is None and read["probability"] is not None
    assert read["probability"] < service.answer_threshold
    (answered,) = service.read([("q", "What did Marie Curie research?", passage)])
    assert answered["answer"] == "radioactivity"
    assert answered["probability"] >= service.answer_threshold


def test_a_question_about_a_name_the_passage_never_mentions_is_not_answered(service) -> None:
    # a dev split paragraph (the verifier's dev split, never trained on) and its question; then
    # the question with its name swapped, as SQuAD 2.0's writers made unanswerable questions
    asked = "What historical figure was Jacksonville named after?"
    data = json.loads((ROOT / "data/reader/dev_squad2.json").read_text())["data"]
    (passage,) = [
        p["context"]
        for a in data
        for p in a["paragraphs"]
        if any(q["question"] == asked for q in p["qas"])
    ]
    (answered,) = service.read([("q", asked, passage)])
    assert answered["answer"] == "Andrew Jackson"
    assert answered["probability"] >= service.answer_threshold
    swapped = asked.replace("Jacksonville", "Sophocles")
    (read,) = service.read([("q", swapped, passage)])
    assert read["answer"] is None and read["probability"] < service.answer_threshold


def test_a_question_about_someone_no_document_mentions_is_not_answered(service) -> None:
    # the sample corpus tells where Marie Curie and Alan Turing were born and never names Niels
    # Bohr: the reader proposes Turing's birthplace, which must not be shown
    assert [a.text for a in service.ask("Where was Niels Bohr born?").answers] == []
    assert [a.text for a in service.ask("Where was Alan Turing born?").answers][:1] == [
        "Maida Vale, London"
    ]


def test_ask_shows_one_answer_by_default_and_n_with_top_answers(sample_store: Path) -> None:
    # a question with three answers or more at threshold 0 ("Where did Marie Curie work?" has
    # two since "Pierre Curie taught at the School of Industrial Physics ..." is his, not hers)
    question = "What did Marie Curie research?"
    result = runner.invoke(
        app,
        ["ask", question, "--store", str(sample_store), "--json"],
        env={"KGQA_ANSWER_THRESHOLD": "0"},
    )
    assert result.exit_code == 0, result.stderr
    default = json.loads(result.stdout)["answers"]
    probabilities = [a["probability"] for a in default]
    verifier = Verifier.load(Settings().reader_model)
    assert verifier is not None
    # the best answer, and only the others within the verifier's margin of it
    assert len(default) >= 1 and all(
        p >= probabilities[0] - verifier.answer_margin for p in probabilities
    )
    result = runner.invoke(
        app,
        ["ask", question, "--store", str(sample_store), "--json", "--top-answers", "3"],
        env={"KGQA_ANSWER_THRESHOLD": "0"},
    )
    assert result.exit_code == 0, result.stderr
    three = json.loads(result.stdout)["answers"]
    assert len(three) == 3 and three[0]["text"] == default[0]["text"]
    assert [a["probability"] for a in three] == sorted(
        (a["probability"] for a in three), reverse=True
    )
    result = runner.invoke(
        app, ["ask", "Where was Marie Curie born?", "--store", str(sample_store)]
    )
    assert result.exit_code == 0 and "Warsaw" in result.stdout
    assert "% sure" in result.stdout


def test_train_verifier_writes_one_beside_the_reader_and_read_uses_it(tmp_path: Path) -> None:
    reader = tmp_path / "reader"
    shutil.copytree(
        Settings().reader_model,
        reader,  # type: ignore[arg-type]
        ignore=shutil.ignore_patterns("verifier.json", "dev*.json"),
    )
    data = json.loads(squad_file(tmp_path / "toy.json").read_text())["data"]
    train, dev = tmp_path / "train.json", tmp_path / "dev.json"
    train.write_text(json.dumps({"version": "v2.0", "data": data[:1]}))
    dev.write_text(json.dumps({"version": "v2.0", "data": data[1:]}))
    assert Verifier.load(reader) is None
    result = runner.invoke(
        app,
        [
            "train",
            "verifier",
            "--reader",
            str(reader),
            "--data",
            str(train),
            "--dev",
            str(dev),
            "--passages",
            "2",
            "--report",
            str(dev),
            "--l2-scalars",
            "1000",
            "--l2-scalars",
            "10",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert re.search(r"\b0 of [1-9]\d* readings kept", result.stdout)  # none kept yet
    verifier = Verifier.load(reader)
    assert verifier is not None and 0.0 <= verifier.threshold <= 1.0
    assert verifier.record["train_reads"] > 0 and "dev_split" in verifier.record
    # each scalar penalty given was fitted, and one of them kept
    tried = verifier.record["l2_scalars_dev_f1"]
    assert set(tried) == {"1000.0", "10.0"} and str(verifier.record["l2_scalars"]) in tried
    # a report file named dev.json is reported beside the dev split, not in place of its path
    assert verifier.record["dev"] == str(dev) and "ece" in verifier.record["reports"]["dev"]
    context = "Marie Curie was born in Warsaw. She moved to Paris in 1891."
    result = runner.invoke(
        app,
        [
            "read",
            "--question",
            "Where was Marie Curie born?",
            "--context",
            context,
            "--reader-model",
            str(reader),
        ],
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert 0.0 <= record["probability"] <= 1.0
    assert (record["answer"] is None) == (record["probability"] < verifier.threshold)

    # probabilities fitted again on other text: the same answers shown, in the same order,
    # with other probabilities, and the new threshold where the old one cut
    pairs = [(q, context) for context, qas in PARAGRAPHS for q, _ in qas]

    def reads() -> list[dict]:
        out = []
        for question, text in pairs:
            done = runner.invoke(
                app,
                ["read", "--question", question, "--context", text, "--reader-model", str(reader)],
            )
            assert done.exit_code == 0, done.stderr
            out.append(json.loads(done.stdout))
        return out

    before = reads()
    result = runner.invoke(
        app,
        ["train", "calibration", "--reader", str(reader), "--data", str(train), "--data",
         str(dev), "--passages", "2"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # the same reader read the same questions: every reading is taken from the cache
    kept = re.search(r"(\d+) of (\d+) readings kept", result.stdout)
    assert kept and kept[1] == kept[2]
    recalibrated = Verifier.load(reader)
    assert recalibrated is not None
    assert recalibrated.record["calibration"]["threshold_before"] == round(verifier.threshold, 4)
    calibration = recalibrated.record["calibration"]
    assert calibration["answer_margin"] == recalibrated.answer_margin
    assert calibration["answer_margin_before"] == verifier.answer_margin
    # name-swapped questions are read by default, in training and in calibration
    assert verifier.record["dev_split"]["swapped"]["questions"] > 0
    assert calibration["f1"]["swapped"]["questions"] > 0
    after = reads()
    assert [r["answer"] for r in after] == [r["answer"] for r in before]
    order = sorted(range(len(pairs)), key=lambda i: before[i]["probability"])
    assert [after[i]["probability"] for i in order] == sorted(r["probability"] for r in after)
    # fitted on the train and dev reads: every answer of those files was scaled
    assert calibration["candidates"] > verifier.record["dev_split"]["candidates"]
