"""HTTP API under load: p50/p95 latency and errors of POST /ask with N concurrent clients.

    python benchmarks/serve.py                      # sample corpus, 8 clients, 60 s
    python benchmarks/serve.py --clients 16         # past the queue: fast 503s, /health fast
    python benchmarks/serve.py --store my-store --clients 8 --seconds 60

Without --store it ingests data/sample/ into a temporary store. The server runs as
`kgqa serve` in its own process with the default models; the clients are threads here asking
the sample questions in turn. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--store", type=Path)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()

    import httpx

    questions = [
        json.loads(line)["question"]
        for line in (REPO / "data" / "sample_questions.jsonl").read_text().splitlines()
        if line.strip()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            from kgqa.qa.ingest import pipeline
            from kgqa.qa.settings import Settings

            store = Path(tmp) / "store"
            print("ingesting data/sample ...", flush=True)
            pipeline.run([REPO / "data" / "sample"], Settings(store=store))
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kgqa.flows.cli",
                "serve",
                "--port",
                str(port),
                "--store",
                str(store),
            ],
            cwd=REPO,
            env=os.environ.copy(),
        )
        url = f"http://127.0.0.1:{port}"
        try:
            started = time.monotonic()
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() - started > 300:
                    raise SystemExit("the server did not start")
                time.sleep(0.5)
            print(f"server up in {time.monotonic() - started:.1f} s", flush=True)
            unloaded: list[float] = []
            with httpx.Client(base_url=url, timeout=120) as http:
                for q in questions * 2:
                    t = time.perf_counter()
                    http.post("/ask", json={"question": q}).raise_for_status()
                    unloaded.append(time.perf_counter() - t)
            unloaded_p95 = statistics.quantiles(unloaded, n=20)[18]
            print(
                f"unloaded /ask: p50 {statistics.median(unloaded):.3f} s, p95 "
                f"{unloaded_p95:.3f} s ({len(unloaded)} asks, one client)",
                flush=True,
            )
            print(f"{args.clients} clients for {args.seconds:.0f} s", flush=True)
            latencies: list[float] = []
            refused: list[float] = []  # seconds to a 503
            errors: list[str] = []
            health: list[float] = []
            answered = [0]
            stop = time.monotonic() + args.seconds

            def watch_health() -> None:
                with httpx.Client(base_url=url, timeout=30) as http:
                    while time.monotonic() < stop:
                        t = time.perf_counter()
                        http.get("/health").raise_for_status()
                        health.append(time.perf_counter() - t)
                        time.sleep(0.25)

            def client(n: int) -> None:
                with httpx.Client(base_url=url, timeout=120) as http:
                    i = n
                    while time.monotonic() < stop:
                        q = questions[i % len(questions)]
                        i += 1
                        t = time.perf_counter()
                        try:
                            r = http.post("/ask", json={"question": q})
                        except httpx.HTTPError as err:
                            errors.append(type(err).__name__)
                            continue
                        took = time.perf_counter() - t
                        if r.status_code == 503:
                            refused.append(took)  # a well-behaved client waits Retry-After
                            time.sleep(float(r.headers.get("retry-after", "1")))
                            continue
                        latencies.append(took)
                        if r.status_code != 200:
                            errors.append(str(r.status_code))
                        elif r.json().get("answers"):
                            answered[0] += 1

            threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
            threads.append(threading.Thread(target=watch_health))
            began = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - began
        finally:
            server.terminate()
            server.wait(30)
    q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    print(
        f"accepted {len(latencies)} in {elapsed:.1f} s = {len(latencies) / elapsed:.2f}/s; "
        f"errors {len(errors)} {sorted(set(errors))}; with an answer {answered[0]}"
    )
    print(
        f"accepted /ask latency p50 {statistics.median(latencies):.3f} s, p95 {q[18]:.3f} s, "
        f"max {max(latencies):.3f} s; unloaded p50 {statistics.median(unloaded):.3f} s, p95 "
        f"{statistics.quantiles(unloaded, n=20)[18]:.3f} s"
    )
    if refused:
        print(f"refused with 503: {len(refused)}, answered in at most {max(refused) * 1000:.0f} ms")
    hq = statistics.quantiles(health, n=20) if len(health) > 1 else health * 19
    print(
        f"/health during the load: {len(health)} calls, p95 {hq[18] * 1000:.0f} ms, "
        f"max {max(health) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
