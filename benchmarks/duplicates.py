"""Near-duplicate search at any threshold: `kgqa similar --duplicates` as a user runs it.

Prints the wall time, the peak memory of the process and the size of what it printed, for a
store given with --store (build one with `kgqa ingest`, or use benchmarks/reader.py's
--paragraphs store). Each passage's k nearest neighbours are looked at, so the work grows as
passages x k whatever the threshold, and one page of pairs is printed.

    python benchmarks/duplicates.py --store build/bench/store10k --threshold 0.05
    python benchmarks/duplicates.py --store build/bench/store10k --http 20

The command runs with KGQA_WARM=false, so that the memory measured is its own work (not a
warm process's). With --http N, a `kgqa serve` on the store gets N requests
`GET /similar/duplicates` one after another, and its resident memory is printed after the
first, at its highest and after the last: flat when each request's work is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time

import httpx
import psutil


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--threshold", type=float, default=0.05)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--http", type=int, default=0, help="Requests to a kgqa serve.")
    args = parser.parse_args()
    if args.http:
        over_http(args)
        return
    command = [
        sys.executable, "-m", "kgqa.flows.cli", "similar", "--duplicates",
        "--threshold", str(args.threshold), "--k", str(args.k), "--limit", str(args.limit),
        "--store", args.store, "--json",
    ]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "KGQA_WARM": "false"}
    )
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


def over_http(args: argparse.Namespace) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "kgqa.flows.cli", "serve", "--store", args.store, "--port",
         str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=600) as http:
            for _ in range(600):
                try:
                    if http.get("/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            rss, seconds = [], []
            query = {"threshold": args.threshold, "k": args.k, "limit": args.limit}
            for _ in range(args.http):
                started = time.monotonic()
                answer = http.get("/similar/duplicates", params=query)
                seconds.append(time.monotonic() - started)
                answer.raise_for_status()
                rss.append(psutil.Process(server.pid).memory_info().rss / 2**20)
    finally:
        server.terminate()
        server.wait()
    print(
        f"GET /similar/duplicates threshold {args.threshold} k {args.k} x {args.http} on "
        f"{args.store}: server memory after the first {rss[0]:.0f} MB, highest {max(rss):.0f} "
        f"MB, after the last {rss[-1]:.0f} MB; {sorted(seconds)[len(seconds) // 2]:.1f} s per "
        "request (median)"
    )


if __name__ == "__main__":
    main()
