"""Admission for the model-bound routes: compute slots and a queue, the request time limit,
and work stopped at checkpoints once its client has had its 504 or gone."""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from fastapi import Request

from kgqa.qa.cancel import Cancelled, cancellable, checkpoint
from kgqa.qa.serve.guards import HttpError
from kgqa.qa.settings import Settings


class ComputeSlots:
    """Admission control for the model-bound routes: ``concurrency`` requests compute at once,
    at most ``queue`` more wait; anything past that is refused at once (503, Retry-After)
    rather than waiting to time out. Work whose request already timed out is never started."""

    def __init__(self, concurrency: int, queue: int) -> None:
        self.slots = threading.Semaphore(concurrency)
        self.limit = concurrency + queue
        self.admitted = 0
        self.lock = threading.Lock()

    def admit(self) -> bool:
        with self.lock:
            if self.admitted >= self.limit:
                return False
            self.admitted += 1
            return True

    def release(self) -> None:
        with self.lock:
            self.admitted -= 1

    @property
    def saturated(self) -> bool:
        return self.admitted >= self.limit


_CANCELLED = object()


async def _watch(request: Request, stop: threading.Event) -> None:
    """Set ``stop`` when the client of ``request`` disconnects."""
    while not stop.is_set():
        if await request.is_disconnected():
            stop.set()
            return
        await asyncio.sleep(0.2)


class Runner(Protocol):
    def __call__(self, fn: Callable[[], Any], request: Request | None = None) -> Awaitable[Any]: ...


def compute_runner(settings: Settings, compute: ComputeSlots) -> Runner:
    """The coroutine the routes run their work through (see ``run``)."""

    async def run(fn: Callable[[], Any], request: Request | None = None) -> Any:
        """``fn`` in a compute slot, within the request time limit. Work whose client has had
        its 504, or (given ``request``) has gone, is never started, and stops at the next
        checkpoint (between the reader's window batches) if it has."""
        if not compute.admit():
            raise HttpError(
                503,
                "kgqa is busy: every compute slot and queue place is taken; retry "
                "shortly (settings serve_concurrency, serve_queue)",
                retry_after=1,
            )
        deadline = time.monotonic() + settings.request_timeout_seconds
        stop = threading.Event()

        def guarded() -> Any:
            try:
                with compute.slots, cancellable(stop, deadline):
                    checkpoint()
                    return fn()
            except Cancelled:
                return _CANCELLED  # a value, not an error: nobody may be waiting to catch it
            finally:
                compute.release()

        watcher = asyncio.create_task(_watch(request, stop)) if request is not None else None
        try:
            result = await asyncio.wait_for(
                asyncio.shield(asyncio.to_thread(guarded)), settings.request_timeout_seconds
            )
            if result is _CANCELLED:
                raise TimeoutError
            return result
        except TimeoutError:
            raise HttpError(
                504,
                f"the request took over {settings.request_timeout_seconds} s "
                "(setting request_timeout_seconds)",
            ) from None
        finally:
            stop.set()
            if watcher is not None:
                watcher.cancel()

    return run
