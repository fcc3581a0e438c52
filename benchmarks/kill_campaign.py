"""Kill campaign: SIGKILL `kgqa ingest` at random moments while `kgqa serve` answers from the
same store, and check after every kill what an operator relies on.

After each kill:
- the store opens (manifest and checksums verified) and every document of the last committed
  generation is found by a search for its own words;
- no process the killed ingest started is left running (its model worker, its loader process,
  a Prefect server it started);
- the next, uninterrupted run commits a generation whose content digest equals that of a clean
  ingest of the same files into an empty store.
Meanwhile a client thread asks the server for searches and /health without pause: every answer
must be a 200, through every generation swap.

The corpus alternates between two states (A: the sample corpus; B: one document edited, one
added, one removed), so that every run has work to commit.

    python benchmarks/kill_campaign.py --kills 50

Prints one line per kill and a summary; exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
KGQA = [sys.executable, "-m", "kgqa.flows.cli"]


def set_state(corpus: Path, state: str) -> None:
    """A: the sample corpus as shipped. B: paris.txt edited, extra.txt added, one file removed."""
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(SAMPLE, corpus)
    if state == "B":
        paris = corpus / "paris.txt"
        paris.write_text(paris.read_text() + "\nThe campaign added this sentence about Paris.")
        (corpus / "extra.txt").write_text(
            "Ada Lovelace corresponded with Charles Babbage in London about the Analytical "
            "Engine, and wrote what many call the first computer program."
        )
        victim = sorted(p for p in corpus.iterdir() if p.name not in ("paris.txt", "extra.txt"))[0]
        victim.unlink()


def ingest(corpus: Path, store: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [*KGQA, "ingest", str(corpus), "--store", str(store), "--prune", "--no-progress", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def digest(store: Path) -> str:
    current = (store / "CURRENT").read_text().strip()
    return json.loads((store / current / "manifest.json").read_text())["content_digest"]


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def searchable(store: Path) -> tuple[int, list[str]]:
    """(documents committed, those a BM25 search for their own words does not find)."""
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings

    service = QAService(Settings(store=store, reader_model=None))
    generation = service.generation
    rows = generation.db.execute("SELECT doc_id, text FROM passages WHERE ordinal = 0").fetchall()
    docs = {r[0] for r in generation.db.execute("SELECT doc_id FROM documents")}
    missing = []
    for doc_id, text in rows:
        query = " ".join(text.split()[:12])
        hits = service.search(query, 10, "bm25", generation=generation)
        if doc_id not in {h.passage.doc_id for h in hits}:
            missing.append(doc_id)
    missing += sorted(docs - {r[0] for r in rows})
    return len(docs), missing


class Client(threading.Thread):
    """Asks the server without pause; counts answers by status."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.statuses: dict[int, int] = {}
        self.generations: set[str] = set()
        self.stop = threading.Event()

    def run(self) -> None:
        body = json.dumps({"query": "Where was Marie Curie born?", "k": 3}).encode()
        while not self.stop.is_set():
            for request in (
                urllib.request.Request(
                    f"{self.base}/search", data=body, headers={"Content-Type": "application/json"}
                ),
                urllib.request.Request(f"{self.base}/health"),
            ):
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        status = response.status
                        data = json.loads(response.read())
                        if "generation" in data:
                            self.generations.add(data["generation"])
                except urllib.error.HTTPError as err:
                    status = err.code
                except OSError:
                    status = -1
                self.statuses[status] = self.statuses.get(status, 0) + 1
            time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    work = Path(tempfile.mkdtemp(prefix="kgqa-kills-"))
    rng = random.Random(args.seed)
    failures: list[str] = []
    with prefect_test_harness(server_startup_timeout=180):
        env = {
            **os.environ,
            "PREFECT_API_URL": str(PREFECT_API_URL.value()),
            "KGQA_SEARCH_MODE": "hybrid",
        }
        clean: dict[str, str] = {}
        durations = []
        corpus = work / "corpus"  # one path for all: documents record their source path
        for state in ("A", "B"):
            store = work / f"clean-store-{state}"
            set_state(corpus, state)
            started = time.monotonic()
            proc = ingest(corpus, store, env)
            _, err = proc.communicate()
            assert proc.returncode == 0, err
            durations.append(time.monotonic() - started)
            clean[state] = digest(store)
        typical = max(durations)
        print(
            f"clean runs: {', '.join(f'{d:.1f}' for d in durations)} s; digests "
            f"A {clean['A'][:12]} B {clean['B'][:12]}",
            flush=True,
        )

        store = work / "store"
        set_state(corpus, "A")
        proc = ingest(corpus, store, env)
        proc.communicate()
        port = free_port()
        server = subprocess.Popen(
            [*KGQA, "serve", "--store", str(store), "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/health", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        client = Client(base)
        client.start()
        killed = orphans = rounds = 0
        state = "A"
        started_campaign = time.monotonic()
        while killed < args.kills:
            rounds += 1
            state = "B" if state == "A" else "A"
            set_state(corpus, state)
            before, _ = searchable(store)
            proc = ingest(corpus, store, env)
            at = typical * rng.uniform(0.05, 1.0)
            watched: set[int] = set()
            end = time.monotonic() + at
            while time.monotonic() < end and proc.poll() is None:
                watched |= descendants(proc.pid)
                time.sleep(0.05)
            if proc.poll() is not None:
                proc.communicate()
                print(f"round {rounds}: finished before the kill at {at:.1f} s", flush=True)
                continue
            watched |= descendants(proc.pid)
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            killed += 1
            deadline = time.monotonic() + 30
            while any(alive(p) for p in watched) and time.monotonic() < deadline:
                time.sleep(0.2)
            left = [p for p in watched if alive(p)]
            orphans += len(left)
            docs, missing = searchable(store)
            resumed = ingest(corpus, store, env)
            _, err = resumed.communicate()
            converged = resumed.returncode == 0 and digest(store) == clean[state]
            line = (
                f"kill {killed}/{args.kills} at {at:5.1f} s: store opens, {docs} documents, "
                f"{len(missing)} not found; {len(left)} orphans; next run "
                f"{'converges' if converged else 'DIFFERS'} ({state})"
            )
            print(line, flush=True)
            if missing or left or not converged:
                failures.append(line + ("" if resumed.returncode == 0 else f" {err[-300:]}"))
            for p in left:
                os.kill(p, signal.SIGKILL)
        client.stop.set()
        client.join(60)
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    minutes = (time.monotonic() - started_campaign) / 60
    ok = client.statuses.get(200, 0)
    other = {k: v for k, v in client.statuses.items() if k != 200}
    print(
        f"\n{killed} SIGKILLs in {rounds} rounds ({minutes:.1f} min): {len(failures)} failed "
        f"checks, {orphans} orphan processes; the server answered {ok} requests with 200 and "
        f"{sum(other.values())} otherwise {other or ''} across {len(client.generations)} "
        f"generations"
    )
    for line in failures:
        print("FAILED:", line)
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures or other else 0


if __name__ == "__main__":
    sys.exit(main())
