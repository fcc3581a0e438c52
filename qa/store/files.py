"""Files of a store: checksums, fsync, and the shared lock a reader holds on a generation."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from pathlib import Path

from kgqa.qa.store.manifest import StoreError


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        else:
            fsync_dir(path)
    fsync_dir(root)


def read_lock(path: Path) -> int:
    """A descriptor of ``path``'s manifest holding a shared flock; StoreError if a writer is
    taking that generation over."""
    try:
        fd = os.open(path / "manifest.json", os.O_RDONLY)
    except OSError as err:
        raise StoreError(f"{path}: cannot open its manifest ({err})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StoreError(f"{path}: a writer is reusing this old generation's files") from None
    return fd


def unlock(fd: int) -> None:
    with contextlib.suppress(OSError):  # closed already
        os.close(fd)
