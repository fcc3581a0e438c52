"""SIGKILL ``kgqa ingest`` at random moments: the store always loads and keeps what was
committed."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kgqa.qa.store.generations import Store
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow

KILLS = 12


def ingest_command(*args: str) -> list[str]:
    """``kgqa ingest ARGS`` as this interpreter runs it."""
    return [sys.executable, "-m", "kgqa.flows.cli", "ingest", *args]


def committed_docs(store: Path) -> dict[str, str]:
    gen = Store(store).open()
    try:
        return {r[0]: r[1] for r in gen.db.execute("SELECT doc_id, content_hash FROM documents")}
    finally:
        gen.close()


def test_sigkill_at_random_moments_never_loses_a_committed_document(
    prefect_api: str, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE, corpus)
    store = tmp_path / "store"
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "KGQA_STORE": str(store)}
    command = ingest_command(str(corpus), "--no-progress")
    subprocess.run(command, env=env, check=True, capture_output=True)

    def change(round_: int) -> None:
        """Every round has work to commit: one new document and one edited document."""
        (corpus / f"new_{round_}.txt").write_text(
            f"Round {round_} note. Ada Lovelace corresponded with Charles Babbage in London about "
            f"engine number {round_}."
        )
        edited = corpus / "paris.txt"
        edited.write_text(edited.read_text() + f"\nRound {round_} added this about Paris.")

    change(-1)
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, capture_output=True)
    duration = time.monotonic() - started  # a typical round, start-up included
    committed = committed_docs(store)
    rng = random.Random(20261129)
    killed = rounds = 0
    while killed < KILLS and rounds < 2 * KILLS:
        i = rounds
        rounds += 1
        change(i)
        proc = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # stratified: the n-th kill lands somewhere in the n-th twelfth of 90% of a typical round
        launched = time.monotonic()
        try:
            proc.wait(timeout=0.9 * duration * (killed + rng.random()) / KILLS)
            # it finished before its kill: rounds run faster now (a warm cache, a quieter
            # machine), so later kills are timed from this round instead
            duration = min(duration, time.monotonic() - launched)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            killed += 1
            proc.wait()
        now = committed_docs(store)  # loads, checks the manifest and the checksums
        for doc_id in committed:
            assert doc_id in now, f"round {i}: committed document {doc_id} was lost"
        committed = now
    assert killed == KILLS, f"only {killed} of {rounds} runs were killed before they finished"
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    final = committed_docs(store)
    assert {f"new_{i}.txt" for i in range(rounds)} <= set(final)
    assert not [p for p in store.iterdir() if p.name.endswith(".tmp")]


def _processes_with(marker: str) -> list[int]:
    """Pids of the processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if marker in cmdline:
                found.append(int(entry.name))
    return found


def test_killing_ingest_takes_prefect_s_temporary_server_with_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["KGQA_STORE"] = str(tmp_path / "store")
    proc = subprocess.Popen(
        ingest_command(str(SAMPLE), "--no-progress", "--prefect"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    marker = f"kgqa.qa.ingest.tether {proc.pid} uvicorn"
    deadline = time.monotonic() + 300
    while not _processes_with(marker) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    servers = _processes_with(marker)
    assert servers, "the temporary server runs under kgqa's watchdog"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 60
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _processes_with(marker), "the temporary server outlived kgqa"


def test_a_failed_ingest_prints_one_line_and_not_prefect_s_traceback(
    prefect_api: str, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    (store / "LOCK").mkdir(parents=True)  # the lock file cannot be opened: an OS error in the flow
    env = {**os.environ, "PREFECT_API_URL": prefect_api}
    result = subprocess.run(
        ingest_command(str(SAMPLE), "--store", str(store), "--no-progress"),
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "LOCK" in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr


def test_killing_ingest_leaves_no_fork_server_or_model_worker_behind(tmp_path: Path) -> None:
    """Model workers come from a fork server (so their parent is the server, not kgqa): after a
    SIGKILL of `kgqa ingest`, the server and every worker still go."""
    import psutil

    def forked(proc: subprocess.Popen[bytes]) -> list[psutil.Process]:
        try:
            tree = psutil.Process(proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        found = []
        for p in tree:
            try:  # a short-lived child may exit (a zombie) between listing and reading it
                if "multiprocessing.forkserver" in " ".join(p.cmdline()):
                    found.append(p)
            except psutil.Error:
                continue
        return found

    # An ingest that ends before its workers were seen (once in CI, with no output kept) is
    # started again, once, on a fresh store; its errors are shown if the second ends so too.
    seen: list[str] = []
    for attempt in range(2):
        log = tmp_path / f"ingest{attempt}.log"
        env = dict(os.environ, KGQA_STORE=str(tmp_path / f"store{attempt}"))
        with log.open("wb") as err:
            proc = subprocess.Popen(
                ingest_command(str(SAMPLE), "--no-prefect", "--no-progress"),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        deadline = time.monotonic() + 300
        while len(forked(proc)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        left = forked(proc)
        if len(left) >= 2:
            break
        proc.kill()
        proc.wait()
        tail = log.read_text(errors="replace")[-2000:]
        seen.append(f"ingest ended with status {proc.returncode}:\n{tail}")
    assert len(left) >= 2, "the fork server and a model worker were running\n" + "\n".join(seen)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 60
    while any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in left):
        assert time.monotonic() < deadline, "a fork server or model worker outlived kgqa"
        time.sleep(0.2)
