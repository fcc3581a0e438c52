"""Stopping work whose result nobody will read.

The HTTP API runs each computation in a thread with a deadline; when the deadline passes (the
client got its 504) or the client disconnects, the thread cannot be killed, but it can stop at
the next checkpoint. Long loops (the reader's window batches) call ``checkpoint()``; outside a
``cancellable`` block it does nothing, so the CLI and the library pay nothing for it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

from kgqa.qa.types import QAError


class Cancelled(QAError):
    """The work was abandoned: its deadline passed or its client went away."""


_local = threading.local()


@contextlib.contextmanager
def cancellable(stop: threading.Event, deadline: float) -> Iterator[None]:
    """Within this block, ``checkpoint()`` raises Cancelled once ``stop`` is set or the
    ``time.monotonic()`` deadline has passed."""
    previous = getattr(_local, "limit", None)
    _local.limit = (stop, deadline)
    try:
        yield
    finally:
        _local.limit = previous


def checkpoint() -> None:
    limit = getattr(_local, "limit", None)
    if limit is None:
        return
    stop, deadline = limit
    if stop.is_set():
        raise Cancelled("the client went away or its time limit passed")
    if time.monotonic() >= deadline:
        raise Cancelled("the time limit of the request passed")
