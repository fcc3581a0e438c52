"""Per-document work in a child process, so a runaway document can really be stopped.

Threads cannot be interrupted inside blocking native code (a parser, a tokenizer), so the
time limit is enforced on a worker process: the parent waits for a batch's results (the batch's
documents share the models' passes), and when the limit passes it kills the worker and goes
through the batch document by document, so that only the runaway document is quarantined; a
fresh worker (which loads the models again) does the rest. A worker that dies on its own (out
of memory, a crash, killed) is restarted and its documents retried, each up to
``document_retries`` times.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import multiprocessing as mp
import os
import signal
import threading
from multiprocessing.connection import Connection
from typing import Any

from kgqa.kg.models import set_torch_threads
from kgqa.qa.ingest.child import ChildProcess, serve_messages
from kgqa.qa.ingest.process import DocumentProcessor, Failure, cached_processor
from kgqa.qa.ingest.tether import die_with_parent
from kgqa.qa.settings import Settings
from kgqa.qa.store import ProcessedDocument
from kgqa.qa.types import Document


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def allocations_from_the_heap() -> bool:
    """Serve allocations under 32 MB from glibc's heap, whatever the environment says. Dask's
    nanny starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``, and any such variable
    freezes glibc's mmap threshold at 128 KB: every activation then comes from fresh ``mmap``
    pages, and the page faults cost a model worker 30% or more of its speed (the same as the
    1 MB threshold kgqa used to set). False where there is no glibc."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    # M_MMAP_THRESHOLD at its largest (what glibc's own threshold grows to), M_TRIM_THRESHOLD
    # twice that (as glibc pairs them); the worker trims after each batch itself.
    return bool(mallopt(-3, 32 << 20)) and bool(mallopt(-1, 64 << 20))


def return_freed_memory() -> None:
    """Give the system back what glibc's heaps hold free (``malloc_trim``) after a batch, so
    an idle worker holds no activations. A batch's activations come from the heap and are
    reused within it: serving large allocations with ``mmap`` instead (the threshold at 1 MB)
    kept the peak 100 to 150 MB lower per worker but cost a page fault per fresh page,
    30% of a worker's speed (sys time 25% of the CPU), so kgqa bounds the peak with small
    relation and embedding batches instead (``relation_batch_size``, ``embed_batch_size``).
    The call takes a few milliseconds per batch. Nothing where there is no glibc."""
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)


# The environment variable that hands the fork server its settings (read by the preload module).
PRELOAD_SETTINGS = "KGQA_PRELOAD_SETTINGS"
_LOCK = threading.Lock()


def model_worker_context(settings_json: str | None = None) -> Any:
    """Model workers start from a fork server that has imported torch, transformers and spaCy
    (``kgqa.qa.ingest.preload``) and, when the server starts for ``settings_json`` (the first
    model worker of this process), loaded those settings' models: each worker shares those
    pages with the others instead of importing and loading them again, and starts in a
    fraction of the time. Where there is no fork (not POSIX), they are spawned."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    from multiprocessing import forkserver

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["kgqa.qa.ingest.preload"])
    if settings_json is None:
        return ctx
    with _LOCK:
        pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
        if pid is not None and _running(pid):
            # Running already: the environment is not touched again. A process started by
            # another thread while the environment changes (the isolated loader, say) can
            # read it half-written and fail to start (exit status 255, no message).
            forkserver.ensure_running()
            return ctx
        # The server reads the settings from its environment at start; it starts here (once
        # per process, in a few milliseconds: it loads the models on its own), and this
        # process's environment is left as it was.
        before = os.environ.get(PRELOAD_SETTINGS)
        os.environ[PRELOAD_SETTINGS] = settings_json
        try:
            forkserver.ensure_running()
        finally:
            if before is None:
                os.environ.pop(PRELOAD_SETTINGS, None)
            else:
                os.environ[PRELOAD_SETTINGS] = before
    return ctx


def _running(pid: int) -> bool:
    """Whether child ``pid`` has not exited, as ``forkserver.ensure_running`` sees it (a
    process whose threads are still dying is not yet: it is not started again then)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        return False


