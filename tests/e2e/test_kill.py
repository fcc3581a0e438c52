"""SIGKILL ``kgqa ingest`` at random moments: the store always loads and keeps what was committed."""

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


def committed_docs(store: Path) -> dict[str, str]:
    gen = Store(store).open()
    try:
        return {r[0]: r[1] for r in gen.db.execute("SELECT doc_id, content_hash FROM documents")}
    finally:
        gen.close()


def test_sigkill_at_random_moments_never_loses_a_committed_document(prefect_api: str,
                                                                     tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE, corpus)
    store = tmp_path / "store"
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "KGQA_STORE": str(store)}
    command = [sys.executable, "-m", "kgqa.flows.cli", "ingest", str(corpus), "--no-progress"]
    subprocess.run(command, env=env, check=True, capture_output=True)

    def change(round_: int) -> None:
        """Every round has work to commit: one new document and one edited document."""
        (corpus / f"new_{round_}.txt").write_text(
            f"Round {round_} note. Ada Lovelace corresponded with Charles Babbage in London about "
            f"engine number {round_}.")
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
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # stratified: the n-th kill lands somewhere in the n-th twelfth of 90% of a typical round
        time.sleep(0.9 * duration * (killed + rng.random()) / KILLS)
        if proc.poll() is None:
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
