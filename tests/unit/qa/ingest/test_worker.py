"""The per-document worker process never outlives the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

PARENT = """
import multiprocessing as mp, sys, time
from kgqa.qa.ingest.tether import die_with_parent

def child(parent):
    die_with_parent(parent, every=0.1)
    time.sleep(600)

if __name__ == "__main__":
    import os
    proc = mp.get_context("spawn").Process(target=child, args=(os.getpid(),), daemon=True)
    proc.start()
    print(proc.pid, flush=True)
    time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie waiting for its reaper is gone too
        return fh.read().split()[2] != "Z"


@pytest.mark.timeout(300)
def test_a_worker_exits_when_its_parent_is_killed(tmp_path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait(30)
    deadline = time.monotonic() + 60
    while alive(child):
        assert time.monotonic() < deadline, "the worker outlived its killed parent"
        time.sleep(0.1)
