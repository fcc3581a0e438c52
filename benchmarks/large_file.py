"""One large text file through the default `kgqa ingest` (a fresh process, no Prefect server):
processed in pieces of `document_piece_chars`, with progress, and committed as one document.

    python benchmarks/large_file.py --mb 15          # Wikipedia paragraphs from ../shared
    python benchmarks/large_file.py --mb 1 --keep DIR

The file is SQuAD Wikipedia paragraphs (`../shared/data/qa/train.json`, CC BY-SA 4.0) joined
by blank lines until it reaches --mb megabytes. Prints the wall time, words per second, the
peak memory of the command and its workers together, and what the store holds. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest import TreeMemory  # benchmarks/ingest.py: this folder is the script's path

REPO = Path(__file__).resolve().parents[1]
SHARED_QA = REPO.parent / "shared" / "data" / "qa" / "train.json"


def write_file(path: Path, megabytes: float) -> int:
    """Paragraphs until the file holds ``megabytes`` MB; returns its word count."""
    want = int(megabytes * 1_000_000)
    paragraphs = [
        p["context"].strip()
        for article in json.loads(SHARED_QA.read_text())["data"]
        for p in article["paragraphs"]
    ]
    out, size, words, i = [], 0, 0, 0
    while size < want:
        text = paragraphs[i % len(paragraphs)]
        out.append(text)
        size += len(text.encode()) + 2
        words += len(text.split())
        i += 1
    path.write_text("\n\n".join(out), encoding="utf-8")
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=15.0)
    parser.add_argument("--keep", type=Path, default=None, help="Folder for the file and store.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        corpus, store = folder / "corpus", folder / "store"
        corpus.mkdir(exist_ok=True)
        words = write_file(corpus / "large.txt", args.mb)
        size = (corpus / "large.txt").stat().st_size
        command = [sys.executable, "-m", "kgqa.flows.cli", "ingest", str(corpus)]
        command += ["--store", str(store), "--json"]
        started = time.perf_counter()
        with TreeMemory() as memory:  # this script and the command with its workers
            done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        out, err = done.stdout, done.stderr
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        print(f"file: {size / 1e6:.1f} MB, {words:,} words, one document")
        print(f"kgqa ingest: exit status {done.returncode}, {seconds:.0f} s wall")
        print(f"speed: {words / seconds:,.0f} words/s end to end")
        print(
            f"peak memory, the command and its workers: {memory.peak_mb:,.0f} MB (sum of PSS; "
            f"{memory.peak_rss_mb:,.0f} MB sum of RSS, which counts shared pages once per process)"
        )
        if lines:
            report = lines[-1]
            print(f"report: new {report.get('new')}, failed {report.get('failed')}")
        counts = subprocess.run(
            [sys.executable, "-m", "kgqa.flows.cli", "stats", "--store", str(store), "--json"],
            capture_output=True,
            text=True,
            env={**os.environ, "KGQA_WARM": "false"},
        )
        if counts.returncode == 0:
            c = json.loads(counts.stdout)
            print(
                f"store: {c['documents']} document, {c['passages']:,} passages, "
                f"{c['nodes']:,} entities, {c['edges']:,} edges"
            )
        else:
            print(f"stats failed: {counts.stderr.strip()}; ingest said: {err.strip()[-500:]}")


if __name__ == "__main__":
    main()
