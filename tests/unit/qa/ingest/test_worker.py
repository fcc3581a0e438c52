"""The per-document worker process never outlives the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

PARENT = """
import multiprocessing as mp, sys, time
from kgqa.qa.ingest.tether import die_with_parent

def child(parent):
    die_with_parent(parent, every=0.1)
    time.sleep(600)

if __name__ == "__main__":
    import os
    proc = mp.get_context("spawn").Process(target=child, args=(os.getpid(),), daemon=True)
    proc.start()
    print(proc.pid, flush=True)
    time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie waiting for its reaper is gone too
        return fh.read().split()[2] != "Z"


@pytest.mark.timeout(300)
def test_a_worker_exits_when_its_parent_is_killed(tmp_path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait(30)
    deadline = time.monotonic() + 60
    while alive(child):
        assert time.monotonic() < deadline, "the worker outlived its killed parent"
        time.sleep(0.1)


@pytest.mark.timeout(600)
def test_a_worker_killed_mid_document_is_replaced_and_its_documents_retried(
    tiny_embedder, tmp_path, monkeypatch
) -> None:
    """Two workers; one is SIGKILLed while it is inside a document (a spaCy component holds it
    there). The pool starts a fresh worker, the documents of that batch are retried, and the
    run commits every document with no failure."""
    import threading

    import spacy

    from kgqa.qa.ingest import pipeline
    from kgqa.qa.ingest.worker import isolated_processor
    from kgqa.qa.settings import Settings
    from kgqa.qa.store import Store
    from tests.unit.qa.ingest import plugin_stall  # registers the component here too

    assert plugin_stall.stall is not None
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kgqa_test_stall")
    nlp.to_disk(tmp_path / "stalling")
    marker = tmp_path / "stalled.pid"
    monkeypatch.setenv("KGQA_TEST_STALL_MARKER", str(marker))
    corpus = tmp_path / "docs"
    corpus.mkdir()
    for n in range(6):
        (corpus / f"d{n}.txt").write_text(
            f"Document {n} says something about topic {n}." + (" STALL here." if n == 3 else "")
        )
    settings = Settings(
        store=tmp_path / "store",
        spacy_model=str(tmp_path / "stalling"),
        embedder=str(tiny_embedder),
        relation_extractors=[],
        reader_model=None,
        plugins=["tests.unit.qa.ingest.plugin_stall"],
        workers=2,
        batch_documents=2,
        document_timeout_seconds=300,
    )
    result: dict = {}
    runner = threading.Thread(target=lambda: result.update(report=pipeline.run([corpus], settings)))
    runner.start()
    deadline = time.monotonic() + 300
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.2)
    os.kill(int(marker.read_text()), signal.SIGKILL)
    runner.join(300)
    report = result["report"]
    assert report.committed and not report.failed and report.new == 6
    assert isolated_processor(settings.model_dump_json()).restarts >= 1
    generation = Store(settings.store).open()
    assert generation.manifest.counts["documents"] == 6
    passages = generation.passages_by_rowid(generation.rowids.values()).values()
    assert any(p.doc_id == "d3.txt" and "STALL" in p.text for p in passages)


PRELOAD = """
import os, sys
from kgqa.qa.ingest import worker
from kgqa.qa.ingest.process import cached_processor
from kgqa.qa.settings import Settings

def probe(queue):
    queue.put(cached_processor.cache_info().currsize)

if __name__ == "__main__":
    settings = Settings(store=sys.argv[1], embedder=sys.argv[2], relation_extractors=[],
                        torch_threads=int(sys.argv[3]))
    ctx = worker.model_worker_context(settings.model_dump_json())
    queue = ctx.Queue()
    child = ctx.Process(target=probe, args=(queue,))
    child.start()
    print(queue.get(timeout=600), worker.PRELOAD_SETTINGS in os.environ, flush=True)
    child.join(60)
"""


