"""Reader latency: windows per second, and p50/p95 seconds per `ask` on a store of at least
2,000 passages (top-k 5), on this machine.

    python benchmarks/reader.py --reader-model data/reader --dev data/reader/dev.json
    python benchmarks/reader.py --reader-model data/reader --store my-store --questions q.jsonl

Without --store it builds one from 2,000 paragraphs of ../shared/data/qa/train.json and asks
their questions. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED_QA = REPO.parent / "shared" / "data" / "qa" / "train.json"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--reader-model", required=True)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument(
        "--precision",
        default="fp32,int8",
        help="Comma-separated reader precisions to measure, one after another.",
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="Torch threads (setting torch_threads)."
    )
    parser.add_argument(
        "--dev",
        type=Path,
        help="Also measure closed-mode F1 on this SQuAD file "
        "(e.g. data/reader/dev.json) for each precision.",
    )
    args = parser.parse_args()

    from kgqa.qa.ingest import pipeline
    from kgqa.qa.reader.extractive import ExtractiveReader
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings

    data = json.loads(SHARED_QA.read_text())["data"]
    paragraphs, questions = [], []
    for article in data:
        for i, p in enumerate(article["paragraphs"]):
            paragraphs.append({"id": f"{article['title']}-{i}", "text": p["context"]})
            questions += [q["question"] for q in p["qas"][:1]]
            if len(paragraphs) == args.paragraphs:
                break
        if len(paragraphs) == args.paragraphs:
            break
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "store"
            corpus = Path(tmp) / "corpus.jsonl"
            corpus.write_text("".join(json.dumps(p) + "\n" for p in paragraphs))
            print(f"building a store of {len(paragraphs)} paragraphs ...", flush=True)
            pipeline.run([corpus], Settings(store=store, relation_extractors=["dependency"]))
        rows = []
        for precision in args.precision.split(","):
            settings = Settings(
                store=store,
                reader_model=args.reader_model,
                ask_top_k=args.top_k,
                reader_precision=precision,
                torch_threads=args.threads,
            )
            service = QAService(settings)
            print(
                f"[{precision}] store: {service.generation.manifest.counts['passages']} passages",
                flush=True,
            )
            reader: ExtractiveReader = service.reader  # type: ignore[assignment]
            reader.warm_up()
            contexts = [p["text"] for p in paragraphs[:256]]
            enc, owner = reader.windows(questions[:256], contexts)
            started = time.perf_counter()
            reader.logits(enc)
            seconds = time.perf_counter() - started
            tokens = sum(len(ids) for ids in enc["input_ids"])
            windows_s = len(owner) / seconds
            print(
                f"[{precision}] reader: {len(owner)} windows (at most "
                f"{settings.reader_max_seq_len} tokens, {tokens / len(owner):.0f} on average) "
                f"in {seconds:.1f} s -> {windows_s:.1f} windows/s "
                f"(batch {settings.reader_batch_size}, {args.threads} thread(s))",
                flush=True,
            )
            service.ask(questions[0])  # warm
            times = []
            for q in questions[: args.questions]:
                t = time.perf_counter()
                service.ask(q)
                times.append(time.perf_counter() - t)
            times.sort()
            p50 = statistics.median(times)
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(
                f"[{precision}] ask (top-k {args.top_k}, {len(times)} questions): "
                f"p50 {p50:.3f} s, p95 {p95:.3f} s",
                flush=True,
            )
            f1 = None
            if args.dev is not None:
                from kgqa.qa.evaluation.evaluate import read_squad
                from kgqa.qa.squad import load_squad

                f1 = read_squad(reader, load_squad([args.dev]), settings.no_answer_threshold)["f1"]
                print(f"[{precision}] closed-mode F1 on {args.dev}: {f1:.2f}", flush=True)
            rows.append((precision, windows_s, p50, p95, f1))
        print("\nprecision | windows/s | ask p50 s | ask p95 s | dev F1")
        for precision, windows_s, p50, p95, f1 in rows:
            shown = "-" if f1 is None else f"{f1:.2f}"
            print(f"{precision} | {windows_s:.1f} | {p50:.3f} | {p95:.3f} | {shown}")


if __name__ == "__main__":
    main()
