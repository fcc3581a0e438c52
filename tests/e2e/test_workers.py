"""Local ingestion on several model workers: both cores busy, the same store as one worker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgqa.qa.ingest import pipeline
from kgqa.qa.ingest.worker import isolated_processor
from kgqa.qa.settings import Settings
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow


def test_two_workers_commit_the_store_that_one_worker_commits(tmp_path: Path) -> None:
    digests, started = {}, {}
    for workers in (1, 2):
        settings = Settings(store=tmp_path / f"store-{workers}", workers=workers, batch_documents=4)
        report = pipeline.run([SAMPLE], settings)
        assert report.committed and not report.failed
        current = (settings.store / "CURRENT").read_text().strip()
        digests[workers] = json.loads((settings.store / current / "manifest.json").read_text())[
            "content_digest"
        ]
        started[workers] = len(isolated_processor(settings.model_dump_json()).started)
    assert started == {1: 1, 2: 2}, "the second run had both workers busy"
    assert digests[1] == digests[2]
