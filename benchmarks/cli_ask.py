"""One-shot `kgqa ask` on the sample store, against a bare script that only loads the shipped
reader with transformers and reads one question (the floor of answering in a fresh process).

    python benchmarks/cli_ask.py --runs 3
    python benchmarks/cli_ask.py --runs 3 --store DIR   # another store (built from data/sample
                                                        # when DIR has none)

Times, each a fresh process, median of --runs: the bare script; `kgqa ask` with KGQA_WARM=false
(loading its own models); the first `kgqa ask` with the warm process on (it starts the store's
warm process and waits for it); and the later ones (which reuse it). The warm process this
script started is stopped at the end. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUESTION = "Who founded the Pasteur Institute?"

BARE = """
import torch
from transformers import AutoModelForQuestionAnswering, AutoTokenizer
torch.set_num_threads(1)
path = {reader!r}
tokenizer = AutoTokenizer.from_pretrained(path)
model = AutoModelForQuestionAnswering.from_pretrained(path).eval()
context = "The Pasteur Institute, founded by Louis Pasteur in 1887, is located in Paris."
inputs = tokenizer({question!r}, context, return_tensors="pt")
with torch.no_grad():
    out = model(**inputs)
start, end = int(out.start_logits.argmax()), int(out.end_logits.argmax())
print(tokenizer.decode(inputs["input_ids"][0][start : end + 1]))
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} failed: {done.stderr.strip()}")
    return seconds


def line(name: str, seconds: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(seconds):.2f} s over {len(seconds)} runs "
        f"(min {min(seconds):.2f}, max {max(seconds):.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args()
    kgqa = [sys.executable, "-m", "kgqa.flows.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"
        if not (store / "CURRENT").exists():
            print(f"building {store} from data/sample ...", flush=True)
            timed([*kgqa, "ingest", str(REPO / "data" / "sample"), "--store", str(store)], {})
        from kgqa.qa.settings import Settings

        reader = str(Settings().reader_model)
        ask = [*kgqa, "ask", QUESTION, "--store", str(store)]
        bare = [sys.executable, "-c", BARE.format(reader=reader, question=QUESTION)]
        bare_s = [timed(bare, {}) for _ in range(args.runs)]
        cold_s = [timed(ask, {"KGQA_WARM": "false"}) for _ in range(args.runs)]
        runtime = Path(tmp) / "runtime"  # a warm process of this script's own
        runtime.mkdir(mode=0o700)
        warm_env = {"KGQA_WARM": "true", "XDG_RUNTIME_DIR": str(runtime)}
        first = timed(ask, warm_env)
        warm_s = [timed(ask, warm_env) for _ in range(args.runs)]
        subprocess.run([*kgqa, "warm", "stop", "--all"], env={**os.environ, **warm_env})
    print(line("bare script (import transformers, load the reader, read one question)", bare_s))
    print(line("kgqa ask, loading its own models (KGQA_WARM=false)", cold_s))
    print(f"kgqa ask, first call (starts the warm process): {first:.2f} s")
    print(line("kgqa ask, later calls (the warm process)", warm_s))
    print(f"later calls / bare script: {statistics.median(warm_s) / statistics.median(bare_s):.2f}")


if __name__ == "__main__":
    main()
