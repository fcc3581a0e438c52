"""The reader's readings of (question, passage) pairs, kept on disk for training.

``kgqa train verifier`` reads every question of its files several ways, and on 2 cores that
takes half an hour or more; ``kgqa train calibration`` reads again. A reading depends only on
the reader's files, the settings it reads with and the pair, so training keeps each one in a
SQLite file named by those files and settings, as it goes: a run stopped part way goes on
where it stopped, and a run again (other penalties, another verifier version) reads nothing
twice. A reader trained again, or read at another precision, gets a new file. The folder is
the setting ``cache_dir`` (default ``$XDG_CACHE_HOME/kgqa``, else ``~/.cache/kgqa``); it is
safe to delete.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kgqa.kg.models import resolve_precision
from kgqa.qa.reader.extractive import DECODE_VERSION
from kgqa.qa.settings import ReaderConfig
from kgqa.qa.store.files import sha256_of

# files of a reader folder that do not change what it reads
_NOT_READ = ("verifier.json", "README.md", "metrics.json")


def default_folder() -> Path:
    """The user's cache folder for kgqa."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kgqa"


def reader_key(config: ReaderConfig) -> str:
    """A digest of what a reading depends on: the reader's files (a folder) or its name (a hub
    id), and the settings it reads with, ``auto`` precision resolved on this machine."""
    digest = hashlib.sha256()
    model = Path(config.reader_model)
    if model.is_dir():
        for path in sorted(p for p in model.rglob("*") if p.is_file()):
            if path.name in _NOT_READ or path.name.startswith("dev"):
                continue
            digest.update(f"{path.relative_to(model)}\0{sha256_of(path)}\0".encode())
    else:
        digest.update(config.reader_model.encode())
    settings = asdict(config)
    for unused in ("reader_model", "reader_batch_size"):
        settings.pop(unused)  # the folder's files are hashed; batches do not change a reading
    settings["reader_precision"] = resolve_precision(config.reader_precision, config.device)
    settings["decode_version"] = DECODE_VERSION  # how spans are chosen from the logits
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()[:24]


def _pair_key(question: str, context: str) -> str:
    return hashlib.sha256(f"{question}\0{context}".encode()).hexdigest()


class ReadingCache:
    """The readings of one reader with one set of reading settings, in ``folder``."""

    def __init__(self, folder: Path, config: ReaderConfig, key: str | None = None) -> None:
        folder = Path(folder) / "readings"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = folder / f"{key or reader_key(config)}.sqlite"
        self._db = sqlite3.connect(self.path, timeout=120)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS readings (pair TEXT PRIMARY KEY, data BLOB)")
        self._db.commit()

    def _rows(self, keys: list[str], columns: str) -> Iterable[tuple[Any, ...]]:
        for b in range(0, len(keys), 500):
            part = keys[b : b + 500]
            yield from self._db.execute(
                f"SELECT {columns} FROM readings WHERE pair IN ({','.join('?' * len(part))})",
                part,
            )

    def get(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        """The readings of those pairs that are kept."""
        keys = {_pair_key(*pair): pair for pair in pairs}
        return {keys[key]: pickle.loads(data) for key, data in self._rows(list(keys), "*")}

    def count(self, pairs: Iterable[tuple[str, str]]) -> int:
        """How many of those pairs are kept."""
        return sum(1 for _ in self._rows([_pair_key(*pair) for pair in pairs], "pair"))

    def put(self, readings: dict[tuple[str, str], Any]) -> None:
        """Keep these readings (committed at once: a run stopped later keeps them)."""
        self._db.executemany(
            "INSERT OR REPLACE INTO readings VALUES (?, ?)",
            [(_pair_key(*pair), pickle.dumps(r)) for pair, r in readings.items()],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()
