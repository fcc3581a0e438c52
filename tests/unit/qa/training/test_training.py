"""The training code end to end on a tiny model: it learns, saves safely, resumes, is measured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgqa.qa.squad import load_squad, squad_v2_metrics
from kgqa.qa.training.reader import TrainConfig, train_reader
from tests.unit.squad_data import PARAGRAPHS, squad_file


@pytest.fixture
def word_model(tmp_path: Path) -> Path:
    """A tiny BERT whose vocabulary has the words of the toy data, so one token is one word."""
    from tests.conftest import build_word_model

    texts = [text for c, qas in PARAGRAPHS for text in [c] + [q for q, _ in qas]]
    return build_word_model(tmp_path / "base", texts, hidden=48, question_answering=True)


def config(tmp_path: Path, base: Path, **extra: object) -> TrainConfig:
    options = dict(
        data=[str(squad_file(tmp_path / "toy.json"))],
        out=str(tmp_path / "out"),
        base_model=str(base),
        epochs=60,
        learning_rate=3e-3,
        batch_size=8,
        max_seq_len=64,
        stride=16,
        dev_fraction=0.5,
        seed=1,
        warmup_fraction=0.0,
        fp16_weights=False,
        save_every=10,
    )
    options.update(extra)
    return TrainConfig(**options)  # type: ignore[arg-type]


def test_a_tiny_reader_learns_a_handful_of_questions(tmp_path: Path, word_model: Path) -> None:
    result = train_reader(config(tmp_path, word_model), progress=lambda _: None)
    out = tmp_path / "out"
    assert result["best"]["f1"] >= 80, result["history"][-1]
    assert result["history"][0]["f1"] < result["best"]["f1"], "it learned something"
    assert (out / "model.safetensors").is_file() and (out / "tokenizer.json").is_file()
    assert not list(out.glob("*.bin")) and not (out / "checkpoint").exists()
    card = (out / "README.md").read_text()
    assert "Dev metrics" in card and "CC BY-SA" in card
    dev = load_squad([out / "dev.json"])
    assert {e.title for e in dev} == {"dev-article"} or {e.title for e in dev} == {"train-article"}


def test_interrupted_training_resumes_from_its_checkpoint(tmp_path: Path, word_model: Path) -> None:
    class Stop(Exception):
        pass

    def stop_midway(message: str) -> None:
        if message.startswith("dev after step 30"):
            raise Stop

    with pytest.raises(Stop):
        train_reader(config(tmp_path, word_model), progress=stop_midway)
    state = json.loads((tmp_path / "out" / "checkpoint" / "state.json").read_text())
    # one step per epoch here, and a checkpoint after every epoch: the last one is step 29
    assert state["step"] == 29
    seen: list[str] = []
    result = train_reader(config(tmp_path, word_model), progress=seen.append)
    assert "resuming from step 29 of 60" in seen
    assert result["steps"] == 60 and [h["step"] for h in result["history"]] == list(range(1, 61))


def test_squad_v2_metrics_match_hand_computed_values() -> None:
    from kgqa.qa.squad import SquadExample

    examples = [
        SquadExample("a", "t", "c", "q", (("the Warsaw", 0),)),
        SquadExample("b", "t", "c", "q", (("Paris France", 0),)),
        SquadExample("c", "t", "c", "q", ()),
    ]
    preds = {"a": "Warsaw", "b": "Paris", "c": "London"}
    margins = {"a": 2.0, "b": 1.0, "c": 0.5}
    m = squad_v2_metrics(examples, preds, margins, threshold=0.0)
    assert m["HasAns_exact"] == pytest.approx(50.0)
    assert m["HasAns_f1"] == pytest.approx(100 * (1 + 2 / 3) / 2)
    assert m["NoAns_f1"] == 0.0
    m = squad_v2_metrics(examples, preds, margins, threshold=0.75)
    assert m["NoAns_exact"] == 100.0 and m["exact"] == pytest.approx(200 / 3)
    assert m["best_f1"] == pytest.approx(100 * (1 + 2 / 3 + 1) / 3)
    assert 0.5 <= m["best_f1_thresh"] <= 1.0


def test_a_tiny_cross_encoder_learns_to_rank_each_question_s_own_paragraph_first(
    tmp_path: Path, word_model: Path
) -> None:
    from sentence_transformers import CrossEncoder
    from typer.testing import CliRunner

    from kgqa.flows.cli import app

    out = tmp_path / "reranker"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "reranker",
            "--data",
            str(squad_file(tmp_path / "toy.json")),
            "--out",
            str(out),
            "--base-model",
            str(word_model),
            "--epochs",
            "600",
            "--learning-rate",
            "1e-3",
            "--questions-per-batch",
            "5",
            "--max-seq-len",
            "64",
            "--dev-fraction",
            "0.5",
            "--seed",
            "1",
            "--warmup-fraction",
            "0",
            "--no-prefect",
        ],
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["dev_questions"] == 5 and metrics["dev"]["accuracy@1"] == 1.0
    assert metrics["dev"]["mrr"] > metrics["dev_before"]["mrr"]
    assert "kgqa train reranker" in (out / "README.md").read_text()

    scores = CrossEncoder(str(out)).predict(
        [("Where did Alan Turing work?", context) for context, _ in PARAGRAPHS]
    )
    assert scores.argmax() == 1, "the saved model loads as a CrossEncoder and ranks the same"

    missing = CliRunner().invoke(
        app,
        [
            "train",
            "reranker",
            "--data",
            str(tmp_path / "no.json"),
            "--out",
            str(out),
            "--no-prefect",
        ],
    )
    assert missing.exit_code != 0 and "no.json: no such file (--data)" in missing.output


def test_reranker_negatives_never_come_from_held_out_articles(tmp_path: Path) -> None:
    from kgqa.qa.training.reranker import CrossTrainConfig, split_groups

    cities = ["Warsaw", "Paris", "London", "Vienna", "Prague", "Berlin", "Madrid", "Rome"]
    data = [
        {
            "title": f"article-{i}",
            "paragraphs": [
                {
                    "context": f"The scientist number {i} was born in {city}. "
                    "The scientist worked there.",
                    "qas": [
                        {
                            "id": f"q{i}",
                            "question": f"Where was scientist number {i} born?",
                            "answers": [
                                {
                                    "text": city,
                                    "answer_start": len(f"The scientist number {i} was born in "),
                                }
                            ],
                        }
                    ],
                }
            ],
        }
        for i, city in enumerate(cities)
    ]
    path = tmp_path / "cities.json"
    path.write_text(json.dumps({"version": "v2.0", "data": data}))
    config = CrossTrainConfig(
        data=[str(path)],
        out=str(tmp_path / "out"),
        dev_fraction=0.5,
        max_dev_questions=1,
        negatives=2,
        seed=3,
    )
    train, dev = split_groups(load_squad([path]), config)
    contexts = {a["paragraphs"][0]["context"]: a["title"] for a in data}
    dev_titles = {contexts[g.paragraphs[0]] for g in dev}
    train_titles = {contexts[g.paragraphs[0]] for g in train}
    assert len(dev) == 1 and len(train) == 4
    held_out = set(contexts.values()) - train_titles  # all 4 dev articles, though 1 is sampled
    assert dev_titles < held_out and len(held_out) == 4
    for g in train:
        assert len(g.paragraphs) == 3
        assert all(contexts[p] not in held_out for p in g.paragraphs), g.question
    for g in dev:
        assert all(contexts[p] in held_out for p in g.paragraphs)


def test_the_squad2_mix_pairs_each_answerable_question_with_a_paragraph_that_does_not_answer(
    tmp_path: Path,
) -> None:
    from kgqa.qa.squad import normalize_answer, squad2_mix

    examples = load_squad([squad_file(tmp_path / "toy.json")])
    mix = squad2_mix(examples, seed=3)
    partners = [e for e in mix if e.qid.endswith("-other")]
    answerable = {e.qid: e for e in examples if e.answers}
    assert len(partners) == len(answerable) and mix[: len(examples)] == examples
    for p in partners:
        own = answerable[p.qid.removesuffix("-other")]
        assert p.is_impossible and p.question == own.question and p.title == own.title
        assert p.context != own.context
        assert normalize_answer(own.answers[0][0]) not in normalize_answer(p.context)


def test_a_reader_trained_with_unanswerable_pairs_abstains_on_them(
    tmp_path: Path, word_model: Path
) -> None:
    seen: list[str] = []
    result = train_reader(config(tmp_path, word_model, negatives=1.0), progress=seen.append)
    # the training article's 5 answerable questions got 5 unanswerable partners (plus its own 1)
    assert any(m.startswith("11 training questions (6 unanswerable)") for m in seen), seen[:3]
    mix = result["best"]["mix"]
    assert mix["total"] == 11 and mix["NoAns_f1"] >= 80 and mix["HasAns_f1"] >= 60, mix
    assert "dev mix F1" in (tmp_path / "out" / "README.md").read_text()


def test_a_dev_file_keeps_the_checkpoint_with_the_best_thresholded_f1(
    tmp_path: Path, word_model: Path
) -> None:
    from kgqa.qa.squad import write_squad

    toy = squad_file(tmp_path / "toy.json")
    dev = [e for e in load_squad([toy]) if e.title == "dev-article"]
    assert dev, "the toy data has a dev article"
    write_squad(dev, tmp_path / "dev_file.json")
    result = train_reader(
        config(tmp_path, word_model, epochs=20, dev_file=str(tmp_path / "dev_file.json")),
        progress=lambda _: None,
    )
    history = result["history"]
    # the verifier's threshold, not margin 0, decides what is shown: the F1 at the best
    # no-answer threshold chooses the checkpoint, and the kept one is that evaluation's
    assert result["best"]["best_f1"] == max(h["best_f1"] for h in history)
    assert result["best"]["step"] == max(history, key=lambda h: h["best_f1"])["step"]
