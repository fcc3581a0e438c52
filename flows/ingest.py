"""The ingestion flow: a thin Prefect flow around ``kgqa.qa.ingest.pipeline.run``.

Prefect adds what an orchestrator is for: per-batch tasks that fan out over threads or Dask
workers (with retries), the run's log, and the report as a markdown artifact. The work itself
is the pipeline's, so ``pipeline.run`` gives the same store without Prefect.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.tasks import exponential_backoff

from kgqa.flows import api_for_child_processes, prefect_defaults, tether_prefect_server
from kgqa.flows.progress import run_with_progress
from kgqa.qa.ingest import pipeline
from kgqa.qa.ingest.worker import process_group
from kgqa.qa.settings import Settings
from kgqa.qa.types import Document, QAError


@task(
    name="process-documents",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
)
def process_documents(docs: list[Document], settings_json: str) -> list[pipeline.Result]:
    """Split, extract and embed a batch of documents; models load once per worker process."""
    return process_group(docs, settings_json)


def _task_mapper(retries: int) -> pipeline.BatchMapper:
    """Submit every batch as a Prefect task at once; yield their results in order."""

    def map_batches(
        groups: list[list[Document]], settings_json: str
    ) -> Iterable[list[pipeline.Result]]:
        runner = process_documents.with_options(retries=retries)
        pending = [runner.submit(group, settings_json) for group in groups]
        return (future.result() for future in pending)

    return map_batches


@flow(name="kgqa-ingest")
def ingest_flow(
    paths: list[str],
    prune: bool = False,
    settings: dict[str, Any] | None = None,
    show_progress: bool = True,
    gate: str | None = None,
    reprocess: bool = False,
) -> dict[str, Any]:
    """Ingest files and folders into the store named by the settings; return the report.
    ``reprocess``: read the documents already in the store again, changed or not (after a
    change of models or settings).

    With ``gate`` (a SQuAD-format file about the corpus), the new generation becomes current
    only if its retrieval recall@5 on those questions is not more than ``gate_tolerance`` below
    the current generation's; otherwise it is kept, not current, for inspection.
    """
    s = Settings.model_validate(settings or {})
    in_flow = FlowRunContext.get() is not None
    mapper = _task_mapper(s.task_retries) if in_flow else pipeline.map_on_workers
    report = run_with_progress(
        paths,
        s,
        prune=prune,
        show_progress=show_progress,
        gate=gate,
        map_batches=mapper,
        reprocess=reprocess,
    )
    if in_flow:
        log = get_run_logger()
        if report.skipped:
            log.info("skipped: %s", report.skipped)
        if report.staged:
            log.info(
                "gate failed: %s kept for inspection, %s stays current",
                report.staged,
                report.generation,
            )
        log.info("ingest report: %s", report.to_json())
        create_markdown_artifact(
            report.markdown(), key="kgqa-ingest-report", description="kgqa ingestion report"
        )
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
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": settings.dask_workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        }
    )


def run_ingest(
    paths: list[str],
    settings: Settings,
    prune: bool = False,
    show_progress: bool = True,
    gate: str | None = None,
    reprocess: bool = False,
) -> dict[str, Any]:
    """Run the flow with the task runner the settings name (the CLI's entry point). When the
    temporary Prefect server does not come up, it is tried once more, then the error says
    what to do in one line."""
    prefect_defaults()
    tether_prefect_server()
    flow_ = ingest_flow
    if settings.runner == "dask":
        flow_ = ingest_flow.with_options(task_runner=dask_task_runner(settings))
        settings = settings.model_copy(update={"workers": 1})  # one model worker per Dask worker
    # the local cluster's workers report to this process's server, not their own
    local_dask = settings.runner == "dask" and not settings.dask_address
    for attempt in (1, 2):
        try:
            with api_for_child_processes() if local_dask else nullcontext():
                return flow_(
                    paths,
                    prune=prune,
                    settings=settings.model_dump(mode="json"),
                    show_progress=show_progress,
                    gate=gate,
                    reprocess=reprocess,
                )
        except RuntimeError as err:
            if "ephemeral Prefect API server" not in str(err):
                raise
            if attempt == 2:
                raise QAError(
                    "Prefect's temporary server did not start in time (twice; the machine is "
                    "busy): start one with `prefect server start` and set PREFECT_API_URL="
                    "http://127.0.0.1:4200/api, or raise "
                    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
                ) from None
    raise AssertionError("unreachable")


__all__ = ["dask_task_runner", "ingest_flow", "process_documents", "run_ingest"]
