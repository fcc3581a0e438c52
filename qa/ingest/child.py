"""A child process that answers messages over a pipe, with a time limit per call: the
machinery the document workers and the isolated file loader share."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from typing import Any


def serve_messages(conn: Connection, answer: Callable[[str, Any], tuple[str, Any]]) -> None:
    """A child's side of ChildProcess, once it is set up: say it is ready, then answer each
    (kind, payload) message until the parent sends None."""
    conn.send(("ready", None))
    while True:
        message = conn.recv()
        if message is None:
            return
        conn.send(answer(*message))


class ChildProcess:
    """One child process that serves messages over a pipe. ``target(conn, *args, parent_pid)``
    sends ("ready", None) once set up, then answers each message. A call that passes its time
    limit kills the child; the next call starts a fresh one. Children are spawned (a fresh
    interpreter) unless ``context`` says otherwise."""

    def __init__(
        self,
        target: Callable[..., None],
        args: tuple[Any, ...],
        what: str,
        start_timeout: float,
        context: Any = None,
    ) -> None:
        self.context = context or mp.get_context("spawn")
        self.target = target
        self.args = args
        self.what = what
        self.start_timeout = start_timeout
        self._proc: Any = None
        self._conn: Connection | None = None
        self.restarts = 0

    def _start(self) -> Connection:
        if self._proc is not None and self._proc.is_alive() and self._conn is not None:
            return self._conn
        ctx = self.context
        parent, child = ctx.Pipe()
        self._proc = ctx.Process(
            target=self.target, args=(child, *self.args, os.getpid()), daemon=True
        )
        self._proc.start()
        self._conn = parent
        # ready, dead (a failed start need not wait out the limit), or neither in time
        ready = wait_for([parent, self._proc.sentinel], self.start_timeout)
        if not parent.poll():
            if self._proc.sentinel in ready:
                # it has ended, but its exit status can lag behind the sentinel: reap it
                self._proc.join(5)
            code = self._proc.exitcode
            self._kill()
            if code is not None:
                # 255 with nothing printed: the process could not be started at all
                raise RuntimeError(
                    f"the {self.what} exited with status {code} while starting (any error "
                    "it printed is above); if this happens again, please report it"
                )
            raise RuntimeError(
                f"the {self.what} did not start in time (setting worker_start_timeout_seconds)"
            )
        parent.recv()
        return parent

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(5)
        self._proc = None
        self._conn = None
        self.restarts += 1

    def close(self) -> None:
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            try:
                self._conn.send(None)
                self._proc.join(5)
            except (OSError, EOFError):
                pass
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
        self._proc = None
        self._conn = None

    def call(
        self, message: tuple[str, Any], limit: float | None, retries: int = 0
    ) -> tuple[str, Any]:
        """The child's answer, ("lost", why) if it died on each of ``retries`` + 1 tries (a
        fresh child each time), or ("timeout", None) if ``limit`` seconds passed (it is killed
        then; a timeout is not retried)."""
        for _ in range(retries):
            status, payload = self._call_once(message, limit)
            if status != "lost":
                return status, payload
        return self._call_once(message, limit)

    def _call_once(self, message: tuple[str, Any], limit: float | None) -> tuple[str, Any]:
        conn = self._start()
        conn.send(message)
        deadline = None if limit is None else time.monotonic() + limit
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                if conn.poll(wait if wait is not None else 1.0):
                    return conn.recv()
            except (EOFError, OSError):
                self._kill()
                return ("lost", f"the {self.what} died")
            if self._proc is None or not self._proc.is_alive():
                self._kill()
                return ("lost", f"the {self.what} died")
            if deadline is not None and time.monotonic() >= deadline:
                self._kill()
                return ("timeout", None)
