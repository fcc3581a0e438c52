"""Hostile documents through `kgqa ingest`, as a user runs it: a batch of a 200 KB Markdown file
of 200,000 "[" characters, a 660 KB HTML file of 60,000 nested <div>s and one good file.
Prints the wall time of the run and what it committed.

    python benchmarks/hostile.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOOD = "Marie Curie was born in Warsaw. She worked in Paris with Pierre Curie.\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "batch"
        folder.mkdir()
        (folder / "brackets.md").write_text("[" * 200_000)
        (folder / "divs.html").write_text(
            "<html><body>" + "<div>" * 60_000 + "text" + "</div>" * 60_000 + "</body></html>"
        )
        (folder / "good.txt").write_text(GOOD)
        store = Path(tmp) / "store"
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "kgqa.flows.cli", "ingest", str(folder), "--store", str(store),
             "--no-progress", "--json"],
            capture_output=True,
            text=True,
        )  # fmt: skip
        seconds = time.monotonic() - started
        report = json.loads(done.stdout)
        print(
            f"hostile batch (200 KB of '[', 660 KB of nested divs, one good file): "
            f"{seconds:.1f} s wall, exit status {done.returncode}, {report['new']} new, "
            f"{len(report['failed'])} failed, committed {report['committed']}, "
            f"{report['counts'].get('passages')} passages"
        )
        shutil.rmtree(store, ignore_errors=True)


if __name__ == "__main__":
    main()
