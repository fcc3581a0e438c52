"""How fast the CLI refuses bad input: a one-shot `kgqa ask` with a 10,000-character question
(refused before any model or the store loads) and `kgqa --version`, median of --runs fresh
processes each.

    python benchmarks/cli_refusal.py --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def timed(args: list[str]) -> tuple[float, int]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "kgqa.flows.cli", *args], capture_output=True)
    return time.monotonic() - started, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for name, command in (
        ("kgqa ask <10,000 characters>", ["ask", "x" * 10_000, "--store", "no-such-store"]),
        ("kgqa --version", ["--version"]),
    ):
        runs = [timed(command) for _ in range(args.runs)]
        seconds = [s for s, _ in runs]
        print(
            f"{name}: median {statistics.median(seconds):.2f} s over {args.runs} runs "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f}), exit status {runs[0][1]}"
        )


if __name__ == "__main__":
    main()
