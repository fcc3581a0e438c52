"""Reading and parsing input files under the same killable time limit as processing.

A hostile or broken file (a parser trap, a decompression bomb) must not hang planning while the
run holds the store's write lock, nor exhaust its memory. With ``document_timeout_seconds`` set,
each file is read and parsed in a light child process (no models: it imports the loaders and
the plugins only) whose address space is capped at ``loader_memory_mb``; a file that passes
either limit is stopped, quarantined with the reason, and the batch goes on. With 0, files are
read here, with no limit.
"""

from __future__ import annotations

import contextlib
import resource
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from kgqa.qa.ingest.child import ChildProcess, serve_messages
from kgqa.qa.ingest.loaders import SourceFile, load_file
from kgqa.qa.ingest.tether import die_with_parent
from kgqa.qa.plugins import import_plugins
from kgqa.qa.settings import Settings
from kgqa.qa.types import Document, InputError

Loaded = list[Document | InputError]


def _read(src: SourceFile, settings: Settings) -> Loaded:
    return list(
        load_file(
            src, settings.max_document_bytes, settings.read_retries, settings.retry_backoff_seconds
        )
    )


def _serve_loads(conn: Connection, settings_json: str, parent: int) -> None:
    die_with_parent(parent)
    settings = Settings.model_validate_json(settings_json)
    limit = settings.loader_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import_plugins(settings.plugins)

    def answer(_: str, src: SourceFile) -> tuple[str, Any]:
        # Errors travel as (where, reason): exception objects need not survive pickling.
        return (
            "ok",
            [
                item if isinstance(item, Document) else (item.where, item.reason)
                for item in _read(src, settings)
            ],
        )

    serve_messages(conn, answer)


class IsolatedLoader:
    """Loads files in a child process, each within ``document_timeout_seconds``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.timeout = settings.document_timeout_seconds
        self.child = ChildProcess(
            _serve_loads,
            (settings.model_dump_json(),),
            "loader process",
            settings.worker_start_timeout_seconds,
        )

    def __call__(self, src: SourceFile) -> Loaded:
        where = str(src.path)
        tries = self.settings.document_retries + 1
        status, payload = self.child.call(("load", src), self.timeout, tries - 1)
        if status == "ok":
            return [item if isinstance(item, Document) else InputError(*item) for item in payload]
        if status == "timeout":
            return [
                InputError(
                    where,
                    f"reading and parsing took over {self.timeout:g} s "
                    "(setting document_timeout_seconds); the file was "
                    "stopped and skipped",
                )
            ]
        return [
            InputError(
                where,
                f"the loader process died reading it on every one of {tries} "
                f"tries (over loader_memory_mb = {self.settings.loader_memory_mb}"
                " MB, or a parser crash); the file was skipped",
            )
        ]

    def close(self) -> None:
        self.child.close()


@contextlib.contextmanager
def file_loader(settings: Settings) -> Iterator[Callable[[SourceFile], Loaded]]:
    """The way this run reads files: isolated with a time limit, or here without one."""
    if settings.document_timeout_seconds <= 0:
        yield lambda src: _read(src, settings)
        return
    loader = IsolatedLoader(settings)
    try:
        yield loader
    finally:
        loader.close()
