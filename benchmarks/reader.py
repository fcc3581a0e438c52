"""Reader latency: windows per second, and p50/p95 seconds per `ask` on a store of at least
2,000 passages (top-k 5), on this machine.

    python benchmarks/reader.py --reader-model data/reader
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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--reader-model", required=True)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--top-k", type=int, default=5)
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
        settings = Settings(store=store, reader_model=args.reader_model, ask_top_k=args.top_k)
        service = QAService(settings)
        print(f"store: {service.generation.manifest['counts']['passages']} passages")
        reader: ExtractiveReader = service.reader  # type: ignore[assignment]
        reader.warm_up()
        contexts = [p["text"] for p in paragraphs[:256]]
        enc, owner = reader.windows(questions[:256], contexts)
        started = time.perf_counter()
        reader.logits(enc)
        seconds = time.perf_counter() - started
        tokens = sum(len(ids) for ids in enc["input_ids"])
        print(f"reader: {len(owner)} windows (at most {settings.reader_max_seq_len} tokens, "
              f"{tokens / len(owner):.0f} on average) in {seconds:.1f} s -> "
              f"{len(owner) / seconds:.1f} windows/s (batch {settings.reader_batch_size})")
        service.ask(questions[0])  # warm
        times = []
        for q in questions[: args.questions]:
            t = time.perf_counter()
            service.ask(q)
            times.append(time.perf_counter() - t)
        times.sort()
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(f"ask (top-k {args.top_k}, {len(times)} questions): p50 {statistics.median(times):.3f} s, "
              f"p95 {p95:.3f} s")


if __name__ == "__main__":
    main()
