"""A one-document update of a 1,000-document store through the CLI, end to end (a fresh
`kgqa ingest` process: imports, planning, worker start and model loads, processing, commit).

    python benchmarks/update.py                  # builds the store from ../shared/data/qa first
    python benchmarks/update.py --keep DIR       # keep (or reuse) the corpus and store in DIR
    python benchmarks/update.py --prefect        # also through the Prefect flow (temporary server)

Each run edits one file of the corpus, then times `kgqa ingest CORPUS` as a user runs it (no
Prefect server unless PREFECT_API_URL is set: the flow's code runs directly), and with
--prefect also `kgqa ingest CORPUS --prefect`, which starts Prefect's temporary server unless
one is configured. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_QA = REPO.parent / "shared" / "data" / "qa" / "train.json"


def write_corpus(folder: Path, documents: int) -> None:
    """``documents`` text files, one Wikipedia paragraph each."""
    folder.mkdir(parents=True, exist_ok=True)
    data = json.loads(SHARED_QA.read_text())["data"]
    n = 0
    for article in data:
        for _i, para in enumerate(article["paragraphs"]):
            (folder / f"p{n:05d}.txt").write_text(para["context"])
            n += 1
            if n == documents:
                return


def kgqa_ingest(corpus: Path, store: Path, *flags: str) -> tuple[float, dict]:
    started = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "kgqa.flows.cli",
            "ingest",
            str(corpus),
            "--store",
            str(store),
            "--json",
            *flags,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    return seconds, json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="folder for the corpus and the store")
    parser.add_argument("--prefect", action="store_true", help="also time the Prefect flow")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        corpus, store = root / "corpus", root / "store"
        if not corpus.is_dir():
            write_corpus(corpus, args.documents)
        if not store.is_dir():
            seconds, report = kgqa_ingest(corpus, store, "--no-prefect")
            print(
                f"store built: {report['counts']['documents']} documents, "
                f"{report['counts']['passages']} passages in {seconds:.1f} s",
                flush=True,
            )
        target = sorted(corpus.glob("*.txt"))[0]
        original = target.read_text()
        ways: list[tuple[str, tuple[str, ...]]] = [("kgqa ingest (the default)", ())]
        if args.prefect:
            ways.append(("Prefect flow (--prefect)", ("--prefect",)))
        for name, flags in ways:
            for run in range(args.runs):
                target.write_text(original + f" Edited in run {name} {run}.")
                seconds, report = kgqa_ingest(corpus, store, *flags)
                stages = ", ".join(f"{k} {v:.2f} s" for k, v in report["stages"].items())
                print(
                    f"{name}: 1 of {report['counts']['documents']} documents changed "
                    f"({report['changed']} changed, {report['unchanged']} unchanged): "
                    f"{seconds:.1f} s wall end to end; "
                    f"the run's own report {report['seconds']:.1f} s"
                    f" ({stages})",
                    flush=True,
                )
        target.write_text(original)


if __name__ == "__main__":
    main()
