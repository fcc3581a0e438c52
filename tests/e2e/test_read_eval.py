"""`kgqa read` and `kgqa eval` on a tiny local checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from tests.unit.squad_data import squad_file

runner = CliRunner()


@pytest.mark.slow
def test_eval_qa_reports_retrieval_recall_too(tiny_qa_model: Path, tmp_path: Path) -> None:
    squad = squad_file(tmp_path / "toy.json")
    result = runner.invoke(
        app, ["eval", "qa", "--squad", str(squad), "--json", "--reader-model", str(tiny_qa_model)]
    )
    assert result.exit_code == 0, result.stderr
    m = json.loads(result.stdout.splitlines()[-1])
    assert m["questions"] == 12
    # the toy file repeats each paragraph in two articles, so the other copy may rank first
    assert m["recall@10"] == 1.0 and m["recall@1"] >= 0.4


@pytest.mark.slow
def test_eval_retrieval_reports_recall_and_mrr_per_mode(tmp_path: Path) -> None:
    squad = squad_file(tmp_path / "toy.json")
    distractors = tmp_path / "d.jsonl"
    distractors.write_text(
        "".join(
            json.dumps({"id": f"d{i}", "text": t}) + "\n"
            for i, t in enumerate(
                ["Bananas grow in warm places.", "The Rhine flows through Basel."]
            )
        )
    )
    ranks = tmp_path / "ranks.jsonl"
    result = runner.invoke(
        app,
        [
            "eval",
            "retrieval",
            "--squad",
            str(squad),
            "--json",
            "--distractors",
            str(distractors),
            "--modes",
            "bm25,hybrid",
            "--ranks",
            str(ranks),
        ],
    )
    assert result.exit_code == 0, result.stderr
    m = json.loads(result.stdout.splitlines()[-1])
    assert m["questions"] == 10 and m["passages"] == 8
    assert set(m["modes"]) == {"bm25", "hybrid"}
    for mode in m["modes"].values():
        assert mode["recall@20"] == 1.0 and 0 < mode["mrr"] <= 1 and mode["queries_per_second"] > 0
    # the per-question ranks are the ones the summary was computed from
    rows = [json.loads(line) for line in ranks.read_text().splitlines()]
    assert len(rows) == 10 and all(r["question"] and r["paragraph"] for r in rows)
    for mode, summary in m["modes"].items():
        assert sum(r["ranks"][mode] == 1 for r in rows) / 10 == summary["recall@1"]
        assert sum(1 / r["ranks"][mode] for r in rows) / 10 == pytest.approx(summary["mrr"])


@pytest.mark.slow
def test_int8_and_fp32_readers_give_the_same_answers(tmp_path: Path) -> None:
    """The shipped reader quantised to int8 answers the sample questions as fp32 does."""
    from kgqa.kg.models import shipped_model
    from kgqa.qa.reader.extractive import ExtractiveReader
    from kgqa.qa.settings import Settings

    pairs = [
        (
            "Where was Marie Curie born?",
            "Marie Curie was born in Warsaw in 1867 and moved "
            "to Paris in 1891, where she studied physics at the Sorbonne.",
        ),
        (
            "Who invented the World Wide Web?",
            "Tim Berners-Lee invented the World Wide Web "
            "in 1989 while working at CERN near Geneva.",
        ),
        (
            "What did Alfred Nobel invent?",
            "Alfred Nobel was a Swedish chemist who invented "
            "dynamite and left his fortune to establish the Nobel Prizes.",
        ),
        (
            "When was CERN founded?",
            "CERN, the European Organization for Nuclear Research, "
            "was founded in 1954 and is based in Geneva.",
        ),
        (
            "Who founded the Pasteur Institute?",
            "The Pasteur Institute in Paris was founded by Louis Pasteur in 1887.",
        ),
    ]
    model = str(shipped_model("reader"))
    answers = {}
    for precision in ("fp32", "int8"):
        reader = ExtractiveReader.configured(
            Settings(reader_model=model, reader_precision=precision).reader()
        )
        spans = reader.read_pairs([q for q, _ in pairs], [c for _, c in pairs])
        answers[precision] = [span.text if span else None for span, _ in spans]
    assert answers["int8"] == answers["fp32"]
    assert answers["fp32"][0] == "Warsaw"
