"""The ingestion flow's entry point when Prefect's temporary server cannot start in time."""

from __future__ import annotations

import os

import pytest

from kgqa.flows import ingest as ingest_module
from kgqa.flows import prefect_defaults
from kgqa.qa.settings import Settings
from kgqa.qa.types import QAError

SLOW_START = (
    "Timed out while attempting to connect to ephemeral Prefect API server. "
    "Ephemeral server process exited with code 1."
)


def test_a_server_that_misses_its_start_is_tried_once_more_then_explained(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    calls: list[int] = []

    def never_starts(*args: object, **kwargs: object) -> dict:
        calls.append(1)
        raise RuntimeError(SLOW_START)

    monkeypatch.setattr(ingest_module, "ingest_flow", never_starts)
    with pytest.raises(QAError, match="PREFECT_API_URL") as err:
        ingest_module.run_ingest([str(tmp_path)], Settings(store=tmp_path / "s"))
    assert len(calls) == 2
    assert "\n" not in str(err.value), "one line, not a traceback"

    def starts_the_second_time(*args: object, **kwargs: object) -> dict:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError(SLOW_START)
        return {"committed": True}

    monkeypatch.setattr(ingest_module, "ingest_flow", starts_the_second_time)
    assert ingest_module.run_ingest([str(tmp_path)], Settings(store=tmp_path / "s")) == {
        "committed": True
    }


def test_kgqa_gives_the_temporary_server_a_start_timeout_for_a_busy_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", raising=False)
    prefect_defaults()
    assert int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]) >= 60
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "7")
    prefect_defaults()
    assert os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "7", "users decide"
