"""The whole ingestion as one plain-Python call: lock, plan, process (reusing the cache),
stage, gate, publish, report. The Prefect flow wraps this; tests, benchmarks and evaluation
call it directly."""

from __future__ import annotations

import contextlib
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from kgqa.qa.ingest.cache import ResultCache, processing_fingerprint
from kgqa.qa.ingest.commit import stage_results
from kgqa.qa.ingest.loaders import LOADERS
from kgqa.qa.ingest.pieces import join_pieces, pieces_of
from kgqa.qa.ingest.plan import plan_ingest, reading_changes
from kgqa.qa.ingest.process import batches
from kgqa.qa.ingest.report import Failure, IngestReport, finish_report
from kgqa.qa.ingest.worker import (
    process_group,
    start_workers_early,
    stop_unused_workers,
    worker_count,
)
from kgqa.qa.language import looks_english
from kgqa.qa.settings import Settings
from kgqa.qa.store import (
    REJECTED,
    Generation,
    ProcessedDocument,
    Store,
    StoreError,
    StoreWarning,
    gen_name,
)
from kgqa.qa.types import Document

Result = ProcessedDocument | Failure
# Runs process_group over groups of documents (given the settings as JSON) and yields each
# group's results in the order of the groups: serially here, as Prefect tasks in the flow.
BatchMapper = Callable[[list[list[Document]], str], Iterable[list[Result]]]
# Called with (units done, units in all) as processing goes on: a unit is a document, or a
# piece of a long one (``kgqa.qa.ingest.pieces``).
ProgressCallback = Callable[[int, int], None]


def map_serially(groups: list[list[Document]], settings_json: str) -> Iterable[list[Result]]:
    """Process the groups one after another in this process (or its worker)."""
    return (process_group(group, settings_json) for group in groups)


def map_on_workers(groups: list[list[Document]], settings_json: str) -> Iterable[list[Result]]:
    """Process the groups on every local worker at once (``workers``), yielding results in
    group order; serially when the work runs in this process (no time limit)."""
    from concurrent.futures import ThreadPoolExecutor

    settings = Settings.model_validate_json(settings_json)
    workers = worker_count(settings)
    if settings.document_timeout_seconds <= 0 or workers == 1 or len(groups) < 2:
        yield from map_serially(groups, settings_json)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="kgqa-batch") as pool:
        yield from pool.map(lambda group: process_group(group, settings_json), groups)


def process_all(
    docs: list[Document],
    settings: Settings,
    cache: ResultCache,
    map_batches: BatchMapper = map_serially,
    on_progress: ProgressCallback | None = None,
) -> tuple[list[Result], set[str]]:
    """Results for ``docs``: from the cache where a killed run finished them, else computed.
    Returns the results, in input order, and the ids of those that came from the cache."""
    done: dict[str, Result] = {}
    todo: list[Document] = []
    for doc in docs:
        hit = cache.get(doc)
        if hit is not None:
            done[doc.doc_id] = hit
        else:
            todo.append(doc)
    reused = set(done)
    # Work units: a document, or a piece of a long one (each under its own time limit).
    units: list[tuple[Document, int, Document]] = []  # (document, piece start or -1, unit)
    pieces: dict[str, list[tuple[int, Result]]] = {}
    wanted: dict[str, int] = {}
    for doc in todo:
        if len(doc.text) > settings.document_piece_chars:
            cut = pieces_of(doc, settings.document_piece_chars)
            units += [(doc, start, piece) for start, piece in cut]
            pieces[doc.doc_id], wanted[doc.doc_id] = [], len(cut)
        else:
            units.append((doc, -1, doc))
    whole = [u for u in units if u[1] < 0]
    groups = batches(whole, settings.batch_documents) + [[u] for u in units if u[1] >= 0]
    finished, total = len(reused), len(reused) + len(units)
    if on_progress is not None:
        on_progress(finished, total)
    work = [[unit for _, _, unit in group] for group in groups]
    for group, outcome in zip(groups, map_batches(work, settings.model_dump_json())):
        for (doc, start, _), item in zip(group, outcome):
            if start >= 0:
                pieces[doc.doc_id].append((start, item))
                if len(pieces[doc.doc_id]) < wanted[doc.doc_id]:
                    continue
                item = join_pieces(doc, pieces.pop(doc.doc_id))
            if isinstance(item, ProcessedDocument):
                cache.put(item)  # finished work survives a killed run
            done[doc.doc_id] = item
        finished += len(group)
        if on_progress is not None:
            on_progress(finished, total)
    # Input order, however the work was split, so a resumed run commits what a clean run would.
    return [done[doc.doc_id] for doc in docs], reused


