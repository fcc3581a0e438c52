"""The progress bar that ingestion shows on the console."""

from __future__ import annotations

from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from kgqa.qa.ingest.pipeline import ProgressCallback


class ProgressBar:
    """A rich progress bar fed by the ingestion pipeline's progress callback (nothing when disabled)."""

    def __init__(self, enabled: bool) -> None:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())
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
                self.bar = self.progress.add_task("processing documents", total=total)
            self.progress.update(self.bar, completed=done)
        return on_progress

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()
