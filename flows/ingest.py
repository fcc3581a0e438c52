"""The ingestion flow: per-document work as Prefect tasks, one writer commits."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qa.ingest import (
    Failure,
    IngestReport,
    batches,
    cached_processor,
    commit_results,
    plan_ingest,
)
from qa.settings import Settings
from qa.store import ProcessedDocument, Store
from qa.types import Document


@task(name="process-documents", cache_policy=NO_CACHE)
def process_documents(docs: list[Document], settings_json: str) -> list[ProcessedDocument | Failure]:
    """Split, extract and embed a batch of documents; models load once per worker process."""
    return cached_processor(settings_json).process_batch(docs)


def _process_all(docs: list[Document], settings: Settings, show_progress: bool
                 ) -> list[ProcessedDocument | Failure]:
    settings_json = settings.model_dump_json()
    groups = batches(docs, settings.batch_documents)
    in_flow = FlowRunContext.get() is not None
    results: list[ProcessedDocument | Failure] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, disable=not show_progress or not docs) as progress:
        bar = progress.add_task("processing documents", total=len(docs))
        if in_flow:
            futures = [process_documents.submit(group, settings_json) for group in groups]
            for group, future in zip(groups, futures):
                results += future.result()
                progress.advance(bar, len(group))
        else:
            for group in groups:
                results += process_documents.fn(group, settings_json)
                progress.advance(bar, len(group))
    return results


@flow(name="kgqa-ingest")
def ingest_flow(paths: list[str], prune: bool = False, settings: dict[str, Any] | None = None,
                show_progress: bool = True) -> dict[str, Any]:
    """Ingest files and folders into the store named by the settings; return the report."""
    started = time.monotonic()
    s = Settings.model_validate(settings or {})
    store = Store(s.store)
    with store.writer_lock(s.lock_wait_seconds):
        plan = plan_ingest(store, [Path(p) for p in paths], s, prune)
        results = _process_all(plan.to_process, s, show_progress)
        report: IngestReport = commit_results(store, s, plan, results, started)
    if FlowRunContext.get() is not None:
        get_run_logger().info("ingest report: %s", report.to_json())
    return report.to_json()
