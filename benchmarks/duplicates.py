"""Near-duplicate search at any threshold: `kgqa similar --duplicates` as a user runs it.

Prints the wall time, the peak memory of the process and the size of what it printed, for a
store given with --store (build one with `kgqa ingest`, or use benchmarks/reader.py's
--paragraphs store). Each passage's k nearest neighbours are looked at, so the work grows as
passages x k whatever the threshold, and one page of pairs is printed.

    python benchmarks/duplicates.py --store build/bench/store10k --threshold 0.05
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--threshold", type=float, default=0.05)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args()
    command = [
        sys.executable, "-m", "kgqa.flows.cli", "similar", "--duplicates",
        "--threshold", str(args.threshold), "--k", str(args.k), "--limit", str(args.limit),
        "--store", args.store, "--json",
    ]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(done.stderr)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = json.loads(done.stdout)
    print(
        f"kgqa similar --duplicates --threshold {args.threshold} --k {args.k} on {args.store}: "
        f"{seconds:.1f} s wall, peak {peak_mb:.0f} MB, {result['pairs']} pairs found, "
        f"{len(result['results'])} printed ({len(done.stdout) / 1024:.0f} KB of JSON)"
    )


if __name__ == "__main__":
    main()