@pytest.mark.timeout(900)
def test_workers_are_forked_with_the_models_already_loaded(tiny_embedder, tmp_path) -> None:
    """The fork server loads the models of the settings it starts for, so a worker forked from
    it finds them loaded (and shares their pages with the other workers); with more than one
    torch thread it does not (an OpenMP team does not survive a fork), and the caller's
    environment is left as it was."""
    script = tmp_path / "preload.py"
    script.write_text(PRELOAD)

    def loaded_in_worker(threads: int) -> str:
        out = subprocess.run(
            [
                sys.executable,
                str(script),
                str(tmp_path / "store"),
                str(tiny_embedder),
                str(threads),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.split("\n")[0]

    assert loaded_in_worker(1) == "1 False"
    assert loaded_in_worker(2) == "0 False"


EARLY = """
import os, sys
from multiprocessing import forkserver
from kgqa.qa.ingest import worker
from pathlib import Path
from kgqa.qa.ingest.isolated_load import IsolatedLoader
from kgqa.qa.ingest.loaders import SourceFile
from kgqa.qa.settings import Settings

def probe(queue):
    from kgqa.qa.ingest.process import cached_processor
    queue.put(cached_processor.cache_info().currsize)

if __name__ == "__main__":
    settings = Settings(store=sys.argv[1], embedder=sys.argv[2], relation_extractors=[])
    worker.start_workers_early(settings)
    print(forkserver._forkserver._forkserver_pid is not None, flush=True)
    changes, real = [], (os.putenv, os.unsetenv)
    os.putenv = lambda *args: changes.append(args)
    os.unsetenv = lambda *args: changes.append(args)
    Path(sys.argv[3]).write_text("Ada Lovelace wrote the first program.")
    loader = IsolatedLoader(settings)
    loaded = loader(SourceFile(Path(sys.argv[3]), "a.txt"))
    worker.model_worker_context(settings.model_dump_json())
    print(changes, len(loaded), flush=True)
    loader.child.close()
    os.putenv, os.unsetenv = real
    # a server that died is started again with the settings: workers find the models loaded
    import signal, time
    pid = forkserver._forkserver._forkserver_pid
    os.kill(pid, signal.SIGKILL)
    while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        time.sleep(0.05)  # until every thread of it is gone, not only the first
    ctx = worker.model_worker_context(settings.model_dump_json())
    queue = ctx.Queue()
    child = ctx.Process(target=probe, args=(queue,))
    child.start()
    print(forkserver._forkserver._forkserver_pid != pid, queue.get(timeout=600), flush=True)
    child.join(60)
    worker.stop_unused_workers()
"""


def test_workers_started_early_leave_the_environment_alone_while_files_load(
    tiny_embedder, tmp_path
) -> None:
    """An ingest starts the model workers' fork server, which reads its settings from the
    environment, before the file loader starts; changing the environment while another thread
    starts a process makes that process fail to start (exit status 255, no message: the
    loader of one CI run in three). So the server is running when ``start_workers_early``
    returns, and nothing after that (the loader, each model worker) changes the
    environment. A server that died is started again with the settings, so the workers forked
    from it still find the models loaded."""
    script = tmp_path / "early.py"
    script.write_text(EARLY)
    out = subprocess.run(
        [
            sys.executable,
            str(script),
            str(tmp_path / "store"),
            str(tiny_embedder),
            str(tmp_path / "a.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == ["True", "[] 1", "True 1"]


@pytest.mark.timeout(300)
def test_a_worker_that_dies_while_starting_is_reported_at_once() -> None:
    """A child that exits before it is ready is an error straight away, with its exit status,
    not after the start time limit has passed."""
    from kgqa.qa.ingest.worker import ChildProcess

    child = ChildProcess(sys.exit, (), "test process", start_timeout=240)
    with pytest.raises(RuntimeError, match="test process exited with status 1 while starting"):
        child.call(("ping", None), limit=None)


def test_the_time_limit_grows_with_the_longest_document() -> None:
    from kgqa.qa.ingest.worker import time_limit
    from kgqa.qa.types import Document

    def doc(chars: int) -> Document:
        return Document(f"d{chars}", "a" * chars, "/src", "h")

    assert time_limit([doc(10)], 300, 200_000) == 300
    assert time_limit([doc(200_000)], 300, 200_000) == 300
    assert time_limit([doc(200_001), doc(5)], 300, 200_000) == 600
    assert time_limit([doc(15_000_000)], 300, 200_000) == 300 * 75  # a 15 MB text: 6 h 15 min
