"""Search at scale: latency of `search` (and `ask`), peak memory, index bytes per passage, and
recall@10 of the approximate indexes against exact search, for flat, HNSW and IVF.

    python benchmarks/search.py                          # 10k and 200k passages
    python benchmarks/search.py --sizes 10000 --kinds flat hnsw --asks 20

The 10k store holds real Wikipedia paragraphs from ../shared/data/qa/train.json, embedded
with the default embedder. The larger stores are synthetic: those paragraphs repeated with
their sentences shuffled, and their vectors with Gaussian noise added (then renormalised), so
the index holds distinct vectors with a realistic neighbourhood structure. Stores are
committed through the real store code (SQLite, BM25, FAISS); each (size, index) is measured
in its own process for a clean peak memory figure. Queries are real questions of the same
articles. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED_QA = REPO.parent / "shared" / "data" / "qa" / "train.json"


def real_paragraphs(n: int) -> tuple[list[str], list[str]]:
    data = json.loads(SHARED_QA.read_text())["data"]
    texts, questions, seen = [], [], set()
    for article in data:
        for p in article["paragraphs"]:
            if p["context"] in seen:
                continue
            seen.add(p["context"])
            texts.append(p["context"])
            questions += [q["question"] for q in p["qas"][:1]]
            if len(texts) == n:
                return texts, questions
    return texts, questions


def build_store(root: Path, size: int, base: int, kind: str) -> dict:
    """Commit ``size`` passages (real up to ``base``, synthetic beyond) into a store at root."""
    from kgqa.qa.ingest.commit import models_info
    from kgqa.qa.retrieval.embed import PassageEmbedder
    from kgqa.qa.settings import Settings
    from kgqa.qa.store import ProcessedDocument, Store
    from kgqa.qa.types import Document, Passage

    settings = Settings(store=root, dense_index=kind, ann_min_passages=0)
    texts, _ = real_paragraphs(min(size, base))
    cache = root.parent / f"vectors-{len(texts)}.npy"
    if cache.exists():
        vectors = np.load(cache)
    else:
        vectors = PassageEmbedder(settings.embedder, settings.device, 64, "fp32")(texts)
        np.save(cache, vectors)
    rng = np.random.default_rng(0)
    shuffler = random.Random(0)
    docs = []
    for i in range(size):
        j = i % len(texts)
        text, vector = texts[j], vectors[j]
        if i >= len(texts):
            sentences = text.split(". ")
            shuffler.shuffle(sentences)
            text = ". ".join(sentences)
            vector = vector + rng.normal(0, 0.03, vector.shape).astype(np.float32)
            vector /= np.linalg.norm(vector)
        doc_id = f"p{i}"
        docs.append(
            ProcessedDocument(
                Document(doc_id, text, doc_id, f"h{i}"),
                [Passage(f"{doc_id}#0", doc_id, 0, 0, len(text), text)],
                np.asarray(vector, dtype=np.float32).reshape(1, -1),
                [],
                [],
            )
        )
    store = Store(root)
    started = time.perf_counter()
    with store.writer_lock():
        store.commit(
            [],
            docs,
            models_info(settings, vectors.shape[1]),
            settings.model_dump(mode="json"),
            keep=1,
        )
    return {"commit_seconds": time.perf_counter() - started}


def measure(root: Path, kind: str, asks: int, queries: list[str], mmap: bool) -> dict:
    """One process: open the store, time searches and asks, report memory."""
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    service = QAService(Settings(store=root, dense_index=kind, ann_min_passages=0, dense_mmap=mmap))
    gen = service.generation
    service.embedder.warm_up()
    dense_file = gen.path / "dense.faiss"
    out = {
        "passages": gen.manifest.counts["passages"],
        "kind": gen.dense.kind,
        "dense_bytes_per_passage": dense_file.stat().st_size / gen.dense.size,
        "bm25_bytes_per_passage": sum(f.stat().st_size for f in (gen.path / "bm25").iterdir())
        / gen.dense.size,
    }
    for mode in ("dense", "hybrid"):
        service.search(queries[0], 10, mode)
        times = []
        for q in queries:
            t = time.perf_counter()
            service.search(q, 10, mode)
            times.append(time.perf_counter() - t)
        out[f"{mode}_p50_ms"] = 1000 * statistics.median(times)
        out[f"{mode}_p95_ms"] = 1000 * statistics.quantiles(times, n=20)[18]
    vectors = service.embedder(queries)
    out["top10"] = [[i for i, _ in gen.dense.search(v, 10)] for v in vectors]
    if asks and service.reader is not None:
        times = []
        for q in queries[:asks]:
            t = time.perf_counter()
            service.ask(q)
            times.append(time.perf_counter() - t)
        out["ask_p50_s"] = statistics.median(times)
        out["ask_p95_s"] = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["load_rss_before_mb"] = before / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--kinds", nargs="+", default=["flat", "hnsw", "ivf"])
    parser.add_argument("--base", type=int, default=10_000, help="Real paragraphs embedded.")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--asks", type=int, default=20)
    parser.add_argument(
        "--mmap", action="store_true", help="Also measure flat with vectors on disk."
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="Keep the stores and embedded vectors here for reruns (default: a temporary folder).",
    )
    parser.add_argument(
        "--child", nargs=4, metavar=("ROOT", "KIND", "ASKS", "MMAP"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--build", nargs=4, metavar=("ROOT", "SIZE", "BASE", "KIND"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    _, questions = real_paragraphs(args.base)
    queries = random.Random(1).sample(questions, min(args.queries, len(questions)))
    if args.build:
        root, size, base, kind = args.build
        print(json.dumps(build_store(Path(root), int(size), int(base), kind)))
        return
    if args.child:
        root, kind, asks, mmap = args.child
        print(json.dumps(measure(Path(root), kind, int(asks), queries, mmap == "1")))
        return

    def child(*extra: str) -> dict:
        done = subprocess.run(
            [sys.executable, __file__, *extra], capture_output=True, text=True, cwd=REPO
        )
        if done.returncode:
            raise SystemExit(done.stderr[-3000:])
        return json.loads(done.stdout.strip().splitlines()[-1])

    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.work or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            exact: list[list[int]] | None = None
            runs = [(k, False) for k in args.kinds] + ([("flat", True)] if args.mmap else [])
            for kind, mmap in runs:
                root = Path(tmp) / f"store-{size}-{kind}"
                if not root.exists():
                    built = child("--build", str(root), str(size), str(args.base), kind)
                else:
                    built = {"commit_seconds": 0.0}
                m = child("--child", str(root), kind, str(args.asks), "1" if mmap else "0")
                if kind == "flat" and not mmap:
                    exact = m["top10"]
                recall = float("nan")
                if exact is not None:
                    recall = float(
                        np.mean(
                            [
                                len(set(a) & set(e)) / max(1, len(e))
                                for a, e in zip(m["top10"], exact)
                            ]
                        )
                    )
                label = kind + (" (mmap)" if mmap else "")
                asked = (
                    f", ask p50 {m['ask_p50_s']:.2f} s p95 {m['ask_p95_s']:.2f} s"
                    if "ask_p50_s" in m
                    else ""
                )
                print(
                    f"{size:>7} passages, {label:<11} commit {built['commit_seconds']:6.1f} s, "
                    f"dense search p50 {m['dense_p50_ms']:.1f} ms p95 {m['dense_p95_ms']:.1f} ms, "
                    f"hybrid search p50 {m['hybrid_p50_ms']:.1f} ms p95 {m['hybrid_p95_ms']:.1f} ms"
                    f"{asked}, recall@10 vs flat {recall:.3f}, peak RSS {m['peak_rss_mb']:.0f} MB, "
                    f"bytes/passage: vectors {m['dense_bytes_per_passage']:.0f}, "
                    f"BM25 {m['bm25_bytes_per_passage']:.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
