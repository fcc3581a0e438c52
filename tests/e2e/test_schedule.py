"""Scheduled ingestion: Prefect's serve path, the prefect.yaml deployment, overlapping runs,
reports, retries, time limits and resumption after a kill."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import networkx as nx
import pytest
import yaml

from kgqa.flows.ingest import ingest_flow
from kgqa.qa.ingest import pipeline
from kgqa.qa.settings import Settings
from kgqa.qa.store.generations import Store
from tests.conftest import REPO, SAMPLE

pytestmark = pytest.mark.slow


def run(paths: list[Path], store: Path, **settings: object) -> dict:
    return pipeline.run(paths, Settings(store=store, **settings)).to_json()


def small_corpus(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLE / name, folder / name)
    return folder


async def _deployment(name: str) -> object:
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        return await client.read_deployment_by_name(name)


async def _artifact(key: str, flow_run_id: object) -> object:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    async with get_client() as client:
        found = await client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]),
            )
        )
        return found[0] if found else None


async def _wait_for_deployment(name: str, seconds: float) -> object:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return await _deployment(name)
        except Exception:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(1)


def test_serve_registers_the_schedule_and_a_triggered_run_ingests(
    prefect_api: str, tmp_path: Path
) -> None:
    from prefect.deployments import run_deployment

    corpus = small_corpus(tmp_path / "in", ["paris.txt", "warsaw.md"])
    store = tmp_path / "store"
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_api,
        "KGQA_STORE": str(store),
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kgqa.flows.cli",
            "schedule",
            str(corpus),
            "--cron",
            "0 3 * * *",
            "--name",
            "nightly-test",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deployment = asyncio.run(_wait_for_deployment("kgqa-ingest/nightly-test", 120))
        crons = [s.schedule.cron for s in deployment.schedules]
        assert crons == ["0 3 * * *"]
        flow_run = run_deployment("kgqa-ingest/nightly-test", timeout=240)
        assert flow_run.state.is_completed(), flow_run.state
        docs = {r[0] for r in Store(store).open().db.execute("SELECT doc_id FROM documents")}
        assert docs == {"paris.txt", "warsaw.md"}
        reports = list((store / "reports").glob("*.json"))
        assert len(reports) == 1 and json.loads(reports[0].read_text())["new"] == 2
        artifact = asyncio.run(_artifact("kgqa-ingest-report", flow_run.id))
        assert artifact is not None and "| new | 2 |" in artifact.data
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_prefect_yaml_deploys_to_a_process_work_pool(prefect_api: str) -> None:
    spec = yaml.safe_load((REPO / "prefect.yaml").read_text())
    (deployment,) = spec["deployments"]
    module, _, attr = deployment["entrypoint"].partition(":")
    assert module == "flows/ingest.py" and attr == "ingest_flow"
    ingest_flow.validate_parameters(deployment["parameters"])
    Settings.model_validate(deployment["parameters"]["settings"])
    env = {**os.environ, "PREFECT_API_URL": prefect_api}
    pool = deployment["work_pool"]["name"]
    subprocess.run(
        ["prefect", "work-pool", "create", pool, "--type", "process"],
        env=env,
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    result = subprocess.run(
        ["prefect", "--no-prompt", "deploy", "--name", deployment["name"]],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    registered = asyncio.run(_deployment(f"kgqa-ingest/{deployment['name']}"))
    assert registered.work_pool_name == pool
    assert [s.schedule.cron for s in registered.schedules] == ["0 * * * *"]


def test_overlapping_runs_wait_or_skip_but_never_interleave(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "in", ["paris.txt"])
    store = tmp_path / "store"
    holder = Store(store)
    with holder.writer_lock():
        report = run([corpus], store, skip_if_busy=True)
        assert report["skipped"] and "another kgqa ingest" in report["skipped"]
        assert not Store(store).exists()
    released = threading.Event()

    def hold_then_release() -> None:
        with holder.writer_lock():
            released.wait(2.0)

    thread = threading.Thread(target=hold_then_release)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    report = run([corpus], store, lock_wait_seconds=60)
    thread.join()
    assert report["committed"] and report["new"] == 1
    assert time.monotonic() - started >= 1.5, "the second run waited for the first"


def test_every_run_writes_a_report_with_stage_timings(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "in", ["paris.txt", "cern.md"])
    store = tmp_path / "store"
    run([corpus], store)
    (corpus / "cern.md").unlink()
    (corpus / "bad.txt").write_bytes(b"")
    pipeline.run([corpus], Settings(store=store), prune=True)
    reports = sorted((store / "reports").glob("*.json"))
    assert len(reports) >= 1
    last = json.loads(reports[-1].read_text())
    assert last["removed"] == 1 and last["unchanged"] == 1 and len(last["failed"]) == 1
    assert {"plan", "process", "stage", "publish"} <= set(last["stages"])
    assert last["generation"] == "gen-000002" and last["counts"]["documents"] == 1


def test_a_document_that_always_hangs_is_stopped_and_the_batch_commits(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "in", ["paris.txt", "cern.md"])
    (corpus / "stuck.txt").write_text("Alan Turing wrote a note that makes the extractor HANG.")
    store = tmp_path / "store"
    started = time.monotonic()
    report = run(
        [corpus],
        store,
        plugins=["tests.plugins"],
        relation_extractors=["dependency", "test-hang"],
        document_timeout_seconds=20,
    )
    (failure,) = report["failed"]
    assert "stuck.txt" in failure["where"] and "time limit of 20 s" in failure["reason"]
    assert report["committed"] and report["new"] == 2
    assert time.monotonic() - started < 200


def test_a_document_whose_worker_always_dies_is_retried_then_quarantined(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "in", ["paris.txt", "cern.md"])
    (corpus / "crash.txt").write_text("Alan Turing wrote a note that makes the extractor CRASH.")
    report = run(
        [corpus],
        tmp_path / "store",
        plugins=["tests.plugins"],
        relation_extractors=["dependency", "test-hang"],
        document_retries=1,
    )
    (failure,) = report["failed"]
    assert "crash.txt" in failure["where"]
    assert "worker process died on every one of 2 tries" in failure["reason"]
    assert report["committed"] and report["new"] == 2


def test_a_killed_run_resumes_without_recomputing_finished_documents(tmp_path: Path) -> None:
    from kgqa.flows.ingest import process_documents
    from kgqa.qa.ingest.cache import ResultCache, processing_fingerprint
    from kgqa.qa.ingest.plan import plan_ingest

    names = ["paris.txt", "cern.md", "warsaw.md", "alfred_nobel.txt"]
    corpus = small_corpus(tmp_path / "in", names)
    store = tmp_path / "store"
    settings = Settings(store=store, document_timeout_seconds=0)
    # A run that finished two documents and was then killed, before any commit: its cache.
    plan = plan_ingest(None, [corpus], settings, prune=False)
    cache = ResultCache(store / "cache", processing_fingerprint(settings))
    for item in process_documents.fn(plan.to_process[:2], settings.model_dump_json()):
        cache.put(item)
    report = run([corpus], store, document_timeout_seconds=0)
    assert (report["reused"], report["processed"], report["new"]) == (2, 2, 4)
    assert not list((store / "cache").glob("*.json")), "committed documents leave the cache"
    clean = run([corpus], tmp_path / "clean", document_timeout_seconds=0)
    assert clean["reused"] == 0
    resumed, fresh = Store(store).open().manifest, Store(tmp_path / "clean").open().manifest
    assert resumed.counts == fresh.counts
    assert resumed.content_digest == fresh.content_digest
    graphs = [
        nx.node_link_data(Store(s).open().graph, edges="edges") for s in (store, tmp_path / "clean")
    ]
    assert graphs[0] == graphs[1] and graphs[0]["nodes"]
    # Vectors agree to the embedder's precision (batches of different sizes round differently;
    # bf16, the default on a CPU that has it, keeps about three significant digits).
    import faiss
    import numpy as np

    a, b = Store(store).open().dense.index, Store(tmp_path / "clean").open().dense.index
    ids = sorted(faiss.vector_to_array(a.id_map))
    assert ids == sorted(faiss.vector_to_array(b.id_map))
    va = np.stack([a.reconstruct(int(i)) for i in ids])
    vb = np.stack([b.reconstruct(int(i)) for i in ids])
    assert np.allclose(va, vb, atol=2e-3)
    assert float(np.min(np.sum(va * vb, axis=1))) > 0.9995  # cosine of unit vectors


def test_unreadable_file_is_retried_then_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kgqa.qa.ingest import loaders as text

    corpus = small_corpus(tmp_path / "in", ["paris.txt", "cern.md"])
    calls = {"n": 0}
    real = Path.read_bytes

    def flaky(self: Path) -> bytes:
        if self.name == "cern.md":
            calls["n"] += 1
            if calls["n"] <= 2:
                raise OSError(5, "Input/output error")
        return real(self)

    monkeypatch.setattr(text.Path, "read_bytes", flaky)
    report = run(
        [corpus],
        tmp_path / "store",
        read_retries=2,
        retry_backoff_seconds=0.01,
        document_timeout_seconds=0,
    )
    assert report["new"] == 2 and not report["failed"] and calls["n"] == 3
    calls["n"] = -100  # fails every time now
    (corpus / "cern.md").write_text("Changed text about CERN in Geneva.")
    report = run(
        [corpus],
        tmp_path / "store",
        read_retries=2,
        retry_backoff_seconds=0.01,
        document_timeout_seconds=0,
    )
    (failure,) = report["failed"]
    assert "cannot read after 3 tries" in failure["reason"]
