"""kgqa ingest and kgqa schedule."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from kgqa.flows.cli.common import (
    JsonOpt,
    StoreOpt,
    app,
    cli_settings,
    console,
    err_console,
    fail,
    guard,
    quiet_model_loading,
)
from kgqa.qa.ingest.loaders import LOADERS

if TYPE_CHECKING:
    from kgqa.qa.ingest.report import IngestReport


@app.command()
@guard
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help=f"Files or folders ({' '.join(LOADERS.names())}).")
    ],
    store: StoreOpt = None,
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = False,
    reprocess: Annotated[
        bool,
        typer.Option(
            "--reprocess",
            help="Read the documents already in the store again, changed or not (after a "
            "change of models or settings).",
        ),
    ] = False,
    wait: Annotated[
        float | None,
        typer.Option(help="Seconds to wait for another writer (setting lock_wait_seconds)."),
    ] = None,
    skip_if_busy: Annotated[
        bool | None,
        typer.Option("--skip-if-busy", help="Skip (logged) when another ingest holds the store."),
    ] = None,
    follow_links: Annotated[
        bool | None,
        typer.Option(
            "--follow-links",
            help="Follow symbolic links that lead out of a folder given (setting follow_links).",
        ),
    ] = None,
    runner: Annotated[str | None, typer.Option(help="local or dask.")] = None,
    dask_address: Annotated[
        str | None,
        typer.Option(help="Dask scheduler tcp://HOST:PORT (default: start a local cluster)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Worker processes: model workers of the local runner (setting workers; "
            "default one per core), or the local Dask cluster's workers (setting dask_workers).",
        ),
    ] = None,
    gate: Annotated[
        Path | None,
        typer.Option(help="SQuAD-format questions; keep the old generation if recall@5 drops."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
    prefect: Annotated[
        bool | None,
        typer.Option(
            "--prefect/--no-prefect",
            help="Run as a Prefect flow, or call the same flow code "
            "directly (no Prefect server). Default (setting prefect unset): a flow when a Prefect "
            "server is configured (PREFECT_API_URL) or --runner dask, else directly.",
        ),
    ] = None,
    as_json: JsonOpt = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Show Prefect's own log lines.")
    ] = False,
) -> None:
    """Ingest documents into the store (a Prefect flow); unchanged documents are skipped."""
    settings = cli_settings(
        store=store,
        lock_wait_seconds=wait,
        skip_if_busy=skip_if_busy,
        runner=runner,
        dask_address=dask_address,
        dask_workers=workers,
        workers=workers,
        prefect=prefect,
        follow_links=follow_links,
    )
    if gate is not None and not gate.is_file():
        fail(f"{gate}: no such file (--gate)")
    from kgqa.qa.store import Store

    if settings.prefect is False and settings.runner == "dask":
        fail(
            "the Dask runner runs through Prefect: drop --no-prefect (or KGQA_PREFECT=false), "
            "or use the local runner"
        )
    use_prefect = through_prefect(settings)
    Store(settings.store).check_writable()  # before Prefect starts: one line, no traceback
    quiet_model_loading()
    sources = [str(p) for p in paths]
    show = progress and not as_json
    gate_file = None if gate is None else str(gate)
    report = run_ingestion(
        sources,
        settings,
        use_prefect,
        prune=prune,
        show_progress=show,
        gate=gate_file,
        verbose=verbose,
        reprocess=reprocess,
    )
    if as_json:
        print(json.dumps(report.to_json()))
    else:
        print_report(report)
    if report.failed and not report.committed and not report.unchanged:
        raise typer.Exit(1)
    if report.staged:
        raise typer.Exit(3)
    if report.failed:
        raise typer.Exit(4)  # committed, but some files failed (kgqa --help: exit status)


def through_prefect(settings: Any) -> bool:
    """Whether a one-off ingest runs as a Prefect flow: as the setting says, else (unset) when
    a Prefect server is configured or the runner is Dask; says so in one line when it does
    not."""
    if settings.prefect is not None:
        return bool(settings.prefect)
    from kgqa.flows import prefect_server_configured

    if settings.runner == "dask" or prefect_server_configured():
        return True
    err_console.print(
        "Running the ingestion flow's code directly: no Prefect server is "
        "configured (PREFECT_API_URL). --prefect runs it as a Prefect flow, "
        "starting a temporary server.",
        highlight=False,
    )
    return False


def run_ingestion(
    sources: list[str],
    settings: Any,
    use_prefect: bool,
    *,
    prune: bool,
    show_progress: bool,
    gate: str | None = None,
    verbose: bool = False,
    reprocess: bool = False,
) -> IngestReport:
    """One ingest, as a Prefect flow or as the flow's code called directly; its report."""
    how: dict[str, Any] = {
        "prune": prune,
        "show_progress": show_progress,
        "gate": gate,
        "reprocess": reprocess,
    }
    if use_prefect:
        quiet_prefect(verbose)
        from kgqa.flows.ingest import run_ingest
        from kgqa.qa.ingest.report import IngestReport

        return IngestReport.from_json(run_ingest(sources, settings, **how))
    from kgqa.flows.progress import run_with_progress

    return run_with_progress(sources, settings, **how)


