"""Whole-pipeline ingestion throughput (words/s) and peak memory.

    python benchmarks/ingest.py                      # 2,000 paragraphs from ../shared/data/qa
    python benchmarks/ingest.py --corpus my.jsonl    # your own JSONL ({"id","text"} lines)
    python benchmarks/ingest.py --prefect            # through the Prefect flow (temporary server)
    python benchmarks/ingest.py --dask-workers 1 2   # Dask runner, 1 then 2 local workers
    python benchmarks/ingest.py --dask-workers 1 2 --batch-documents 8   # smaller tasks
    python benchmarks/ingest.py --pdf 40             # 40 ten-page PDFs: parse and ingest pages/s
    python benchmarks/ingest.py --workers 1 2        # local model workers, 1 then 2
    python benchmarks/ingest.py --compare-defaults   # defaults, int8 joint model, no joint model
    python benchmarks/ingest.py --paragraphs 600 --cli   # `kgqa ingest FILE --no-prefect` as a
                                                     # user runs it: start-up and model loads in

Prints figures; asserts nothing. Peak memory is the maximum resident set size of this process
and of the per-document worker process (where models run by default); --compare-defaults
samples the whole process tree (this process and every descendant) instead.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED_QA = REPO.parent / "shared" / "data" / "qa" / "train.json"


def shared_paragraphs(n: int, out: Path) -> Path:
    data = json.loads(SHARED_QA.read_text())["data"]
    written = 0
    with out.open("w") as fh:
        for article in data:
            for i, para in enumerate(article["paragraphs"]):
                fh.write(
                    json.dumps({"id": f"{article['title']}-{i}", "text": para["context"]}) + "\n"
                )
                written += 1
                if written == n:
                    return out
    return out


def corpus_and_words(args: argparse.Namespace, tmp: Path) -> tuple[Path, int]:
    """The JSONL corpus to ingest (--corpus, or --paragraphs from ../shared written into
    ``tmp``) and its number of words."""
    corpus = args.corpus or shared_paragraphs(args.paragraphs, tmp / "corpus.jsonl")
    words = sum(
        len(json.loads(line)["text"].split())
        for line in corpus.read_text().splitlines()
        if line.strip()
    )
    return corpus, words


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, help="JSONL corpus (default: from ../shared)")
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--prefect", action="store_true", help="run the real flow, not flow.fn")
    parser.add_argument(
        "--dask-workers",
        type=int,
        nargs="+",
        help="run the flow on local Dask clusters of these sizes and compare",
    )
    parser.add_argument(
        "--pdf",
        type=int,
        metavar="N",
        help="make N ten-page PDFs of the paragraphs; report pages/s",
    )
    parser.add_argument(
        "--batch-documents",
        type=int,
        help="documents per task for --dask-workers (default: the setting's, 16)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        help="ingest with these numbers of local model workers and compare",
    )
    parser.add_argument(
        "--compare-defaults",
        action="store_true",
        help="the defaults beside the int8 joint model and no joint model",
    )
    parser.add_argument(
        "--cli",
        action="store_true",
        help="time `kgqa ingest CORPUS --no-prefect` in a fresh process",
    )
    args = parser.parse_args()
    if args.cli:
        cli_run(args)
        return
    if args.compare_defaults:
        compare_defaults(args)
        return
    if args.workers:
        compare_workers(args)
        return
    if args.dask_workers:
        compare_dask(args)
        return
    if args.pdf:
        pdf_throughput(args.pdf)
        return

    from kgqa.flows.ingest import ingest_flow
    from kgqa.qa.ingest import pipeline
    from kgqa.qa.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        corpus, words = corpus_and_words(args, Path(tmp))
        settings = Settings(store=Path(tmp) / "store").model_dump(mode="json")

        def run(paths: list[str], settings: dict, show_progress: bool) -> dict:
            if args.prefect:
                return ingest_flow(paths, settings=settings, show_progress=show_progress)
            return pipeline.run(paths, Settings.model_validate(settings)).to_json()

        # Load the models first so the figure is steady-state throughput, and say how long it took.
        t0 = time.perf_counter()
        from kgqa.qa.ingest.process import cached_processor

        cached_processor(Settings.model_validate(settings).model_dump_json())
        load_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        report = run([str(corpus)], settings=settings, show_progress=False)
        seconds = time.perf_counter() - t1
        t2 = time.perf_counter()
        again = run([str(corpus)], settings=settings, show_progress=False)
        reingest_s = time.perf_counter() - t2
    from kgqa.qa.ingest.worker import close_workers

    close_workers()  # reaped workers count in RUSAGE_CHILDREN
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    c = report["counts"]
    print(f"documents          {report['new']} ({len(report['failed'])} failed)")
    print(f"words              {words:,}")
    print(f"passages           {c['passages']:,}; entities {c['nodes']:,}; edges {c['edges']:,}")
    print(f"model load         {load_s:.1f} s")
    print(
        f"ingest             {seconds:.1f} s  ->  {words / seconds:,.0f} words/s, "
        f"{report['new'] / seconds:.1f} documents/s"
    )
    print(f"re-ingest (no-op)  {reingest_s:.2f} s, {again['unchanged']} unchanged")
    print(
        f"peak memory        {peak_mb:,.0f} MB (max RSS of this process), "
        f"{worker_mb:,.0f} MB (largest worker process)"
    )


def compare_workers(args: argparse.Namespace) -> None:
    """The same corpus into fresh stores with N local model workers (worker start-up and model
    loading included, as a user's run pays them)."""
    from kgqa.qa.ingest import pipeline
    from kgqa.qa.ingest.worker import close_workers
    from kgqa.qa.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        corpus, words = corpus_and_words(args, Path(tmp))
        base = None
        for n in args.workers:
            settings = Settings(store=Path(tmp) / f"store-{n}", workers=n)
            started = time.perf_counter()
            report = pipeline.run([str(corpus)], settings)
            seconds = time.perf_counter() - started
            close_workers()
            base = base or seconds
            print(
                f"{n} worker(s)  {seconds:6.1f} s  {words / seconds:7,.0f} words/s  "
                f"{base / seconds:.2f}x  ({report.new} documents, "
                f"{report.counts['passages']:,} passages, {report.counts['nodes']:,} entities, "
                f"{report.counts['edges']:,} edges)",
                flush=True,
            )


class TreeMemory:
    """Peak memory of this process and all its descendants, sampled every second by a thread:
    the sum of their proportional set sizes (PSS: a page shared by n processes, such as
    torch's libraries mapped by every worker, counts 1/n in each, so the sum is what the tree
    holds), and the sum of their resident set sizes (RSS: shared pages once per process, so it
    errs high)."""

    def __init__(self) -> None:
        import threading

        self.peak_mb = 0.0
        self.peak_rss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(1.0):
            pss = rss = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    info = proc.memory_full_info()
                except psutil.Error:
                    continue
                pss += getattr(info, "pss", info.rss)
                rss += info.rss
            self.peak_mb = max(self.peak_mb, pss / 2**20)
            self.peak_rss_mb = max(self.peak_rss_mb, rss / 2**20)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def compare_defaults(args: argparse.Namespace) -> None:
    """Fresh stores from the same corpus, one configuration after another, each in a fresh
    child process (so model loads, worker start-up and peak memory are each run's own): the
    defaults (the joint model in fp32, or bf16 where the CPU has it), the joint model in int8,
    and without it (dependency relations and spaCy's entities only)."""
    import subprocess

    configs = [
        ("defaults", {}),
        ("joint model int8", {"relation_precision": "int8"}),
        ("no joint model", {"relation_extractors": ["dependency"]}),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        corpus, words = corpus_and_words(args, Path(tmp))
        print(f"corpus: {args.paragraphs} paragraphs, {words:,} words", flush=True)
        print(
            "| configuration | seconds | words/s | process stage words/s | peak tree PSS MB | "
            "(RSS sum) | passages | entities | edges |",
            flush=True,
        )
        print("|---|---|---|---|---|---|---|---|---|", flush=True)
        for n, (name, overrides) in enumerate(configs):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one-run",
                    str(corpus),
                    str(Path(tmp) / f"s{n}"),
                    json.dumps(overrides),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"| {name} | {r['seconds']:.1f} | {words / r['seconds']:,.0f} | "
                f"{words / r['process']:,.0f} | {r['peak_mb']:,.0f} | {r['peak_rss_mb']:,.0f} | "
                f"{r['passages']:,} | "
                f"{r['nodes']:,} | {r['edges']:,} |",
                flush=True,
            )


def cli_run(args: argparse.Namespace) -> None:
    """The corpus through the command line, wall clock from the command's start to its exit."""
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        corpus, words = corpus_and_words(args, Path(tmp))
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kgqa.flows.cli",
                "ingest",
                str(corpus),
                "--store",
                str(Path(tmp) / "store"),
                "--no-prefect",
            ],
            check=True,
        )
        seconds = time.perf_counter() - started
        print(
            f"kgqa ingest --no-prefect: {words:,} words in {seconds:.1f} s -> "
            f"{words / seconds:,.0f} words/s (start-up and model loads included)"
        )


