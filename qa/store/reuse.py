"""Reusing an old generation's SQLite file for the next one, instead of copying the current.

A commit records the row ids it inserts, updates or deletes (temporary triggers) and keeps the
rows as they ended in the new generation's ``changes.sqlite``. A later commit that will prune
an old generation takes that generation's file, replays the logs of the generations between
(``replay_changes``) and applies its own change. The file is written through SQLite's
write-ahead log, whose frames name every page written (``wal_pages``): only the 1 MB chunks
holding those pages are checked against the old generation's checksums before the pages go
in, and hashed again after (``finish_reused``); every other chunk keeps its old checksum.
``Store.stage`` (generations.py) decides when a generation may be reused.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# passages.sqlite is checksummed in chunks of this many bytes, so that a commit that reuses an
# old generation's file hashes only the chunks it wrote (the manifest's "chunked" entry).
CHUNK = 1 << 20


def chunk_digests(
    path: Path,
    chunk: int | None = None,
    known: list[str] | None = None,
    dirty: set[int] | None = None,
) -> list[str]:
    """sha256 of each ``chunk`` (default CHUNK) bytes of ``path``; with ``known`` (the digests
    before some chunks were written) and ``dirty`` (those chunks), only the dirty ones and any
    past the end of ``known`` are read."""
    chunk = chunk or CHUNK
    out: list[str] = []
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        for i in range((size + chunk - 1) // chunk):
            if known is not None and dirty is not None and i < len(known) and i not in dirty:
                out.append(known[i])
                continue
            fh.seek(i * chunk)
            out.append(hashlib.sha256(fh.read(chunk)).hexdigest())
    return out


def digests_of(path: Path) -> dict[str, Any]:
    """The manifest's "chunked" entry of a file: its size and a digest per CHUNK bytes."""
    return {"size": path.stat().st_size, "chunk": CHUNK, "sha256": chunk_digests(path)}


def wal_pages(wal: Path) -> tuple[int, set[int]]:
    """(page size, the page numbers) of every frame in a SQLite WAL file: the pages a
    checkpoint will write into the database file."""
    with wal.open("rb") as fh:
        header = fh.read(32)
        if len(header) < 32 or int.from_bytes(header[:4], "big") not in (0x377F0682, 0x377F0683):
            raise ReuseFailed(f"{wal} is not a SQLite write-ahead log")
        page_size = int.from_bytes(header[8:12], "big")
        pages = set()
        while len(frame := fh.read(24)) == 24:
            pages.add(int.from_bytes(frame[:4], "big"))
            fh.seek(page_size, os.SEEK_CUR)
    return page_size, pages


class ReuseFailed(Exception):
    """The old generation taken for its SQLite file turned out damaged (or its file could not
    be brought forward): the commit starts again, copying the base's file."""


@dataclass
class Reuse:
    """An old generation's SQLite file, moved into the generation being staged."""

    number: int
    logs: list[Path]  # the change logs that bring it to the base, oldest first
    chunked: dict[str, Any] | None  # its chunk digests (None: a manifest from before them)
    files: dict[str, str]  # its manifest's other checksums


# The tables a commit changes; each generation's changes.sqlite holds, per table, the row ids
# its commit inserted, updated or deleted (``changed``) and those rows as they ended
# (``rows_<table>``), plus the AUTOINCREMENT counters (``sequence``).
TRACKED = (
    "documents",
    "passages",
    "mentions",
    "evidence",
    "document_digests",
    "graph_nodes",
    "graph_edges",
    "person_surnames",
)
CHANGES = "changes.sqlite"


def track_changes(db: sqlite3.Connection) -> None:
    """Record, in temp.kgqa_changed, the row id of every row inserted, updated or deleted in the
    tracked tables from now on (temporary triggers: nothing is written to the file)."""
    db.execute(
        "CREATE TEMP TABLE kgqa_changed (tbl TEXT NOT NULL, rid INTEGER NOT NULL, "
        "PRIMARY KEY (tbl, rid)) WITHOUT ROWID"
    )
    for table in TRACKED:
        for event, refs in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)), ("UPDATE", ("OLD", "NEW"))):
            body = " ".join(
                f"INSERT OR IGNORE INTO kgqa_changed VALUES ('{table}', {ref}.rowid);"
                for ref in refs
            )
            db.execute(
                f"CREATE TEMP TRIGGER kgqa_{table}_{event.lower()} AFTER {event} "
                f"ON main.{table} BEGIN {body} END"
            )


def untrack_changes(db: sqlite3.Connection) -> None:
    for table in TRACKED:
        for event in ("insert", "delete", "update"):
            db.execute(f"DROP TRIGGER IF EXISTS temp.kgqa_{table}_{event}")
    db.execute("DROP TABLE IF EXISTS temp.kgqa_changed")


