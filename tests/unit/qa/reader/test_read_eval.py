"""`kgqa read` and `kgqa eval reader` on a tiny checkpoint built in a fixture."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kgqa.flows.cli import app
from tests.unit.squad_data import squad_file

runner = CliRunner()


def test_read_one_question_gives_offsets_into_the_context(tiny_qa_model: Path) -> None:
    context = "Marie Curie was born in Warsaw in 1867."
    result = runner.invoke(
        app,
        [
            "read",
            "--question",
            "Where was she born?",
            "--context",
            context,
            "--reader-model",
            str(tiny_qa_model),
        ],
        env={"KGQA_NO_ANSWER_THRESHOLD": "-1000"},
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["answer"] and context[record["start"] : record["end"]] == record["answer"]


def test_read_file_abstains_with_nulls_above_the_threshold(
    tiny_qa_model: Path, tmp_path: Path
) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text(
        "".join(
            json.dumps({"id": f"q{i}", "question": "Who?", "context": c}) + "\n"
            for i, c in enumerate(["Ada Lovelace wrote notes.", "Long text. " * 200])
        )
    )
    result = runner.invoke(
        app,
        ["read", str(lines), "--reader-model", str(tiny_qa_model)],
        env={"KGQA_NO_ANSWER_THRESHOLD": "1000"},
    )
    assert result.exit_code == 0, result.stderr
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["q0", "q1"]
    assert all(r["answer"] is None and r["start"] is None for r in records)


def test_read_reports_a_bad_line_by_number(tiny_qa_model: Path, tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text(json.dumps({"id": "a", "question": "Who?"}) + "\n")
    result = runner.invoke(app, ["read", str(lines), "--reader-model", str(tiny_qa_model)])
    assert result.exit_code == 2 and f"{lines}:1" in result.stderr and "context" in result.stderr


def test_eval_reader_reports_squad_v2_metrics(tiny_qa_model: Path, tmp_path: Path) -> None:
    squad = squad_file(tmp_path / "toy.json")
    result = runner.invoke(
        app,
        ["eval", "reader", "--squad", str(squad), "--json", "--reader-model", str(tiny_qa_model)],
    )
    assert result.exit_code == 0, result.stderr
    m = json.loads(result.stdout)
    assert m["questions"] == 12 and m["HasAns_total"] == 10 and m["NoAns_total"] == 2
    for key in (
        "exact",
        "f1",
        "HasAns_f1",
        "NoAns_f1",
        "best_f1",
        "best_f1_thresh",
        "seconds_per_question",
    ):
        assert key in m
