"""A one-off `kgqa ingest` runs as a Prefect flow only where a Prefect server is configured
(or the settings say so): otherwise the flow's code runs directly, with one line saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgqa.flows import prefect_server_configured
from kgqa.flows.cli.ingest import through_prefect
from kgqa.qa.settings import Settings


@pytest.fixture
def no_prefect_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    return tmp_path


def test_a_server_is_configured_by_the_environment_or_the_active_profile(
    no_prefect_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not prefect_server_configured()
    (no_prefect_config / "profiles.toml").write_text(
        'active = "team"\n[profiles.team]\nPREFECT_API_URL = "http://prefect:4200/api"\n'
        "[profiles.local]\n"
    )
    assert prefect_server_configured()
    monkeypatch.setenv("PREFECT_PROFILE", "local")
    assert not prefect_server_configured(), "the active profile decides"
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert prefect_server_configured()


def test_one_off_ingest_runs_without_a_server_unless_asked(
    no_prefect_config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert through_prefect(Settings()) is False
    assert "no Prefect server is configured" in capsys.readouterr().err
    assert through_prefect(Settings(prefect=True)) is True
    assert through_prefect(Settings(runner="dask")) is True, "Dask runs through Prefect"
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert through_prefect(Settings()) is True
    assert through_prefect(Settings(prefect=False)) is False
