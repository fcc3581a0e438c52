"""Which warm process a command talks to: one per store and settings, whatever the folder it
is run from, and none shared with a process that would answer differently."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgqa.qa.serve import warm
from kgqa.qa.settings import Settings
from kgqa.qa.types import QAError


@pytest.fixture(autouse=True)
def private_runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    return tmp_path


def test_one_name_per_store_and_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    here = warm.name_for(Settings(store=Path("store")))
    assert warm.name_for(Settings(store=tmp_path / "a" / "store")) == here
    monkeypatch.chdir(tmp_path / "b")  # the same relative path is another store
    assert warm.name_for(Settings(store=Path("store"))) != here
    monkeypatch.chdir(tmp_path / "a")
    assert warm.name_for(Settings(store=Path("store"), ask_top_k=9)) != here


def test_settings_travel_to_the_process_unchanged(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "s", ask_top_k=7, warm_idle_seconds=5)
    assert Settings(**warm.portable_settings(settings)) == settings


def test_a_runtime_folder_others_can_read_is_refused(private_runtime: Path) -> None:
    folder = warm.runtime_dir()
    folder.chmod(0o755)
    with pytest.raises(QAError, match="not private"):
        warm.runtime_dir()


def test_nothing_runs_and_nothing_is_started_without_asking(tmp_path: Path) -> None:
    assert warm.running() == []
    assert warm.connect(Settings(store=tmp_path / "s"), start=False) is None
    assert warm.stop(warm.name_for(Settings(store=tmp_path / "s"))) is False


def test_a_model_trained_again_in_place_gets_a_new_process(tmp_path: Path) -> None:
    reader = tmp_path / "reader"
    reader.mkdir()
    (reader / "verifier.json").write_text('{"version": 2}')
    settings = Settings(store=tmp_path / "s", reader_model=str(reader))
    before = warm.name_for(settings)
    assert warm.name_for(settings) == before
    (reader / "verifier.json").write_text('{"version": 3, "threshold": 0.5}')
    assert warm.name_for(settings) != before