_EARLY: list[bool] = []


def start_workers_early(settings: Settings) -> None:
    """Start the model workers' fork server, which imports torch, transformers and spaCy and
    loads the models (about 6 s here) while the run plans, so that a small update does not
    wait for it after planning. Only where local workers will be used (a time limit is set).
    The server is started here, before planning starts the file loader, never from a thread
    beside it (see ``model_worker_context``)."""
    if settings.document_timeout_seconds <= 0:
        return
    model_worker_context(settings.model_dump_json())
    _EARLY.append(True)


def stop_unused_workers() -> None:
    """Stop a fork server started early that no worker came from (a run with nothing to
    process), at once: it would otherwise finish loading the models before noticing, holding
    the caller's output pipes open meanwhile."""
    started, _EARLY[:] = bool(_EARLY), []
    if not started or _ISOLATED:
        return
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if server is None or pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        server._stop()


def _serve(conn: Connection, settings_json: str, environment: dict[str, str], parent: int) -> None:
    die_with_parent(parent)
    # the fork server's environment is the one it started with: take the caller's of now
    os.environ.clear()
    os.environ.update(environment)
    allocations_from_the_heap()
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:
        pass
    # the models may come loaded from the fork server (preload), which set no thread count or
    # oneDNN cache for this environment
    set_torch_threads(Settings.model_validate_json(settings_json).torch_threads)
    processor = cached_processor(settings_json)

    def answer(kind: str, payload: Any) -> tuple[str, Any]:
        try:
            return work(kind, payload)
        finally:
            return_freed_memory()

    def work(kind: str, payload: Any) -> tuple[str, Any]:
        if kind == "embed":
            return ("ok", processor.embed(payload))
        if kind == "batch":  # failures inside are per document already
            return ("ok", processor.process_many(payload))
        try:
            return ("ok", processor.process_one(payload))
        except Exception as err:  # reported to the parent as this document's failure
            return ("error", f"{type(err).__name__}: {err}")

    serve_messages(conn, answer)


