"""What a person meets at the command line: --version, --help that shows defaults and no type
noise, exit statuses that tell apart "some files failed", input refused before any model
loads, and a warning for text that is not English."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from kgqa.flows.cli import app
from kgqa.qa.language import looks_english


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"kgqa {version('kgqa')}"


def test_help_shows_defaults_from_settings_exit_statuses_and_no_python_types() -> None:
    wide = {"COLUMNS": "200"}
    ask = CliRunner().invoke(app, ["ask", "--help"], env=wide).stdout
    assert "setting ask_top_k: 5" in ask and "setting store: kgqa-store" in ask
    assert "<bool>" not in ask and "<int" not in ask and "<path>" not in ask
    search = CliRunner().invoke(app, ["search", "--help"], env=wide).stdout
    assert "setting search_k: 5" in search and "setting search_mode: hybrid" in search
    top = CliRunner().invoke(app, ["--help"], env=wide).stdout
    assert "4 ingest committed, but some files failed" in " ".join(top.split())


def test_each_command_summary_wraps_to_the_terminal_not_to_the_source_lines() -> None:
    """On a wide terminal every command of a group's list is one line, however its docstring
    was broken in the source (Typer kept those breaks, so long summaries showed ragged)."""
    wide = {"COLUMNS": "400"}
    for group, command, words in (
        (
            "train",
            "split",
            "Hold out whole articles of the SQuAD 2.0 part (with their "
            "adversarial unanswerable questions) as a SQuAD file: the reader's dev split, or the "
            "verifier's.",
        ),
        (
            "eval",
            "multihop",
            "Pool the file's paragraphs into one store (built unless --store "
            "has one), ask every question, and report answer EM/F1",
        ),
        (
            "warm",
            "start",
            "Start the store's warm process now (if none runs) and wait until "
            "its models are loaded, so that the next command answers at once.",
        ),
    ):
        shown = CliRunner().invoke(app, [group, "--help"], env=wide).stdout
        rows = [line for line in shown.splitlines() if line.startswith(f"│ {command} ")]
        assert len(rows) == 1 and words in rows[0], (group, command, shown)
    top = CliRunner().invoke(app, ["--help"], env=wide).stdout
    assert "2 a usage, settings or input error" in top


def _in_a_fresh_interpreter(args: list[str], modules: list[str]) -> tuple[str, str, str]:
    """``kgqa ARGS`` run in a fresh interpreter: "EXIT_CODE LOADED..." (whether each of
    ``modules`` was imported by then), the command's stderr, and the interpreter's."""
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from kgqa.flows.cli import app\n"
        "r = CliRunner().invoke(app, sys.argv[1:])\n"
        f"print(r.exit_code, *(m in sys.modules for m in {modules!r}))\n"
        "print(r.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300
    )
    first, message = out.stdout.split("\n", 1)
    return first, message, out.stderr


def test_a_long_question_is_refused_before_any_model_or_store_loads(tmp_path: Path) -> None:
    """In a fresh interpreter: the refusal comes before torch or the store's code is imported."""
    first, message, errors = _in_a_fresh_interpreter(
        ["ask", "x" * 10000, "--store", str(tmp_path / "store")],
        ["torch", "kgqa.qa.serve.service"],
    )
    assert first == "2 False False", message + errors
    assert "10000 characters, over the limit of 1000" in message
    assert "max_question_chars" in message


def test_the_store_is_checked_before_the_graph_library_or_numpy_loads(tmp_path: Path) -> None:
    """A one-shot question checks its store first, and that check loads nothing heavy: a
    question the warm process answers pays only for the check (it loaded numpy and networkx,
    0.3 s of each command, before 2026-12-06)."""
    first, message, errors = _in_a_fresh_interpreter(
        ["ask", "Who?", "--store", str(tmp_path / "nowhere")], ["numpy", "networkx"]
    )
    assert first == "2 False False", message + errors
    assert "no kgqa store at" in message and "kgqa ingest PATH" in message


def test_a_store_path_that_is_a_file_gets_the_message_ingest_would_give(tmp_path: Path) -> None:
    in_the_way = tmp_path / "afile"
    in_the_way.write_text("x")
    for command in (["ask", "Who?"], ["search", "radium"], ["stats"]):
        result = CliRunner().invoke(app, [*command, "--store", str(in_the_way)])
        assert result.exit_code == 2, command
        assert "is a file, not a store folder" in result.stderr, command
        assert "first" not in result.stderr, "no advice to ingest into a file"


def test_a_question_not_in_english_is_warned_about(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["ask", "居里夫人出生在哪里？", "--store", str(tmp_path / "s")]
    )
    assert "does not look like English" in " ".join(result.stderr.split())
    assert result.exit_code == 2 and "no kgqa store" in result.stderr  # then the store check


def test_english_and_other_languages_are_told_apart() -> None:
    english = [
        "Where was Marie Curie born?",
        "Veltrani Robotics was founded by Ilsa Marrow in Tallinn in 2011.",
        "Can you run ntpq on a ubuntu box?",
        "IBM",
        "Radium is a chemical element; it has symbol Ra and atomic number 88.",
    ]
    other = [
        "居里夫人出生在哪里？",
        "Wo wurde Marie Curie geboren und wann hat sie den Nobelpreis erhalten?",
        "El Instituto Pasteur es una fundación francesa dedicada al estudio de la biología.",
        "Marie Curie était une physicienne et chimiste polonaise, elle a reçu deux prix Nobel.",
        "Мария Склодовская-Кюри родилась в Варшаве.",
    ]
    assert [looks_english(t) for t in english] == [True] * len(english)
    assert [looks_english(t) for t in other] == [False] * len(other)


def test_ingest_says_some_files_failed_with_exit_status_4_and_warns_of_other_languages(
    cli_env: Path,
) -> None:
    docs = cli_env / "more"
    docs.mkdir()
    (docs / "good.txt").write_text("Marie Curie worked in Paris with Pierre Curie.")
    (docs / "empty.txt").write_text("")
    (docs / "german.txt").write_text(
        "Die Universität Heidelberg ist die älteste Universität Deutschlands und wurde im "
        "Jahr 1386 gegründet."
    )
    result = CliRunner().invoke(app, ["ingest", str(docs), "--no-progress", "--json"])
    assert result.exit_code == 4, result.output
    report = json.loads(result.stdout)
    assert report["committed"] and [f["where"] for f in report["failed"]] == [
        str(docs / "empty.txt")
    ]
    assert any("german.txt" in w and "English" in w for w in report["warnings"])
    again = CliRunner().invoke(app, ["ingest", str(docs), "--no-progress"])
    assert again.exit_code == 4, "the empty file still fails"
    assert "do not look like English" not in again.stderr, "german.txt was not processed again"
