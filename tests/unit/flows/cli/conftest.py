"""The CLI over a tiny store made with the tiny models."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgqa.qa.ingest import pipeline
from tests.unit.tiny import write_corpus


@pytest.fixture
def cli_env(tiny_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny store, and the environment that points the CLI at it and at the tiny models."""
    pipeline.run([write_corpus(tmp_path / "docs")], tiny_settings)
    for name in ("store", "spacy_model", "embedder"):
        monkeypatch.setenv(f"KGQA_{name.upper()}", str(getattr(tiny_settings, name)))
    monkeypatch.setenv("KGQA_RELATION_EXTRACTORS", "[]")
    monkeypatch.setenv("KGQA_READER_MODEL", "none")
    return tmp_path