def _open_base(store: Store, settings: Settings) -> tuple[Generation | None, list[str]]:
    """The generation a writer builds on, opened once and verified (None in a new store), and
    what had to be said about it: a damaged current generation passed over, or a lost CURRENT
    recovered (CURRENT is then rewritten to name the generation recovered)."""
    if not store.exists():
        return None, []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StoreWarning)
        base = store.open(embedder=settings.embedder)
    notes = [str(w.message) for w in caught if issubclass(w.category, StoreWarning)]
    if store.current_name() is None:
        store.publish(base.number, settings.keep_generations)
        notes.append(f"CURRENT rewritten to name {base.name}")
    return base, notes


def _reading_notes(base: Generation, settings: Settings, unchanged: int) -> list[str]:
    """One warning when the unchanged documents, which this run skips, were read with other
    models or settings than this run's, naming what differs; or none."""
    from kgqa.qa.ingest.commit import models_info

    changes = reading_changes(base, settings, models_info(settings, 0))
    if not changes:
        return []
    return [
        f"{unchanged} unchanged document(s) keep what they gave when they were read with other "
        f"models or settings ({'; '.join(changes)}); `kgqa ingest PATHS --reprocess` reads them "
        "again with this run's"
    ]


def _language_notes(results: Sequence[Result]) -> list[str]:
    """One warning naming the documents that do not look like English (the shipped models read
    English), or none."""
    foreign = [
        r.document.doc_id
        for r in results
        if isinstance(r, ProcessedDocument) and not looks_english(r.document.text[:20_000])
    ]
    if not foreign:
        return []
    named = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    return [
        f"{len(foreign)} document(s) do not look like English ({named}); kgqa's shipped models "
        "read English, so their entities, relations and answers will be poor (settings "
        "spacy_model, embedder, reader_model and relation_model take other models)"
    ]


def _passed_over_notes(passed_over: Counter[str]) -> list[str]:
    """One warning counting the files of the folders given that kgqa does not read, by type,
    or none."""
    if not passed_over:
        return []
    kinds = ", ".join(f"{suffix} {n}" for suffix, n in passed_over.most_common(6))
    more = len(passed_over) - 6
    return [
        f"{sum(passed_over.values())} file(s) in the folders given are of types kgqa does not "
        f"read and were passed over ({kinds}{f', {more} more types' if more > 0 else ''}); it "
        f"reads {', '.join(LOADERS.names())} (a module in the setting plugins can add more)"
    ]


def _encoding_notes(results: Sequence[Result]) -> list[str]:
    """One warning naming the documents read from text that was not UTF-8, with the encoding
    each was read with, or none."""
    read = [
        f"{r.document.doc_id} as {r.document.metadata['encoding']}"
        for r in results
        if isinstance(r, ProcessedDocument) and r.document.metadata.get("encoding")
    ]
    if not read:
        return []
    named = "; ".join(read[:5]) + (f"; and {len(read) - 5} more" if len(read) > 5 else "")
    return [
        f"{len(read)} document(s) were not UTF-8 and were read in the encoding their bytes fit "
        f"({named}); if their text looks wrong (kgqa entity, kgqa search), re-save them as UTF-8"
    ]


