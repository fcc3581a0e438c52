"""The Dask runner on a local cluster, and the quality gate, through the real flow."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kgqa.flows.ingest import run_ingest
from kgqa.qa.settings import Settings
from kgqa.qa.store.generations import Store
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow


def test_dask_runner_with_two_workers_builds_the_same_store_as_the_local_runner(
    prefect_api: str, tmp_path: Path
) -> None:
    local = run_ingest([str(SAMPLE)], Settings(store=tmp_path / "local"), show_progress=False)
    dask = run_ingest(
        [str(SAMPLE)],
        Settings(store=tmp_path / "dask", runner="dask", dask_workers=2, batch_documents=4),
        show_progress=False,
    )
    assert local["committed"] and dask["committed"]
    assert dask["counts"] == local["counts"]
    a, b = Store(tmp_path / "local").open().manifest, Store(tmp_path / "dask").open().manifest
    assert a.content_digest == b.content_digest
    graphs = [
        nx.node_link_data(Store(tmp_path / n).open().graph, edges="edges")
        for n in ("local", "dask")
    ]
    assert graphs[0] == graphs[1] and graphs[0]["edges"]


def gate_file(path: Path, questions: list[tuple[str, str]]) -> Path:
    qas = [
        {"id": f"g{i}", "question": q, "answers": [{"text": a, "answer_start": 0}]}
        for i, (q, a) in enumerate(questions)
    ]
    path.write_text(
        json.dumps(
            {
                "data": [
                    {
                        "title": "gate",
                        "paragraphs": [{"context": " ".join(a for _, a in questions), "qas": qas}],
                    }
                ]
            }
        )
    )
    return path


def test_gate_keeps_the_old_generation_when_recall_drops(prefect_api: str, tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    shutil.copytree(SAMPLE, corpus)
    gate = gate_file(
        tmp_path / "gate.json",
        [
            ("Where was Marie Curie born?", "Warsaw"),
            ("Who invented the World Wide Web?", "Tim Berners-Lee"),
            ("When was CERN founded?", "1954"),
            ("What did Alfred Nobel invent?", "dynamite"),
        ],
    )
    store = tmp_path / "store"
    first = run_ingest([str(corpus)], Settings(store=store), show_progress=False, gate=str(gate))
    assert first["committed"] and first["gate"]["passed"] and first["gate"]["recall@5"] == 1.0
    # A bad edit: the CERN and Nobel articles lose their facts.
    (corpus / "cern.md").write_text("# CERN\n\nA laboratory.\n")
    (corpus / "alfred_nobel.txt").write_text("A Swedish man.\n")
    second = run_ingest([str(corpus)], Settings(store=store), show_progress=False, gate=str(gate))
    assert not second["committed"] and not second["gate"]["passed"]
    assert second["gate"]["recall@5"] < second["gate"]["current_recall@5"]
    assert second["generation"] == "gen-000001" and second["staged"] == "gen-000002"
    assert (store / "gen-000002" / "manifest.json").is_file(), "kept for inspection"
    texts = {
        r[0]: r[1] for r in Store(store).open().db.execute("SELECT doc_id, text FROM documents")
    }
    assert "1954" in texts["cern.md"]


def test_local_dask_workers_report_to_the_flow_s_temporary_server(tmp_path: Path) -> None:
    """Without PREFECT_API_URL, the flow starts Prefect's temporary server and the local
    cluster's workers use it, instead of each starting a server of its own on the same cores."""
    # Prefect's log lines say which processes start a server (a CLI test run in this process
    # may have quietened them in os.environ)
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "PREFECT_API_URL" and not k.startswith("PREFECT_LOGGING_")
    }
    env.update(
        KGQA_STORE=str(tmp_path / "store"), KGQA_BATCH_DOCUMENTS="3", PREFECT_LOGGING_LEVEL="INFO"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kgqa.flows.cli",
            "ingest",
            str(SAMPLE),
            "--runner",
            "dask",
            "--workers",
            "2",
            "--no-progress",
            "--verbose",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert output.count("Starting temporary server") == 1, output[-3000:]
    documents = Store(tmp_path / "store").open().manifest.counts["documents"]
    assert documents >= len(list(SAMPLE.iterdir()))  # every file (the JSONL holds several)
