"""Staging a generation: copy (or take over) the base's SQLite file, apply the change, bring
the vector, BM25 and entity indexes forward (as deltas when small), count, checksum, fsync and
rename into place. The store's module doc says how a file is taken over."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.kg.graph import MergeRules
from kgqa.qa.store.deltas import PendingVectors, kept_as_delta
from kgqa.qa.store.entity_vectors import EntityChange, entity_vectors_of
from kgqa.qa.store.files import fsync_dir, fsync_tree, sha256_of
from kgqa.qa.store.generation import Generation
from kgqa.qa.store.graph_tables import (
    graph_counts,
    graph_of,
    resolver_of,
    update_person_surnames,
    where_in,
    write_graph,
)
from kgqa.qa.store.incremental import update_derived
from kgqa.qa.store.index import (
    BM25Delta,
    BM25Index,
    DenseDelta,
    DenseIndex,
    DenseOptions,
    index_text,
)
from kgqa.qa.store.manifest import (
    LAYOUT_VERSION,
    REJECTED,
    Manifest,
    StoreError,
    gen_name,
    rules_json,
    rules_of,
)
from kgqa.qa.store.reuse import (
    CHANGES,
    TRACKED,
    Reuse,
    digests_of,
    finish_reused,
    open_reused,
    track_changes,
    untrack_changes,
    write_changes,
)
from kgqa.qa.store.tables import (
    DIGEST_KIND,
    SCHEMA,
    SCHEMA_ADDITIONS,
    ProcessedDocument,
    by_rowid,
    content_digest_of,
    digest_term,
    indexed_texts,
    insert_document,
    node_named,
    retract_documents,
    update_document_digests,
)
from kgqa.qa.types import QAError


def updated_counts(base: Generation, db: sqlite3.Connection) -> tuple[dict[str, int], str] | None:
    """The row counts and the content digest of ``db``, from its ``base``'s and the rows the
    change log (``track_changes``) names, which ``db`` shares row ids with; None when the
    base's manifest or tables lack what this needs (then count everything)."""
    manifest = base.manifest
    if (
        manifest.content_digest_kind != DIGEST_KIND
        or "nodes" not in manifest.counts
        or not base.db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'graph_edges_tail'"
        ).fetchone()
    ):
        return None
    changed: dict[str, list[int]] = {t: [] for t in TRACKED}
    for table, rowid in db.execute("SELECT tbl, rid FROM temp.kgqa_changed ORDER BY tbl, rid"):
        changed[table].append(rowid)
    counts = dict(manifest.counts)
    for table in ("documents", "passages", "mentions", "evidence"):
        counts[table] += len(by_rowid(db, table, "rowid", changed[table])) - len(
            by_rowid(base.db, table, "rowid", changed[table])
        )
    counts["edges"] += len(by_rowid(db, "graph_edges", "rowid", changed["graph_edges"])) - len(
        by_rowid(base.db, "graph_edges", "rowid", changed["graph_edges"])
    )
    names: set[str] = set()
    for source in (base.db, db):
        names.update(r[0] for r in by_rowid(source, "graph_nodes", "node", changed["graph_nodes"]))
        for head, tail in by_rowid(source, "graph_edges", "head, tail", changed["graph_edges"]):
            names.update((head, tail))
    counts["nodes"] += sum(node_named(db, n) - node_named(base.db, n) for n in sorted(names))
    total = int(manifest.content_digest, 16)
    total -= sum(
        digest_term(*r)
        for r in by_rowid(
            base.db, "document_digests", "doc_id, digest", changed["document_digests"]
        )
    )
    total += sum(
        digest_term(*r)
        for r in by_rowid(db, "document_digests", "doc_id, digest", changed["document_digests"])
    )
    return counts, f"{total % (1 << 256):064x}"


class Staging:
    """One generation being staged in a store's folder: its number, the old generation whose
    SQLite file it took over (None: it copied the base's), and the seconds of each step."""

    def __init__(self, root: Path, numbers: list[int], current: str | None) -> None:
        self.root = root
        self.numbers = numbers  # the store's generations before this one
        self.current = current  # the generation CURRENT names
        self.number = (numbers[-1] if numbers else 0) + 1
        self.recycled: int | None = None
        self.seconds: dict[str, float] = {}


