"""The on-disk store: committed generations, an atomic CURRENT pointer, one writer at a time.

```
store/
  CURRENT            names the current generation (write tmp, fsync, os.replace)
  LOCK               held (flock) by the one writer
  quarantine.jsonl   inputs that could not be ingested, and why
  gen-000007/
    manifest.json    layout version, counts, sha256 of each file (of passages.sqlite, per
                     1 MB chunk), models
    passages.sqlite  documents, passages, mentions, relation evidence (the source of truth),
                     and the knowledge graph derived from them (graph_nodes, graph_edges)
    dense.faiss      passage vectors, ids = passage row ids
    bm25/            BM25 term counts of the same passages (updated, not rebuilt, by a commit)
    entity_vectors.* each graph node's context vector (.npy) and its index (.json)
    dense_*.npy, bm25_delta/, entity_delta.*
                     what changed since those three were written (a small commit copies them
                     as they are and writes only this; loading applies it)
    changes.sqlite   the rows this generation's commit changed, as they ended
```
A commit copies the current SQLite into ``gen-N.tmp``, applies the changes, writes the indexes,
fsyncs, renames the folder to ``gen-N`` and swaps CURRENT. A killed writer leaves only a
``.tmp`` folder, which the next writer removes.

Each generation also keeps the rows its commit changed (``changes.sqlite``). When the commit
will prune an older generation anyway, it takes that generation's SQLite file instead of
copying the current one, and replays the changes of the generations between them: the work
grows with what changed, not with the store. Readers hold a shared lock on the manifest of the
generation they read, so a generation still being read is never taken. How the file is
brought forward and checksummed is in reuse.py.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.kg.graph import MergeRules
from kgqa.qa.store.files import fsync_dir, sha256_of
from kgqa.qa.store.generation import Generation
from kgqa.qa.store.index import DenseOptions
from kgqa.qa.store.layout import check_is_folder, current_name, generation_numbers, no_store
from kgqa.qa.store.manifest import (
    LAYOUT_VERSION,
    REJECTED,
    Manifest,
    StoreError,
    StoreWarning,
    gen_name,
)
from kgqa.qa.store.reuse import ReuseFailed, chunk_digests
from kgqa.qa.store.staging import Staging, stage_generation
from kgqa.qa.store.tables import ProcessedDocument


class Store:
    """A store directory: open the current generation, lock for writing, commit new ones."""

    def __init__(self, root: Path, dense_options: DenseOptions | None = None) -> None:
        self.root = Path(root)
        self.dense_options = dense_options
        # Seconds per step of the last ``stage`` (copy, apply, bm25, graph, ...), for reports
        # and benchmarks/commit.py.
        self.stage_seconds: dict[str, float] = {}
        # The generation whose SQLite file the last ``stage`` took over (None: it copied).
        self.recycled: int | None = None
        self._staging = Staging(self.root, [], None)  # the generation being staged

    # --- reading -----------------------------------------------------------------------------
    def current_name(self) -> str | None:
        """The generation CURRENT names (``kgqa.qa.store.layout.current_name``)."""
        return current_name(self.root)

    def current_stamp(self) -> tuple[str, int, int] | None:
        """The generation CURRENT names, with CURRENT's inode and time of change: it changes
        whenever CURRENT is written, also when a store is made again at the same path and its
        first generation has the old one's name. None as for ``current_name``."""
        name = self.current_name()
        if name is None:
            return None
        try:
            found = (self.root / "CURRENT").stat()
        except OSError:
            return None
        return name, found.st_ino, found.st_mtime_ns

    def generations(self) -> list[int]:
        return generation_numbers(self.root)

    def exists(self) -> bool:
        """Whether there is a store here: a CURRENT pointer or any committed generation."""
        return self.current_name() is not None or bool(self.generations())

    def verify(self, path: Path) -> Manifest:
        """Check a generation folder against its manifest; raise StoreError saying what is wrong."""
        manifest_path = path / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise StoreError(f"{manifest_path}: unreadable manifest ({err})") from None
        version = manifest.get("layout_version") if isinstance(manifest, dict) else None
        if version != LAYOUT_VERSION:
            raise StoreError(
                f"{path} was written with store layout version {version}, this kgqa reads version "
                f"{LAYOUT_VERSION}; re-ingest your documents into a new store (--store NEW_DIR)"
            )
        try:
            manifest = Manifest.from_json(manifest)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise StoreError(f"{manifest_path}: malformed manifest ({err!r})") from None
        for name, digest in manifest.files.items():
            file = path / name
            if not file.is_file():
                raise StoreError(f"{path}: file {name} named in the manifest is missing")
            if sha256_of(file) != digest:
                raise StoreError(f"{path}: checksum mismatch for {name}; the file is damaged")
        for name, entry in manifest.chunked.items():
            file = path / name
            if not file.is_file():
                raise StoreError(f"{path}: file {name} named in the manifest is missing")
            if (
                file.stat().st_size != entry["size"]
                or chunk_digests(file, entry["chunk"]) != entry["sha256"]
            ):
                raise StoreError(f"{path}: checksum mismatch for {name}; the file is damaged")
        return manifest

    def open(self, embedder: str | None = None, dimension: int | None = None) -> Generation:
        """Open the current generation, falling back to an older intact one if it is damaged.

        Raises StoreError when there is no store, the layout is from another version, or the
        store was built with a different embedder than the one configured.
        """
        self.check_is_folder()
        current = self.current_name()
        numbers = self.generations()
        if current is None and not numbers:
            raise no_store(self.root)
        # Generations a quality gate rejected stay on disk for inspection, never to be served.
        candidates = ([current] if current else []) + [
            gen_name(n)
            for n in reversed(numbers)
            if gen_name(n) != current and not (self.root / gen_name(n) / REJECTED).exists()
        ]
        if current is None:
            problems_head = [f"{self.root / 'CURRENT'} is missing or does not name a generation"]
        else:
            problems_head = []
        problems: list[str] = list(problems_head)
        for name in candidates:
            path = self.root / name
            try:
                manifest = self.verify(path)
            except StoreError as err:
                if "layout version" in str(err):
                    raise
                problems.append(str(err))
                continue
            self.check_models(manifest, embedder, dimension)
            try:
                generation = Generation(path, manifest, self.dense_options)
            except StoreError as err:
                problems.append(str(err))
                continue
            counts = manifest.counts
            (n_passages,) = generation.db.execute("SELECT COUNT(*) FROM passages").fetchone()
            if n_passages != counts["passages"] or generation.dense.size != counts["passages"]:
                generation.close()
                problems.append(f"{path}: passage counts disagree with the manifest")
                continue
            if problems:
                import warnings

                notice = f"kgqa store: using {name}, the newest intact generation; " + "; ".join(
                    problems
                )
                generation.notices.append(notice)
                warnings.warn(notice, StoreWarning, stacklevel=2)
            return generation
        raise StoreError(f"no intact generation in {self.root}: " + "; ".join(problems))

    @staticmethod
    def check_models(manifest: Manifest, embedder: str | None, dimension: int | None) -> None:
        built = manifest.models.get("embedder")
        if embedder is not None and built is not None and built != embedder:
            raise StoreError(
                f"the store was built with embedder {built!r} but the settings name {embedder!r}; "
                f"set KGQA_EMBEDDER={built} or re-ingest into a new store"
            )
        built_dim = manifest.models.get("embedding_dimension")
        if dimension is not None and built_dim is not None and built_dim != dimension:
            raise StoreError(
                f"the store holds {built_dim}-dimensional vectors "
                f"but the embedder gives {dimension}; "
                "use the embedder the store was built with, or re-ingest into a new store"
            )

    # --- writing -----------------------------------------------------------------------------
    def check_is_folder(self) -> None:
        """StoreError when the store's path is a file (``kgqa.qa.store.layout``)."""
        check_is_folder(self.root)

    def check_writable(self) -> None:
        """Refuse, with what to do, a store path a writer cannot use: a file, or a folder (or
        its parent) it may not write to."""
        self.check_is_folder()
        existing = (
            self.root
            if self.root.exists()
            else next((p for p in self.root.parents if p.exists()), Path("."))
        )
        if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
            raise StoreError(
                f"cannot write to {existing} (read-only or no permission); give "
                "--store (or KGQA_STORE) a folder you can write to"
            )

    @contextlib.contextmanager
    def writer_lock(self, wait_seconds: float = 0.0) -> Iterator[None]:
        """Hold the store's single-writer lock; a second writer waits up to ``wait_seconds``."""
        self.check_writable()
        self.root.mkdir(parents=True, exist_ok=True)
        fh = (self.root / "LOCK").open("a+")
        deadline = time.monotonic() + wait_seconds
        try:
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreError(
                            f"another kgqa ingest is writing to {self.root} (it holds "
                            f"{self.root / 'LOCK'}); wait for it to finish, or pass "
                            "--wait SECONDS (setting lock_wait_seconds) to queue behind it"
                        ) from None
                    time.sleep(0.2)
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}\n")
            fh.flush()
            self._clean_leftovers()
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fh.close()

    def _clean_leftovers(self) -> None:
        for path in self.root.iterdir():
            if path.name.endswith(".tmp") or path.name.startswith(".trash-"):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)

    def commit(
        self,
        removed: Iterable[str],
        added: list[ProcessedDocument],
        models: dict[str, Any],
        settings: dict[str, Any],
        keep: int,
        rules: MergeRules | None = None,
    ) -> Manifest:
        """Write generation N+1 with ``removed`` documents (and the old versions of ``added``)
        retracted and ``added`` inserted, then make it current. Call under ``writer_lock``."""
        manifest = self.stage(removed, added, models, settings, rules, keep=keep)
        self.publish(manifest.generation, keep)
        return manifest

    def stage(
        self,
        removed: Iterable[str],
        added: list[ProcessedDocument],
        models: dict[str, Any],
        settings: dict[str, Any],
        rules: MergeRules | None = None,
        reembed: Callable[[list[str]], np.ndarray] | None = None,
        base: Generation | None = None,
        keep: int | None = None,
    ) -> Manifest:
        """Write the next generation completely (fsynced, renamed into place) without making it
        current, so it can be checked first (the quality gate). Call under ``writer_lock``.

        It starts from ``base``, the generation the writer opened (and so verified); without
        one, from the generation ``open()`` gives now, or from nothing in a new store.
        ``reembed`` (texts -> unit vectors) rebuilds every passage's vector, for a change of
        what passages are indexed under (setting index_title). With ``keep`` (the generations
        ``publish`` will keep), a generation that publishing would prune gives its SQLite file
        to this one, brought forward by replaying the changes since (see the module's doc);
        otherwise the base's file is copied."""
        if base is None and self.exists():
            base = self.open()
        removed = list(removed)

        def attempt(keep: int | None) -> Manifest:
            staging = self._staging = Staging(self.root, self.generations(), self.current_name())
            self.stage_seconds, self.recycled = staging.seconds, None
            try:
                return stage_generation(
                    staging, removed, added, models, settings, rules, reembed, base, keep
                )
            finally:
                self.recycled = staging.recycled

        try:
            return attempt(keep)
        except (ReuseFailed, sqlite3.DatabaseError) as err:
            # A reused file that turns out damaged beyond what its checks cover costs only
            # time: the commit starts over from a copy of the base's file.
            if not isinstance(err, ReuseFailed) and self.recycled is None:
                raise
            shutil.rmtree(self.root / (gen_name(self._staging.number) + ".tmp"), ignore_errors=True)
            return attempt(None)

    def publish(self, number: int, keep: int) -> None:
        """Make a staged generation current (atomically) and drop old generations."""
        pointer = self.root / "CURRENT.tmp"
        with pointer.open("w") as fh:
            fh.write(gen_name(number) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(pointer, self.root / "CURRENT")
        fsync_dir(self.root)
        fsync_dir(self.root)
        self._prune_generations(keep)

    def _prune_generations(self, keep: int) -> None:
        current = self.current_name()
        for n in self.generations()[:-keep]:
            if gen_name(n) == current:
                continue
            path = self.root / gen_name(n)
            trash = self.root / f".trash-{path.name}"
            os.replace(path, trash)
            shutil.rmtree(trash, ignore_errors=True)

    def quarantine(self, entries: list[dict[str, Any]]) -> None:
        if not entries:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "quarantine.jsonl").open("a") as fh:
            for entry in entries:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