def one_run(corpus: str, store: str, overrides: str) -> None:
    """One ingest into a fresh store; prints its figures as one JSON line."""
    from kgqa.qa.ingest import pipeline
    from kgqa.qa.settings import Settings

    settings = Settings(store=Path(store), **json.loads(overrides))
    with TreeMemory() as memory:
        started = time.perf_counter()
        report = pipeline.run([corpus], settings)
        seconds = time.perf_counter() - started
    c = report.counts
    print(
        json.dumps(
            {
                "seconds": seconds,
                "process": report.stages["process"],
                "peak_mb": memory.peak_mb,
                "peak_rss_mb": memory.peak_rss_mb,
                "passages": c["passages"],
                "nodes": c["nodes"],
                "edges": c["edges"],
            }
        )
    )


def pdf_throughput(count: int) -> None:
    """PDF parsing alone (the loader: pypdfium2 text layer, pages kept), then the whole pipeline
    on the same files, in pages/s."""
    import textwrap

    from kgqa.data.make_documents import pdf_bytes
    from kgqa.qa.ingest import pipeline
    from kgqa.qa.ingest.loaders import SourceFile, load_file
    from kgqa.qa.ingest.process import cached_processor
    from kgqa.qa.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        corpus = shared_paragraphs(count * 20, Path(tmp) / "corpus.jsonl")
        paragraphs = [json.loads(line)["text"] for line in corpus.read_text().splitlines()]
        folder = Path(tmp) / "pdfs"
        folder.mkdir()
        pages = 0
        for n in range(count):  # ten pages of two paragraphs each
            part = paragraphs[n * 20 : (n + 1) * 20]
            doc_pages = [
                sum((textwrap.wrap(p, 90) + [""] for p in part[i : i + 2]), [])
                for i in range(0, len(part), 2)
            ]
            pages += len(doc_pages)
            (folder / f"doc{n:04d}.pdf").write_bytes(pdf_bytes(doc_pages, title=f"Doc {n}"))
        files = sorted(folder.iterdir())
        t0 = time.perf_counter()
        words = 0
        for f in files:
            for doc in load_file(SourceFile(f, f.name), 20_000_000):
                words += len(getattr(doc, "text", "").split())
        parse_s = time.perf_counter() - t0
        settings = Settings(store=Path(tmp) / "store")
        cached_processor(settings.model_dump_json())  # models loaded before the clock starts
        t1 = time.perf_counter()
        report = pipeline.run([folder], settings)
        ingest_s = time.perf_counter() - t1
    print(
        f"PDFs               {len(files)} files, {pages} pages, {words:,} words "
        f"({len(report.failed)} failed)"
    )
    print(f"parse (loader)     {parse_s:.2f} s  ->  {pages / parse_s:,.0f} pages/s")
    print(
        f"ingest (pipeline)  {ingest_s:.1f} s  ->  {pages / ingest_s:,.1f} pages/s, "
        f"{words / ingest_s:,.0f} words/s"
    )


def compare_dask(args: argparse.Namespace) -> None:
    """Throughput of the Dask runner with each number of workers, on the same corpus."""
    from kgqa.flows.ingest import run_ingest
    from kgqa.qa.settings import Settings

    rates: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus, words = corpus_and_words(args, Path(tmp))
        for n in args.dask_workers:
            batch = {"batch_documents": args.batch_documents} if args.batch_documents else {}
            settings = Settings(
                store=Path(tmp) / f"store-{n}", runner="dask", dask_workers=n, **batch
            )
            started = time.perf_counter()
            report = run_ingest([str(corpus)], settings, show_progress=False)
            seconds = time.perf_counter() - started
            rates[n] = words / seconds
            print(
                f"dask workers {n}: {report['new']} documents, {words:,} words in {seconds:.1f} s "
                f"(cluster start and model loads included) -> {rates[n]:,.0f} words/s; "
                f"process stage {report['stages']['process']:.1f} s"
            )
    base = rates[args.dask_workers[0]]
    for n, rate in rates.items():
        print(f"speed-up with {n} workers: {rate / base:.2f}x")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one-run"]:
        one_run(*sys.argv[2:5])
    else:
        main()