def stage_generation(
    staging: Staging,
    removed: list[str],
    added: list[ProcessedDocument],
    models: dict[str, Any],
    settings: dict[str, Any],
    rules: MergeRules | None,
    reembed: Callable[[list[str]], np.ndarray] | None,
    base: Generation | None,
    keep: int | None,
) -> Manifest:
    seconds = staging.seconds
    mark = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        seconds[step] = seconds.get(step, 0.0) + now - mark
        mark = now

    numbers = staging.numbers
    number = staging.number
    tmp = staging.root / (gen_name(number) + ".tmp")
    db_path = tmp / "passages.sqlite"
    staging.recycled = None
    reuse = (
        take_for_recycling(staging, base, numbers + [number], keep, tmp)
        if base is not None and keep is not None
        else None
    )
    if base is not None and reuse is not None:
        staging.recycled = reuse.number
        dst = open_reused(db_path, reuse)
    elif base is not None:
        tmp.mkdir(parents=True)
        src = sqlite3.connect(f"file:{base.path / 'passages.sqlite'}?mode=ro", uri=True)
        dst = sqlite3.connect(db_path)
        src.backup(dst)
        src.close()
    else:
        tmp.mkdir(parents=True)
        dst = sqlite3.connect(db_path)
        dst.executescript(SCHEMA)
    # Tables kept up to date by each commit are filled once, when they are added.
    present = {
        r[0]
        for r in dst.execute(
            "SELECT name FROM sqlite_master WHERE name IN ('person_surnames', 'document_digests')"
        )
    }
    fill_surnames = "person_surnames" not in present
    fill_digests = "document_digests" not in present
    dst.executescript(SCHEMA_ADDITIONS)
    dimension = int(models["embedding_dimension"])
    lap("copy")

    # A change log only for small changes: a rebuild would log every row.
    logged = base is not None and reembed is None
    if logged:
        track_changes(dst)
    titled = bool(settings.get("index_title", False))
    added_rowids: list[int] = []
    added_texts: list[str] = []
    added_vectors: list[np.ndarray] = []
    with dst:
        retract = set(removed) | {p.document.doc_id for p in added}
        stale_rowids = retract_documents(dst, retract)
        for item in added:
            if item.vectors.shape[1:] != (dimension,):
                raise QAError(
                    f"vector dimension {item.vectors.shape[1]} does not match the index "
                    f"({dimension}); the embedder changed: re-ingest into a new store"
                )
            added_rowids += insert_document(dst, item)
            added_vectors.append(item.vectors)
            title = item.document.title if titled else None
            added_texts += [index_text(p.text, title) for p in item.passages]
        update_document_digests(dst, retract, fill_digests)
        update_person_surnames(
            dst,
            None
            if fill_surnames
            else {
                node
                for source in ([dst] if base is None else [base.db, dst])
                for row in where_in(
                    source, "SELECT node_id, own_node FROM mentions", "doc_id", retract
                )
                for node in row
            },
        )
    stale = np.asarray(stale_rowids, dtype=np.int64)
    fresh_ids = np.asarray(added_rowids, dtype=np.int64)
    fresh = (
        np.concatenate(added_vectors).astype(np.float32)
        if added_vectors
        else np.zeros((0, dimension), np.float32)
    )
    lap("apply")
    # The vectors: a small change to a flat index is kept as a delta beside the base's
    # file, which is copied as it is; anything else writes the whole index.
    options = DenseOptions.of(settings)
    dense: DenseIndex | None = None
    delta: DenseDelta | None = None
    vectors: DenseIndex | PendingVectors
    if base is not None and reembed is None:
        base_delta = DenseDelta.load(base.path, dimension)
        after = base_delta.then(stale, fresh_ids, fresh)
        size = base.dense.size - len(stale) + len(fresh_ids)
        in_file = base.dense.size - len(base_delta.added_ids) + len(base_delta.removed)
        if (
            base.dense.kind == "flat"
            and options.kind_for(size) == "flat"
            and not options.mmap
            and kept_as_delta(len(after), lambda: in_file)
        ):
            delta = after
            vectors = PendingVectors(base.dense, delta, size)
        else:
            dense = vectors = after.apply(DenseIndex.load(base.path / "dense.faiss"))
    else:
        dense = vectors = DenseIndex(dimension)
        dense.add(fresh_ids, fresh)
    bm25_delta: BM25Delta | None = None
    if reembed is None and base is not None and BM25Index.exists(base.path / "bm25"):
        # Incremental: only the added passages are tokenised, and a small change is kept
        # as a delta beside the base's files (copied as they are).
        vocab = json.loads((base.path / "bm25" / "vocab.json").read_text())
        terms = BM25Delta.load(base.path).then(vocab, stale_rowids, added_rowids, added_texts)
        rows_in_file = base.path / "bm25" / "ids.npy"
        if kept_as_delta(len(terms), lambda: np.load(rows_in_file, mmap_mode="r").shape[0]):
            bm25_delta = terms
        else:
            bm25 = terms.apply(BM25Index.load(base.path / "bm25"))
    else:
        ids, texts = indexed_texts(dst, titled)
        if reembed is not None:
            dense = vectors = DenseIndex(dimension)
            if ids:
                dense.add(np.asarray(ids, dtype=np.int64), reembed(texts))
        bm25 = BM25Index.build(ids, texts)
    lap("bm25")
    # The entity vectors: a small change is kept as a change beside the base's files (as
    # the vectors are), which are copied as they are; anything else writes them whole.
    entity_change: EntityChange | None = None
    entities: tuple[dict[str, Any], np.ndarray] | None = None
    stored = base is not None and reembed is None and (base.path / "entity_vectors.npy").is_file()
    with dst:
        if (
            base is not None
            and stored
            and not (base.path / "graph.json").exists()
            and rules_json(rules) == rules_of(base.manifest)
            and len(retract) <= max(100, base.manifest.counts["documents"] // 5)
        ):
            # A small change: only the nodes and edges it touches are recomputed.
            change = update_derived(base.db, dst, retract, rules, vectors.reconstruct)
            base_change = EntityChange.load(base.path, dimension)
            entity_change = base_change.then(change)
            nodes_in_file = base.path / "entity_vectors.json"
            if not kept_as_delta(
                len(entity_change), lambda: len(json.loads(nodes_in_file.read_text())["nodes"])
            ):
                full = base.stored_entity_vectors()
                assert full is not None
                entities = change.applied(*full)
                entity_change = None
        else:
            if logged:
                untrack_changes(dst)
                logged = False
            resolver = resolver_of(dst, rules)
            write_graph(dst, graph_of(dst, rules, resolver))
            entities = entity_vectors_of(
                dst,
                vectors,
                rules,
                base.stored_entity_vectors() if stored and base else None,
                resolver,
            )
    lap("graph")
    updated = updated_counts(base, dst) if logged and base is not None else None
    if updated is not None:
        counts, content_digest = updated
    else:
        counts = {
            "documents": dst.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
            "passages": dst.execute("SELECT COUNT(*) FROM passages").fetchone()[0],
            "mentions": dst.execute("SELECT COUNT(*) FROM mentions").fetchone()[0],
            "evidence": dst.execute("SELECT COUNT(*) FROM evidence").fetchone()[0],
            **graph_counts(dst),
        }
        content_digest = content_digest_of(dst)
    counts["vectors"] = vectors.size
    counts = {
        k: counts[k]
        for k in ("documents", "passages", "mentions", "evidence", "vectors", "nodes", "edges")
    }
    lap("digest")
    if logged:
        (changed,) = dst.execute("SELECT COUNT(*) FROM temp.kgqa_changed").fetchone()
        if changed <= max(10_000, sum(counts.values()) // 20):
            write_changes(dst, tmp / CHANGES)
        lap("changes")
    chunked = finish_reused(dst, db_path, reuse) if reuse is not None else None
    dst.close()
    lap("checkpoint")
    if counts["vectors"] != counts["passages"]:
        shutil.rmtree(tmp, ignore_errors=True)
        raise StoreError(
            f"internal error: {counts['vectors']} vectors for {counts['passages']} "
            "passages; nothing was committed"
        )
    carried: dict[str, str] = {}  # files copied from the base as they are: their checksums
    index_file = tmp / "dense.faiss"
    if delta is not None:
        assert base is not None
        carried["dense.faiss"] = base_file(base, reuse, tmp, "dense.faiss")
        delta.save(tmp)
    else:
        assert dense is not None
        dense.conform(options).save(index_file)
    if bm25_delta is not None:
        assert base is not None
        for name in BM25Index.FILES:
            carried[f"bm25/{name}"] = base_file(base, reuse, tmp, f"bm25/{name}")
        bm25_delta.save(tmp)
    else:
        bm25.save(tmp / "bm25")
    if entity_change is not None:
        assert base is not None
        for name in ("entity_vectors.npy", "entity_vectors.json"):
            carried[name] = base_file(base, reuse, tmp, name)
        entity_change.save(tmp)
    else:
        assert entities is not None
        np.save(tmp / "entity_vectors.npy", entities[1], allow_pickle=False)
        (tmp / "entity_vectors.json").write_text(json.dumps(entities[0], ensure_ascii=False))
    lap("write")
    if chunked is None:
        chunked = digests_of(db_path)
    files = {
        name: carried.get(name) or sha256_of(p)
        for p in sorted(tmp.rglob("*"))
        if p.is_file() and p != db_path
        for name in [p.relative_to(tmp).as_posix()]
    }
    manifest = Manifest(
        generation=number,
        created=time.time(),
        counts=counts,
        files=files,
        chunked={"passages.sqlite": chunked},
        models=models,
        settings=settings,
        content_digest=content_digest,
        content_digest_kind=DIGEST_KIND,
        graph_rules=rules_json(rules),
        base=base.number if base is not None else None,
    )
    (tmp / "manifest.json").write_text(json.dumps(manifest.to_json(), indent=2))
    lap("checksums")
    fsync_tree(tmp)
    final = staging.root / gen_name(number)
    os.replace(tmp, final)
    fsync_dir(staging.root)
    lap("fsync")
    return manifest


def take_for_recycling(
    staging: Staging, base: Generation, numbers: list[int], keep: int, tmp: Path
) -> Reuse | None:
    """Move the newest generation that publishing would prune and that ``base`` descends
    from to ``tmp``, keeping its SQLite file and the index files a commit may keep
    (``base_file``), with the change logs that bring that file to ``base``. None,
    touching nothing, when there is no such generation, a log in between is missing or
    damaged, or a reader holds it: the caller then copies the base's file. Its SQLite
    file is checked where the commit will write it (``finish_reused``);
    one from before chunk digests is checked whole here."""
    current = staging.current
    doomed = {n for n in numbers[:-keep] if gen_name(n) != current}
    manifest, chain = base.manifest, []
    while True:
        parent = manifest.base
        path = staging.root / gen_name(manifest.generation)
        digest = manifest.files.get(CHANGES)
        if not isinstance(parent, int) or digest is None:
            return None
        chain.append((path / CHANGES, digest))
        if parent in doomed:
            break
        try:
            manifest = Manifest.from_json(
                json.loads((staging.root / gen_name(parent) / "manifest.json").read_text())
            )
        except (OSError, ValueError, KeyError, TypeError):  # JSONDecodeError is a ValueError
            return None
    old = staging.root / gen_name(parent)
    try:
        old_manifest = json.loads((old / "manifest.json").read_text())
        fd = os.open(old / "manifest.json", os.O_RDONLY)
    except (OSError, json.JSONDecodeError):
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # someone reads it
            return None
        if old_manifest.get("layout_version") != LAYOUT_VERSION or (old / REJECTED).exists():
            return None
        if any(not log.is_file() or sha256_of(log) != digest for log, digest in chain):
            return None
        chunked = old_manifest.get("chunked", {}).get("passages.sqlite")
        if chunked is None and sha256_of(old / "passages.sqlite") != old_manifest["files"].get(
            "passages.sqlite"
        ):
            return None
        os.replace(old, tmp)
    finally:
        os.close(fd)
    for path in tmp.iterdir():
        if path.name not in (
            "passages.sqlite",
            "dense.faiss",
            "entity_vectors.npy",
            "entity_vectors.json",
            "bm25",
        ):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return Reuse(parent, [log for log, _ in reversed(chain)], chunked, old_manifest["files"])


def base_file(base: Generation, reuse: Reuse | None, tmp: Path, name: str) -> str:
    """Put the base's file ``name`` into ``tmp`` as it is and return its checksum: the
    reused generation's own copy when it is the same file (same checksum), else a byte
    copy. Never a shared link: each generation's files stay its own, so damage to one
    leaves the others to fall back on."""
    digest = base.manifest.files[name]
    target = tmp / name
    if reuse is None or reuse.files.get(name) != digest or not target.is_file():
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(base.path / name, target)
    return str(digest)
