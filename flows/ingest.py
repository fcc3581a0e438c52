"""The ingestion flow: per-document work as Prefect tasks (threads, or Dask workers), one
writer stages the next generation, an optional quality gate, then the atomic switch."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.tasks import exponential_backoff
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qa.cache import ResultCache, processing_fingerprint
from qa.ingest import (
    Failure,
    IngestReport,
    batches,
    cached_processor,
    finish_report,
    plan_ingest,
    report_for,
    stage_results,
)
from qa.settings import Settings
from qa.store import Generation, ProcessedDocument, Store, StoreError, gen_name
from qa.types import Document


def _process(docs: list[Document], settings_json: str) -> list[ProcessedDocument | Failure]:
    settings = Settings.model_validate_json(settings_json)
    if settings.document_timeout_seconds > 0:
        from qa.worker import isolated_processor

        return isolated_processor(settings_json).process_batch(docs)
    return cached_processor(settings_json).process_batch(docs)


@task(name="process-documents", cache_policy=NO_CACHE, retries=2,
      retry_delay_seconds=exponential_backoff(backoff_factor=2))
def process_documents(docs: list[Document], settings_json: str) -> list[ProcessedDocument | Failure]:
    """Split, extract and embed a batch of documents; models load once per worker process."""
    return _process(docs, settings_json)


def _process_all(docs: list[Document], settings: Settings, cache: ResultCache,
                 show_progress: bool) -> tuple[list[ProcessedDocument | Failure], int]:
    """Results for ``docs``: from the cache where a killed run finished them, else computed.
    Returns the results and how many came from the cache."""
    settings_json = settings.model_dump_json()
    done: dict[str, ProcessedDocument | Failure] = {}
    todo: list[Document] = []
    for doc in docs:
        hit = cache.get(doc)
        if hit is not None:
            done[doc.doc_id] = hit
        else:
            todo.append(doc)
    reused = len(done)
    groups = batches(todo, settings.batch_documents)
    in_flow = FlowRunContext.get() is not None
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, disable=not show_progress or not docs) as progress:
        bar = progress.add_task("processing documents", total=len(docs), completed=reused)
        if in_flow:
            runner = process_documents.with_options(retries=settings.task_retries)
            pending = [runner.submit(group, settings_json) for group in groups]
            outcomes = ((group, future.result()) for group, future in zip(groups, pending))
        else:
            outcomes = ((group, process_documents.fn(group, settings_json)) for group in groups)
        for group, outcome in outcomes:
            for doc, item in zip(group, outcome):
                if isinstance(item, ProcessedDocument):
                    cache.put(item)  # finished work survives a killed run
                done[doc.doc_id] = item
            progress.advance(bar, len(group))
    # Input order, however the work was split, so a resumed run commits what a clean run would.
    return [done[doc.doc_id] for doc in docs], reused


@flow(name="kgqa-ingest")
def ingest_flow(paths: list[str], prune: bool = False, settings: dict[str, Any] | None = None,
                show_progress: bool = True, gate: str | None = None) -> dict[str, Any]:
    """Ingest files and folders into the store named by the settings; return the report.

    With ``gate`` (a SQuAD-format file about the corpus), the new generation becomes current
    only if its retrieval recall@5 on those questions is not more than ``gate_tolerance`` below
    the current generation's; otherwise it is kept, not current, for inspection.
    """
    started = time.monotonic()
    s = Settings.model_validate(settings or {})
    store = Store(s.store)
    in_flow = FlowRunContext.get() is not None
    log = get_run_logger().info if in_flow else (lambda *a: None)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(store.writer_lock(s.lock_wait_seconds))
        except StoreError as err:
            if not s.skip_if_busy:
                raise
            report = IngestReport(0, 0, 0, 0, [], store.current_name(), False, {}, 0.0,
                                  skipped=str(err))
            log("skipped: %s", err)
            return finish_report(store, report).to_json()
        stages: dict[str, float] = {}
        t = time.monotonic()
        plan = plan_ingest(store, [Path(p) for p in paths], s, prune)
        stages["plan"] = time.monotonic() - t
        t = time.monotonic()
        cache = ResultCache(store.root / "cache", processing_fingerprint(s))
        results, reused = _process_all(plan.to_process, s, cache, show_progress)
        stages["process"] = time.monotonic() - t
        report = report_for(plan, results, reused, started)
        t = time.monotonic()
        number = stage_results(store, s, plan, results)
        stages["stage"] = time.monotonic() - t
        if number is not None:
            publish = True
            if gate is not None:
                t = time.monotonic()
                current = store.open() if store.exists() else None
                candidate = Generation(store.root / gen_name(number),
                                       store.verify(store.root / gen_name(number)))
                from qa.gate import check_gate

                report.gate = check_gate(current, candidate, s, Path(gate))
                publish = bool(report.gate["passed"])
                stages["gate"] = time.monotonic() - t
            if publish:
                t = time.monotonic()
                store.publish(number, s.keep_generations)
                cache.discard([r.document for r in results if isinstance(r, ProcessedDocument)])
                report.committed = True
                stages["publish"] = time.monotonic() - t
            else:
                report.staged = gen_name(number)
                log("gate failed: %s kept for inspection, %s stays current", gen_name(number),
                    store.current_name())
        report.stages = stages
        report.seconds = time.monotonic() - started
        finish_report(store, report)
    if in_flow:
        log("ingest report: %s", report.to_json())
        create_markdown_artifact(report.markdown(), key="kgqa-ingest-report",
                                 description="kgqa ingestion report")
    return report.to_json()


def dask_task_runner(settings: Settings) -> Any:
    """prefect-dask's runner: the cluster at ``dask_address``, or a local one of
    ``dask_workers`` single-threaded worker processes."""
    import dask
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    # Worker processes must be allowed children: the per-document time limit runs each
    # document in a child process it can kill.
    dask.config.set({"distributed.worker.daemon": False})
    return DaskTaskRunner(cluster_kwargs={"n_workers": settings.dask_workers,
                                          "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})


def run_ingest(paths: list[str], settings: Settings, prune: bool = False,
               show_progress: bool = True, gate: str | None = None) -> dict[str, Any]:
    """Run the flow with the task runner the settings name (the CLI's entry point)."""
    flow_ = ingest_flow
    if settings.runner == "dask":
        flow_ = ingest_flow.with_options(task_runner=dask_task_runner(settings))
    return flow_(paths, prune=prune, settings=settings.model_dump(mode="json"),
                 show_progress=show_progress, gate=gate)
