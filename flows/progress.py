"""The progress bar that ingestion shows on the console."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from kgqa.qa.ingest import pipeline
from kgqa.qa.ingest.pipeline import ProgressCallback
from kgqa.qa.ingest.report import IngestReport
from kgqa.qa.settings import Settings


class ProgressBar:
    """A rich progress bar fed by the ingestion pipeline's progress callback (nothing when
    disabled)."""

    def __init__(self, enabled: bool) -> None:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
        )
        self.enabled = enabled
        self.progress = Progress(*columns, disable=not enabled)
        self.bar: Any = None

    def __enter__(self) -> ProgressCallback | None:
        if not self.enabled:
            return None
        self.progress.start()

        def on_progress(done: int, total: int) -> None:
            if self.bar is None:
                if total == 0:
                    return
                self.bar = self.progress.add_task(
                    "processing documents (long ones in pieces)",
                    total=total,
                    rate="",
                    start_done=done,
                )
            task = self.progress.tasks[self.bar]
            # documents from the cache do not count; a long document counts once per piece
            fresh = done - task.fields["start_done"]
            rate = f"{fresh / task.elapsed:.1f}/s" if task.elapsed and fresh else ""
            self.progress.update(self.bar, completed=done, rate=rate)

        return on_progress

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def run_with_progress(
    paths: list[str],
    settings: Settings,
    *,
    prune: bool,
    show_progress: bool,
    gate: str | None,
    map_batches: pipeline.BatchMapper = pipeline.map_on_workers,
    reprocess: bool = False,
) -> IngestReport:
    """The ingestion flow's work (``pipeline.run`` under a progress bar): called by the Prefect
    flow, and directly by ``kgqa ingest --no-prefect``."""
    with ProgressBar(show_progress) as on_progress:
        return pipeline.run(
            paths,
            settings,
            prune=prune,
            gate=Path(gate) if gate else None,
            map_batches=map_batches,
            on_progress=on_progress,
            reprocess=reprocess,
        )
