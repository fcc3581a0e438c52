"""Settings: typos in KGQA_* variables are pointed out, an empty store path is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from kgqa.flows.cli import app
from kgqa.qa.settings import Settings, unknown_variables


def test_unknown_kgqa_variables_are_listed_and_known_ones_are_not() -> None:
    env = {
        "KGQA_STROE": "x",
        "KGQA_STORE": "s",
        "KGQA_CONFIG": "k.toml",
        "KGQA_TOP_K": "3",
        "HOME": "/root",
    }
    assert unknown_variables(env) == ["KGQA_STROE", "KGQA_TOP_K"]


def test_the_cli_warns_about_a_mistyped_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KGQA_SERACH_MODE", "bm25")
    result = CliRunner().invoke(app, ["config", "--json"])
    assert result.exit_code == 0
    assert "KGQA_SERACH_MODE is not a kgqa setting" in result.stderr


def test_an_empty_store_path_is_refused_not_taken_as_the_current_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KGQA_STORE", "")
    with pytest.raises(ValidationError, match="store path is empty"):
        Settings()
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 2 and "KGQA_STORE" in result.stderr
