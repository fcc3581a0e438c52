"""kgqa ask / search over a file of questions: every line gets its own answer or error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app


@pytest.mark.parametrize("command, field", [("ask", "--questions"), ("search", "--queries")])
def test_a_bad_line_gets_its_own_error_and_the_lines_after_it_are_answered(
    cli_env: Path, command: str, field: str
) -> None:
    questions = cli_env / "questions.jsonl"
    text_field = "question" if command == "ask" else "query"
    questions.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", text_field: "Where was Marie Curie born?"}),
                "{not json",
                json.dumps({"id": "c", "something": "else"}),
                json.dumps({"id": "d", text_field: "   "}),
                json.dumps({"id": "e", text_field: "Who worked at the Radium Institute?"}),
            ]
        )
        + "\n"
    )
    result = CliRunner().invoke(app, [command, field, str(questions), "--json"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("id") for r in records] == ["a", "2", "c", "d", "e"]
    assert [("error" in r) for r in records] == [False, True, True, True, False]
    assert records[1]["line"] == 2 and "not valid JSON" in records[1]["error"]
    assert "needs a string field" in records[2]["error"]
    assert "empty" in records[3]["error"]
    assert result.exit_code == 1, "the exit status says some lines failed"


def test_a_file_of_good_questions_exits_zero(cli_env: Path) -> None:
    questions = cli_env / "questions.jsonl"
    questions.write_text(json.dumps({"id": "a", "question": "Where was Marie Curie born?"}) + "\n")
    result = CliRunner().invoke(app, ["ask", "--questions", str(questions), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "a"
