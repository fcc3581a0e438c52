"""Child processes that end with the process that started them.

A parent killed with SIGKILL cannot stop its children, and a child left behind holds models or a
port for nothing. ``die_with_parent`` is a watchdog thread for children kgqa runs itself (the
per-document worker); ``python -m kgqa.qa.ingest.tether PARENT_PID MODULE ARGS...`` runs any
Python module (Prefect's temporary uvicorn server, say) under the same watchdog.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time


def _identity(pid: int) -> str | None:
    """The start time of process ``pid`` (so a reused pid is not taken for it), or None when
    there is no such process or it is a zombie (dead, not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        if not os.path.isdir("/proc/self"):  # no procfs: only whether the pid exists
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return None
            except PermissionError:
                pass
            return "?"
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def die_with_parent(parent: int, every: float = 0.5) -> None:
    """Exit this process as soon as ``parent`` is gone. (A watchdog thread rather than
    PR_SET_PDEATHSIG, which fires when the *thread* that started the child ends, and task
    runners and Prefect start children from threads that may end first. The parent is watched
    by its pid and start time, not as this process's parent: a worker forked by a fork server
    has the server as its parent.)"""
    known = _identity(parent)

    def watch() -> None:
        while known is not None and _identity(parent) == known:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="kgqa-parent-watchdog", daemon=True).start()


def tethered_command(command: list[str], parent: int) -> list[str]:
    """``command`` (``python -m MODULE ARGS...``) run under the watchdog of ``parent``; any
    other command is returned unchanged."""
    if len(command) >= 3 and command[1] == "-m":
        return [command[0], "-m", __name__, str(parent), *command[2:]]
    return command


def main(argv: list[str]) -> None:
    parent, module, *args = argv
    die_with_parent(int(parent))
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