def time_limit(docs: list[Document], seconds: float, chars: int) -> float:
    """The time limit of processing ``docs`` together: ``seconds`` for each ``chars``
    characters (or part) of the longest, at least once. It stops a stuck worker, not a long
    document."""
    longest = max((len(d.text) for d in docs), default=0)
    return seconds * max(1, -(-longest // chars))


class IsolatedProcessor:
    """A DocumentProcessor in a child process with a per-document time limit."""

    def __init__(self, settings_json: str) -> None:
        self.settings_json = settings_json
        self.settings = Settings.model_validate_json(settings_json)
        self.timeout = self.settings.document_timeout_seconds
        self.child = ChildProcess(
            _serve,
            (settings_json, dict(os.environ)),
            "worker process",
            self.settings.worker_start_timeout_seconds,
            model_worker_context(settings_json),
        )

    @property
    def restarts(self) -> int:
        return self.child.restarts

    def close(self) -> None:
        self.child.close()

    def limit_for(self, docs: list[Document]) -> float:
        return time_limit(docs, self.timeout, self.settings.document_timeout_chars)

    def process_many(self, docs: list[Document]) -> list[ProcessedDocument | Failure]:
        """The batch in one message, so the worker parses and embeds its documents in shared
        passes (``DocumentProcessor.process_many``), under one document's time limit; when
        that pass passes the limit or its worker dies, one of the documents is at fault: each is
        then processed alone, under its own limit and retries, so that only that one is
        quarantined. Called by one thread at a time: the WorkerPool hands each worker to one
        batch."""
        if len(docs) > 1:
            status, payload = self.child.call(("batch", docs), self.limit_for(docs))
            if status == "ok":
                return list(payload)
        return self.process_each(docs)

    def process_each(self, docs: list[Document]) -> list[ProcessedDocument | Failure]:
        """Document by document, each under the time limit, a lost worker retried."""
        out: list[ProcessedDocument | Failure] = []
        for doc in docs:
            limit = self.limit_for([doc])
            status, payload = self.child.call(
                ("extract", doc), limit, self.settings.document_retries
            )
            if status == "ok":
                out.append(payload)
            elif status == "timeout":
                out.append(
                    Failure(
                        doc.source,
                        f"document {doc.doc_id!r} exceeded its time limit of {limit:g} s "
                        f"({self.timeout:g} s per {self.settings.document_timeout_chars:,} "
                        "characters, settings document_timeout_seconds and "
                        "document_timeout_chars) and was stopped; it is not retried",
                    )
                )
            elif status == "lost":
                out.append(
                    Failure(
                        doc.source,
                        f"document {doc.doc_id!r}: {payload} on every one of "
                        f"{self.settings.document_retries + 1} tries",
                    )
                )
            else:
                out.append(
                    Failure(doc.source, f"document {doc.doc_id!r} failed in processing: {payload}")
                )
        good = [p for p in out if isinstance(p, ProcessedDocument)]
        if good:
            limit = None if self.timeout is None else self.timeout * max(1, len(good))
            status, vectors = self.child.call(("embed", good), limit)
            if status != "ok":
                raise RuntimeError(f"embedding a batch of {len(good)} documents failed ({status})")
            DocumentProcessor.attach_vectors(good, vectors)
        return out


def worker_count(settings: Settings) -> int:
    """Model worker processes for local ingestion: the setting ``workers``, or one per CPU core
    this process may use (0)."""
    if settings.workers:
        return settings.workers
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class WorkerPool:
    """Up to ``worker_count`` isolated workers, started as batches need them: a batch takes a
    free worker (or starts one), so concurrent tasks use every core, one torch thread each."""

    def __init__(self, settings_json: str) -> None:
        self.settings_json = settings_json
        self.size = worker_count(Settings.model_validate_json(settings_json))
        self.free: list[IsolatedProcessor] = []
        self.started: list[IsolatedProcessor] = []
        self._changed = threading.Condition()

    def process_many(self, docs: list[Document]) -> list[ProcessedDocument | Failure]:
        worker = self._acquire()
        try:
            return worker.process_many(docs)
        finally:
            with self._changed:
                self.free.append(worker)
                self._changed.notify()

    def _acquire(self) -> IsolatedProcessor:
        with self._changed:
            while not self.free and len(self.started) >= self.size:
                self._changed.wait()
            if self.free:
                return self.free.pop()
            worker = IsolatedProcessor(self.settings_json)
            self.started.append(worker)
            return worker

    @property
    def restarts(self) -> int:
        return sum(w.restarts for w in self.started)

    def close(self) -> None:
        for worker in self.started:
            worker.close()


_ISOLATED: dict[str, WorkerPool] = {}


_ISOLATED_LOCK = threading.Lock()


@atexit.register
def close_workers() -> None:
    """Stop this process's ingest workers (at exit; a benchmark, to count their usage)."""
    for pool in _ISOLATED.values():
        pool.close()


def isolated_processor(settings_json: str) -> WorkerPool:
    """The workers of this process, kept while the processing settings stay the same (so models
    load once per worker, not per task); one pool lives at a time."""
    from kgqa.qa.ingest.cache import processing_fingerprint

    settings = Settings.model_validate_json(settings_json)
    key = (
        f"{processing_fingerprint(settings)}:{settings.document_timeout_seconds}:"
        f"{settings.document_retries}:{settings.device}:{worker_count(settings)}"
    )
    with _ISOLATED_LOCK:
        if key not in _ISOLATED:
            for old in _ISOLATED.values():
                old.close()
            _ISOLATED.clear()
            _ISOLATED[key] = WorkerPool(settings_json)
        return _ISOLATED[key]


def process_group(docs: list[Document], settings_json: str) -> list[ProcessedDocument | Failure]:
    """Process a group of documents with this process's models: in the isolated workers when
    ``document_timeout_seconds`` is set (so a runaway document can be killed), else here."""
    settings = Settings.model_validate_json(settings_json)
    if settings.document_timeout_seconds > 0:
        return isolated_processor(settings_json).process_many(docs)
    return cached_processor(settings_json).process_many(docs)
