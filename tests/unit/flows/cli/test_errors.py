"""Operating-system trouble gets one kgqa line that says what to do, not a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kgqa.flows.cli import app


def test_export_onto_a_folder_says_to_give_a_file(cli_env: Path) -> None:
    folder = cli_env / "exports"
    folder.mkdir()
    result = CliRunner().invoke(app, ["export", "--format", "graphml", "--out", str(folder)])
    assert result.exit_code == 2
    assert "give a file path" in result.stderr and "Traceback" not in result.output


def test_a_store_path_that_is_a_file_is_refused_before_anything_starts(
    cli_env: Path, monkeypatch
) -> None:
    in_the_way = cli_env / "not-a-store"
    in_the_way.write_text("x")
    monkeypatch.setenv("KGQA_STORE", str(in_the_way))
    result = CliRunner().invoke(app, ["ingest", str(cli_env / "docs"), "--no-progress"])
    assert result.exit_code == 2
    assert "is a file, not a store folder" in result.stderr
    assert "Traceback" not in result.output


def test_a_missing_output_folder_for_a_picture_is_created(cli_env: Path) -> None:
    out = cli_env / "new" / "deeper" / "graph.html"
    result = CliRunner().invoke(app, ["export", "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()


def test_ingest_help_lists_every_registered_file_type() -> None:
    from kgqa.qa.ingest.loaders import LOADERS

    result = CliRunner().invoke(app, ["ingest", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert all(suffix in result.stdout for suffix in LOADERS.names())