def write_changes(db: sqlite3.Connection, path: Path) -> None:
    """Write the rows recorded by ``track_changes`` to ``path``, a new SQLite file."""
    db.execute("ATTACH DATABASE ? AS log", (str(path),))
    try:
        db.execute("CREATE TABLE log.changed AS SELECT tbl, rid FROM temp.kgqa_changed")
        for table in TRACKED:
            db.execute(
                f"CREATE TABLE log.rows_{table} AS SELECT rowid AS kgqa_rowid, * "
                f"FROM main.{table} WHERE rowid IN "
                f"(SELECT rid FROM temp.kgqa_changed WHERE tbl = '{table}')"
            )
        db.execute("CREATE TABLE log.sequence AS SELECT name, seq FROM main.sqlite_sequence")
        db.commit()
    finally:
        db.execute("DETACH DATABASE log")


def replay_changes(db: sqlite3.Connection, logs: list[Path]) -> None:
    """Bring ``db`` forward through the commits whose changes.sqlite files ``logs`` are (oldest
    first): each one's changed rows are deleted and put back as they ended, row ids included."""
    columns = {
        table: ", ".join(f'"{r[1]}"' for r in db.execute(f"PRAGMA main.table_info({table})"))
        for table in TRACKED
    }
    for log in logs:
        db.execute("ATTACH DATABASE ? AS log", (str(log),))
        try:
            with db:
                for table in TRACKED:
                    db.execute(
                        f"DELETE FROM main.{table} WHERE rowid IN "
                        f"(SELECT rid FROM log.changed WHERE tbl = '{table}')"
                    )
                    db.execute(
                        f"INSERT INTO main.{table} (rowid, {columns[table]}) "
                        f"SELECT kgqa_rowid, {columns[table]} FROM log.rows_{table}"
                    )
                db.execute("DELETE FROM main.sqlite_sequence")
                db.execute(
                    "INSERT INTO main.sqlite_sequence (name, seq) "
                    "SELECT name, seq FROM log.sequence"
                )
        finally:
            db.execute("DETACH DATABASE log")


def open_reused(db_path: Path, reuse: Reuse) -> sqlite3.Connection:
    """Open a reused SQLite file in WAL mode, so that every page the commit writes passes
    through the log (``finish_reused`` reads which), and bring it to the base's rows."""
    if reuse.chunked is not None:
        # switching to WAL writes the first chunk directly: check it against its digest first
        with db_path.open("rb") as fh:
            first = hashlib.sha256(fh.read(reuse.chunked["chunk"])).hexdigest()
        if db_path.stat().st_size != reuse.chunked["size"] or first != reuse.chunked["sha256"][0]:
            raise ReuseFailed
    db = sqlite3.connect(db_path)
    if db.execute("PRAGMA journal_mode=WAL").fetchone()[0] != "wal":
        db.close()
        raise ReuseFailed
    db.execute("PRAGMA wal_autocheckpoint=0")  # the log keeps every page until we read it
    replay_changes(db, reuse.logs)
    return db


def finish_reused(db: sqlite3.Connection, db_path: Path, reuse: Reuse) -> dict[str, Any]:
    """Write a reused file's logged pages into it and return its chunk digests: those of the
    chunks no page was written to are the old manifest's (raises ReuseFailed when a chunk
    about to be overwritten no longer matches them: damage must not be hashed in)."""
    page_size, pages = wal_pages(db_path.with_name(db_path.name + "-wal"))
    old = reuse.chunked
    chunk = old["chunk"] if old is not None else CHUNK
    dirty = {0}
    for page in pages:
        start = (page - 1) * page_size
        dirty.update(range(start // chunk, (start + page_size - 1) // chunk + 1))
    if old is not None:
        with db_path.open("rb") as fh:
            for i in sorted(dirty - {0}):
                if i < len(old["sha256"]):
                    fh.seek(i * chunk)
                    if hashlib.sha256(fh.read(chunk)).hexdigest() != old["sha256"][i]:
                        raise ReuseFailed
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy or db.execute("PRAGMA journal_mode=DELETE").fetchone()[0] != "delete":
        raise ReuseFailed(f"{db_path}: could not write the commit's pages into the file")
    size = db_path.stat().st_size
    if old is None:
        return digests_of(db_path)
    if size != old["size"]:
        dirty.update(range(old["size"] // chunk, (size + chunk - 1) // chunk))
    return {
        "size": size,
        "chunk": chunk,
        "sha256": chunk_digests(db_path, chunk, old["sha256"], dirty),
    }