@app.command()
@guard
def schedule(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest on each run.")],
    cron: Annotated[str, typer.Option(help='Cron schedule, e.g. "0 * * * *" (hourly).')],
    name: Annotated[str, typer.Option(help="Deployment name.")] = "kgqa-scheduled-ingest",
    store: StoreOpt = None,
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = True,
    gate: Annotated[Path | None, typer.Option(help="SQuAD-format gate questions.")] = None,
    wait: Annotated[
        float | None,
        typer.Option(help="Seconds a run waits for another writer before skipping."),
    ] = None,
) -> None:
    """Serve the ingestion flow on a cron schedule (Prefect's serve; runs until stopped).

    A run that finds another ingest writing waits up to --wait seconds, then skips with a
    logged reason: scheduled runs never interleave writes.
    """
    from prefect.schedules import Cron

    try:
        Cron(cron)
    except ValueError as err:
        fail(f"--cron {cron!r} is not a valid cron expression: {err}")
    settings = cli_settings(store=store, lock_wait_seconds=wait, skip_if_busy=True)
    quiet_model_loading()
    from kgqa.flows import tether_prefect_server
    from kgqa.flows.ingest import dask_task_runner, ingest_flow

    tether_prefect_server()
    flow_ = ingest_flow
    if settings.runner == "dask":
        flow_ = ingest_flow.with_options(task_runner=dask_task_runner(settings))
        settings = settings.model_copy(update={"workers": 1})  # one model worker per Dask worker
    sources = [str(p.resolve()) for p in paths]
    console.print(
        f"serving {name}: ingest {', '.join(sources)} into {settings.store} on "
        f"cron {cron!r}; Ctrl-C stops"
    )
    flow_.serve(
        name=name,
        cron=cron,
        parameters={
            "paths": sources,
            "prune": prune,
            "show_progress": False,
            "settings": settings.model_copy(update={"store": settings.store.resolve()}).model_dump(
                mode="json"
            ),
            "gate": None if gate is None else str(gate.resolve()),
        },
    )


def quiet_prefect(verbose: bool) -> None:
    """A one-off run prints kgqa's own summary and one line per failure; Prefect's console
    lines (its INFO "Starting temporary server" and "View at ...", and the ERROR traceback of a
    failed run, which kgqa's own line already says) only with --verbose. What Prefect sends to
    its API (the run's logs in its UI) is unchanged. Scheduled runs keep Prefect's logging."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


def print_report(report: IngestReport) -> None:
    if report.skipped:
        console.print(f"[yellow]skipped[/]: {escape(report.skipped)}")
        return
    c = report.counts
    console.print(
        f"[bold]ingest[/]: {report.new} new, {report.changed} changed, "
        f"{report.unchanged} unchanged, {report.removed} removed, "
        f"{len(report.failed)} failed in {report.seconds:.1f} s"
        + (
            f" ({report.rate(report.processed):g} documents/s, {report.rate(report.words):g} "
            "words/s)"
            if report.processed
            else ""
        )
    )
    if c:
        console.print(
            f"store {report.generation}: {c['documents']} documents, {c['passages']} "
            f"passages, {c['nodes']} entities, {c['edges']} edges"
            + ("" if report.committed else " (nothing to commit)")
        )
    for f in report.failed:
        err_console.print(
            f"[yellow]failed[/] {escape(f.where)}: {escape(f.reason)}", highlight=False
        )
    for warning in report.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    if report.gate:
        g = report.gate
        verdict = "passed" if g["passed"] else f"[red]failed[/]: {report.staged} kept, not current"
        console.print(f"gate recall@5 {g['recall@5']} (current {g['current_recall@5']}): {verdict}")