def run(
    paths: Sequence[str | Path],
    settings: Settings,
    *,
    prune: bool = False,
    gate: Path | None = None,
    map_batches: BatchMapper = map_on_workers,
    on_progress: ProgressCallback | None = None,
    reprocess: bool = False,
) -> IngestReport:
    """Ingest files and folders into the store named by the settings; return the report.
    ``reprocess``: read the documents already in the store again, changed or not; without it,
    the report says when unchanged documents were read with other models or settings.

    With ``gate`` (a SQuAD-format file about the corpus), the new generation becomes current
    only if its retrieval recall@5 on those questions is not more than ``gate_tolerance`` below
    the current generation's; otherwise it is kept, not current, for inspection
    (``report.staged``).
    """
    started = time.monotonic()
    store = Store(settings.store)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(store.writer_lock(settings.lock_wait_seconds))
        except StoreError as err:
            if not settings.skip_if_busy:
                raise
            report = IngestReport(0, 0, 0, 0, [], None, False, {}, 0.0, skipped=str(err))
            if store.exists():  # the other writer holds the lock; reading is still safe
                current = store.open()
                report.generation, report.counts = current.name, dict(current.manifest.counts)
            return finish_report(store, report)
        stages: dict[str, float] = {}
        report = IngestReport(0, 0, 0, 0, [], None, False, {}, 0.0)
        if map_batches is map_on_workers or map_batches is map_serially:
            # the models load in the workers' fork server while this run plans
            start_workers_early(settings)
            stack.callback(stop_unused_workers)
        try:
            t = time.monotonic()
            # The writer opens (and so verifies) the current generation once; everything below
            # plans, stages and compares against this one.
            base, notes = _open_base(store, settings)
            plan = plan_ingest(base, [Path(p) for p in paths], settings, prune, reprocess)
            if base is not None and plan.unchanged:
                notes += _reading_notes(base, settings, len(plan.unchanged))
            stages["plan"] = time.monotonic() - t
            t = time.monotonic()
            cache = ResultCache(store.root / "cache", processing_fingerprint(settings))
            results, reused = process_all(
                plan.to_process, settings, cache, map_batches, on_progress
            )
            stages["process"] = time.monotonic() - t
            report = plan.report(results, len(reused), started)
            report.words = sum(
                len(r.document.text.split())
                for r in results
                if isinstance(r, ProcessedDocument) and r.document.doc_id not in reused
            )
            report.warnings = (
                notes
                + _passed_over_notes(plan.passed_over)
                + _encoding_notes(results)
                + _language_notes(results)
            )
            if base is not None:
                report.generation, report.counts = base.name, dict(base.manifest.counts)
            t = time.monotonic()
            manifest = stage_results(store, base, settings, plan, results)
            stages["stage"] = time.monotonic() - t
            if manifest is not None:
                report.commit_steps = dict(store.stage_seconds)
                report.reused_file_of = gen_name(store.recycled) if store.recycled else None
                number = manifest.generation
                publish = True
                if gate is not None:
                    t = time.monotonic()
                    from kgqa.qa.ingest.gate import check_gate

                    # stage() just wrote and hashed these files: its manifest needs no re-check
                    candidate = Generation(store.root / gen_name(number), manifest)
                    report.gate = check_gate(base, candidate, settings, Path(gate))
                    publish = bool(report.gate["passed"])
                    stages["gate"] = time.monotonic() - t
                if publish:
                    t = time.monotonic()
                    store.publish(number, settings.keep_generations)
                    cache.discard([r.document for r in results if isinstance(r, ProcessedDocument)])
                    report.committed = True
                    report.generation, report.counts = gen_name(number), dict(manifest.counts)
                    stages["publish"] = time.monotonic() - t
                else:
                    report.staged = gen_name(number)
                    (store.root / report.staged / REJECTED).write_text(
                        f"the quality gate refused this generation: {report.gate}\n"
                    )
        except OSError as err:
            # Disk full, a read-only store...: the run stops (before its publish, the current
            # generation stays as it was) and still leaves a report saying why, when it can.
            report.error = f"{err.filename or store.root}: {err.strerror or err}"
            report.stages, report.seconds = stages, time.monotonic() - started
            with contextlib.suppress(OSError):
                finish_report(store, report)
            raise
        report.stages = stages
        report.seconds = time.monotonic() - started
        finish_report(store, report)
    return report
