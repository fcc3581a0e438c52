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
import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from kgqa.kg.graph import (
    EvidenceRow,
    MentionRow,
    MergeRules,
    NodeResolver,
    load_graph,
)
from kgqa.qa.store.incremental import (
    EntityChange,
    _where_in,
    context_vector,
    graph_counts,
    graph_of,
    passages_key,
    read_graph,
    resolver_of,
    update_derived,
    update_person_surnames,
    write_graph,
)
from kgqa.qa.store.index import (
    BM25Delta,
    BM25Index,
    DenseDelta,
    DenseIndex,
    DenseOptions,
    index_text,
)
from kgqa.qa.store.reuse import (
    CHANGES,
    TRACKED,
    Reuse,
    ReuseFailed,
    chunk_digests,
    digests_of,
    finish_reused,
    open_reused,
    track_changes,
    untrack_changes,
    write_changes,
)
from kgqa.qa.types import Document, Mention, Passage, QAError

LAYOUT_VERSION = 2
GEN_PREFIX = "gen-"

SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, content_hash TEXT NOT NULL,
    title TEXT, metadata TEXT NOT NULL, text TEXT NOT NULL, ingested_at REAL NOT NULL);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, passage_id TEXT UNIQUE NOT NULL,
    doc_id TEXT NOT NULL, ordinal INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL);
CREATE INDEX passages_doc ON passages(doc_id);
CREATE TABLE mentions (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, passage_id TEXT NOT NULL, node_id TEXT NOT NULL,
    name TEXT NOT NULL, label TEXT NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, own_node TEXT NOT NULL DEFAULT '', rule TEXT NOT NULL DEFAULT '');
CREATE INDEX mentions_doc ON mentions(doc_id);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, passage_id TEXT NOT NULL, head TEXT NOT NULL,
    tail TEXT NOT NULL, label TEXT NOT NULL, confidence REAL NOT NULL, extractor TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, sentence TEXT NOT NULL,
    head_own TEXT NOT NULL DEFAULT '', tail_own TEXT NOT NULL DEFAULT '');
CREATE INDEX evidence_doc ON evidence(doc_id);
"""
# Tables and indexes added since layout 2 began; a commit adds them to a copy that lacks them.
SCHEMA_ADDITIONS = """
CREATE TABLE IF NOT EXISTS document_digests (doc_id TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS mentions_resolution ON mentions(node_id, own_node, rule);
CREATE INDEX IF NOT EXISTS evidence_head ON evidence(head, head_own);
CREATE INDEX IF NOT EXISTS evidence_tail ON evidence(tail, tail_own);
CREATE TABLE IF NOT EXISTS graph_nodes (node TEXT PRIMARY KEY, attributes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graph_edges (
    head TEXT NOT NULL, tail TEXT NOT NULL, label TEXT NOT NULL, attributes TEXT NOT NULL,
    PRIMARY KEY (head, tail, label));
CREATE INDEX IF NOT EXISTS graph_edges_tail ON graph_edges(tail);
CREATE INDEX IF NOT EXISTS mentions_own ON mentions(own_node, rule, node_id);
CREATE TABLE IF NOT EXISTS person_surnames (
    surname TEXT NOT NULL, node TEXT NOT NULL, PRIMARY KEY (surname, node));
"""


class StoreError(QAError):
    """The store cannot be opened, locked or committed; the message says what to do."""


@dataclass(frozen=True)
class PassageMention:
    """A mention as the per-document work found it: its passage, its graph row (node after the
    document's alias rules, name, label) and where its text lies in the document."""

    passage_id: str
    row: MentionRow
    text: str
    start: int
    end: int


@dataclass
class ProcessedDocument:
    """Everything the per-document work produced, ready for the one writer to commit."""

    document: Document
    passages: list[Passage]
    vectors: np.ndarray
    mentions: list[PassageMention]
    evidence: list[EvidenceRow]


@dataclass
class Manifest:
    generation: int
    created: float
    counts: dict[str, int]
    files: dict[str, str]
    models: dict[str, Any]
    layout_version: int = LAYOUT_VERSION
    settings: dict[str, Any] = field(default_factory=dict)
    content_digest: str = ""
    content_digest_kind: str = ""
    graph_rules: dict[str, Any] = field(default_factory=dict)
    base: int | None = None  # the generation this one was committed on
    # files checksummed in chunks: name -> {"size", "chunk", "sha256": [one per chunk]}
    chunked: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "layout_version": self.layout_version,
            "generation": self.generation,
            "base": self.base,
            "created": self.created,
            "counts": self.counts,
            "content_digest": self.content_digest,
            "content_digest_kind": self.content_digest_kind,
            "graph_rules": self.graph_rules,
            "files": self.files,
            "chunked": self.chunked,
            "models": self.models,
            "settings": self.settings,
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        else:
            _fsync_dir(path)
    _fsync_dir(root)


# A document's stored content in a canonical order (ingestion times left out); each query's
# first column is the doc_id.
_DOCUMENT_CONTENT = [
    "SELECT doc_id, source, content_hash, title, metadata, text FROM documents",
    'SELECT doc_id, passage_id, ordinal, start, "end", text FROM passages',
    'SELECT doc_id, passage_id, node_id, name, label, text, start, "end", own_node, rule '
    "FROM mentions",
    'SELECT doc_id, passage_id, head, tail, label, confidence, extractor, start, "end", '
    "sentence, head_own, tail_own FROM evidence",
]


def _digests_of(db: sqlite3.Connection, doc_ids: list[str] | None) -> dict[str, str]:
    """sha256 of each document's rows (of ``doc_ids``, or of every document)."""
    digests: dict[str, Any] = {}
    where = "" if doc_ids is None else f" WHERE doc_id IN ({','.join('?' * len(doc_ids))})"
    for query in _DOCUMENT_CONTENT:
        # ORDER BY every column: rows are ordered by their content alone, not their row ids
        columns = query[len("SELECT ") : query.index(" FROM")]
        for row in db.execute(f"{query}{where} ORDER BY {columns}", doc_ids or []):
            digests.setdefault(row[0], hashlib.sha256()).update(
                json.dumps(row, ensure_ascii=False).encode()
            )
        for digest in digests.values():
            digest.update(b"\x1e")
    return {doc_id: digest.hexdigest() for doc_id, digest in digests.items()}


def _update_document_digests(db: sqlite3.Connection, changed: set[str], fill: bool) -> None:
    """Bring the table of per-document digests up to date after the ``changed`` documents were
    retracted or replaced; with ``fill`` (a table just added to a store from before it), for
    every document."""
    db.executemany("DELETE FROM document_digests WHERE doc_id = ?", [(d,) for d in changed])
    missing = (
        [
            r[0]
            for r in db.execute(
                "SELECT doc_id FROM documents "
                "WHERE doc_id NOT IN (SELECT doc_id FROM document_digests) "
                "ORDER BY doc_id"
            )
        ]
        if fill
        else sorted(r[0] for r in _where_in(db, "SELECT doc_id FROM documents", "doc_id", changed))
    )
    if len(missing) > 500:
        wanted = set(missing)
        digests = {d: h for d, h in _digests_of(db, None).items() if d in wanted}
    else:
        digests = _digests_of(db, missing)
    db.executemany("INSERT INTO document_digests VALUES (?, ?)", sorted(digests.items()))


# The content digest is the sum, modulo 2**256, of one sha256 per document (of its doc_id
# and its digest): two stores with the same documents compare equal however they were built,
# and a commit updates it from the documents it changed alone.
DIGEST_KIND = "sha256-sum"


def _digest_term(doc_id: str, digest: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{doc_id}\x1f{digest}".encode()).digest(), "big")


def _content_digest(db: sqlite3.Connection) -> str:
    """The content digest of every document's rows (ingestion times left out)."""
    total = sum(
        _digest_term(d, h) for d, h in db.execute("SELECT doc_id, digest FROM document_digests")
    )
    return f"{total % (1 << 256):064x}"


def _by_rowid(
    db: sqlite3.Connection, table: str, columns: str, rowids: list[int]
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows of ``table`` with these row ids (those that exist)."""
    return list(_where_in(db, f"SELECT {columns} FROM {table}", "rowid", rowids))


def _node_named(db: sqlite3.Connection, name: str) -> bool:
    """Whether the graph tables hold a node of this name (with mentions, or an edge's end)."""
    return bool(
        db.execute(
            "SELECT EXISTS (SELECT 1 FROM graph_nodes WHERE node = ?1) "
            "OR EXISTS (SELECT 1 FROM graph_edges WHERE head = ?1) "
            "OR EXISTS (SELECT 1 FROM graph_edges WHERE tail = ?1)",
            (name,),
        ).fetchone()[0]
    )


def _updated_counts(base: Generation, db: sqlite3.Connection) -> tuple[dict[str, int], str] | None:
    """The row counts and the content digest of ``db``, from its ``base``'s and the rows the
    change log (``track_changes``) names, which ``db`` shares row ids with; None when the
    base's manifest or tables lack what this needs (then count everything)."""
    manifest = base.manifest
    if (
        manifest.get("content_digest_kind") != DIGEST_KIND
        or "nodes" not in manifest["counts"]
        or not base.db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'graph_edges_tail'"
        ).fetchone()
    ):
        return None
    changed: dict[str, list[int]] = {t: [] for t in TRACKED}
    for table, rowid in db.execute("SELECT tbl, rid FROM temp.kgqa_changed ORDER BY tbl, rid"):
        changed[table].append(rowid)
    counts = dict(manifest["counts"])
    for table in ("documents", "passages", "mentions", "evidence"):
        counts[table] += len(_by_rowid(db, table, "rowid", changed[table])) - len(
            _by_rowid(base.db, table, "rowid", changed[table])
        )
    counts["edges"] += len(_by_rowid(db, "graph_edges", "rowid", changed["graph_edges"])) - len(
        _by_rowid(base.db, "graph_edges", "rowid", changed["graph_edges"])
    )
    names: set[str] = set()
    for source in (base.db, db):
        names.update(r[0] for r in _by_rowid(source, "graph_nodes", "node", changed["graph_nodes"]))
        for head, tail in _by_rowid(source, "graph_edges", "head, tail", changed["graph_edges"]):
            names.update((head, tail))
    counts["nodes"] += sum(_node_named(db, n) - _node_named(base.db, n) for n in sorted(names))
    total = int(manifest["content_digest"], 16)
    total -= sum(
        _digest_term(*r)
        for r in _by_rowid(
            base.db, "document_digests", "doc_id, digest", changed["document_digests"]
        )
    )
    total += sum(
        _digest_term(*r)
        for r in _by_rowid(db, "document_digests", "doc_id, digest", changed["document_digests"])
    )
    return counts, f"{total % (1 << 256):064x}"


def _indexed_texts(db: sqlite3.Connection, titled: bool) -> tuple[list[int], list[str]]:
    """Every passage's row id and the text it is indexed under, in row id order."""
    rows = db.execute(
        "SELECT p.id, p.text, d.title FROM passages p LEFT JOIN documents d "
        "USING (doc_id) ORDER BY p.id"
    ).fetchall()
    return [r[0] for r in rows], [
        index_text(text, title if titled else None) for _, text, title in rows
    ]


def _node_passages(
    db: sqlite3.Connection, rules: MergeRules | None, resolver: NodeResolver | None = None
) -> dict[str, set[int]]:
    """Graph node -> row ids of the passages that mention it, the merge rules applied."""
    resolver = resolver or resolver_of(db, rules)
    passages: dict[str, set[int]] = {}
    for node_id, own, rowid in db.execute(
        "SELECT m.node_id, m.own_node, p.id FROM mentions m JOIN passages p USING (passage_id)"
    ):
        passages.setdefault(resolver.resolve(node_id, own)[0], set()).add(int(rowid))
    return passages


# A commit keeps an index's changes beside its file (DenseDelta, BM25Delta, EntityChange) while
# they are at most this many entries or a tenth of the file's, whichever is more; past that it
# writes the index whole.
DELTA_MIN = 1000


def _kept_as_delta(entries: int, in_file: Callable[[], int]) -> bool:
    """Whether a change of ``entries`` stays a delta beside a file of ``in_file()`` entries
    (read only when the change passes DELTA_MIN)."""
    return entries <= DELTA_MIN or entries <= in_file() // 10


class _PendingVectors:
    """A generation's vectors while it is staged as a delta: the base's index (in memory, not
    changed) and the delta since the base's file."""

    def __init__(self, base: DenseIndex, delta: DenseDelta, size: int) -> None:
        self.base, self.delta, self.size = base, delta, size
        self.dimension = base.dimension
        self._added = {int(i): k for k, i in enumerate(delta.added_ids)}

    def reconstruct(self, ids: list[int]) -> np.ndarray:
        out = np.zeros((len(ids), self.dimension), dtype=np.float32)
        rest = [k for k, i in enumerate(ids) if int(i) not in self._added]
        for k, i in enumerate(ids):
            if int(i) in self._added:
                out[k] = self.delta.added[self._added[int(i)]]
        if rest:
            out[rest] = self.base.reconstruct([ids[k] for k in rest])
        return out


def _entity_vectors(
    db: sqlite3.Connection,
    dense: DenseIndex | _PendingVectors,
    rules: MergeRules | None,
    stored: tuple[dict[str, Any], np.ndarray] | None,
    resolver: NodeResolver | None = None,
) -> tuple[dict[str, Any], np.ndarray]:
    """Each graph node's context vector: the unit mean of the vectors of the distinct passages
    that mention it (merge rules applied), in node order, with a key of each node's passage set.
    Incremental: a node whose passages are those it had in ``stored`` (a base generation's
    entity vectors) keeps its stored vector; only the others are computed, from their passages'
    vectors. Returns the index (nodes, keys, and how many vectors were computed) and the
    matrix."""
    passages = _node_passages(db, rules, resolver)
    nodes = sorted(passages)
    keys = [passages_key(passages[n]) for n in nodes]
    before: dict[tuple[str, str], np.ndarray] = {}
    if stored is not None and stored[1].shape[1:] == (dense.dimension,):
        index, matrix = stored
        before = {(n, k): matrix[i] for i, (n, k) in enumerate(zip(index["nodes"], index["keys"]))}
    out = np.zeros((len(nodes), dense.dimension), dtype=np.float32)
    computed = 0
    for i, (node, key) in enumerate(zip(nodes, keys)):
        kept = before.get((node, key))
        if kept is not None:
            out[i] = kept
            continue
        out[i] = context_vector(dense.reconstruct, passages[node])
        computed += 1
    return {"nodes": nodes, "keys": keys, "computed": computed}, out


def rules_json(rules: MergeRules | None) -> dict[str, Any]:
    rules = rules or MergeRules({}, [])
    return {
        "always_merge": dict(sorted(rules.always.items())),
        "never_merge": sorted([list(p) for p in rules.never]),
    }


def rules_of(manifest: dict[str, Any]) -> dict[str, Any]:
    """The merge rules a generation's graph was built with (none for older manifests)."""
    return manifest.get("graph_rules") or rules_json(None)


_GEN_NAME = re.compile(GEN_PREFIX + r"\d{6}")
# A marker file in a generation folder that the quality gate refused (not part of its manifest).
REJECTED = "REJECTED"


class StoreWarning(UserWarning):
    """The store served or recovered something other than what CURRENT names."""


def _read_lock(path: Path) -> int:
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


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):  # closed already
        os.close(fd)


def gen_name(number: int) -> str:
    return f"{GEN_PREFIX}{number:06d}"


class Generation:
    """A committed, verified generation opened for reading."""

    def __init__(
        self, path: Path, manifest: dict[str, Any], dense_options: DenseOptions | None = None
    ) -> None:
        self.path = path
        self.manifest = manifest
        self.dense_options = dense_options or DenseOptions.of({})  # the settings' defaults
        self.number = int(manifest["generation"])
        # A shared lock on the manifest while this object lives: a writer never takes a
        # generation someone reads for its next one (see Store._take_for_recycling).
        self._unlock = weakref.finalize(self, _unlock, _read_lock(path))
        self.db = sqlite3.connect(
            f"file:{path / 'passages.sqlite'}?mode=ro&immutable=1",
            uri=True,
            check_same_thread=False,
        )
        self._dense: DenseIndex | None = None
        self._bm25: BM25Index | None = None
        self._graph: nx.MultiDiGraph | None = None
        self._node_passages: dict[str, set[int]] | None = None
        self._rowids: dict[str, int] | None = None
        self.cache: dict[Any, Any] = {}  # derived read-only structures (entity linkers)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def dense(self) -> DenseIndex:
        if self._dense is None:
            options = self.dense_options
            # vectors added or removed since dense.faiss was written (none after a compaction);
            # an index read from disk in place (mmap) cannot take them, so it is read whole
            pending = (self.path / DenseDelta.FILES[0]).is_file()
            index = DenseIndex.load(self.path / "dense.faiss", options.mmap and not pending)
            self._dense = DenseDelta.load(self.path, index.dimension).apply(index).tune(options)
        return self._dense

    @property
    def bm25(self) -> BM25Index:
        if self._bm25 is None:
            folder = self.path / "bm25"
            if BM25Index.exists(folder):
                self._bm25 = BM25Delta.load(self.path).apply(BM25Index.load(folder))
            else:  # written by a kgqa before this index layout: built from the passages
                titled = bool(self.manifest["models"].get("index_title", False))
                self._bm25 = BM25Index.build(*_indexed_texts(self.db, titled))
        return self._bm25

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            if (self.path / "graph.json").is_file():  # written before the graph tables
                self._graph = load_graph(self.path / "graph.json")
            else:
                self._graph = read_graph(self.db)
        return self._graph

    @property
    def rowids(self) -> dict[str, int]:
        """passage_id -> passage row id."""
        if self._rowids is None:
            self._rowids = dict(self.db.execute("SELECT passage_id, id FROM passages"))
        return self._rowids

    def resolved_mentions(self) -> list[Mention]:
        """Every mention with the merge rules of the manifest applied: the node it counts for
        and the rule that moved it there (a document's own alias rule keeps its name)."""
        rows = self.db.execute(
            'SELECT node_id, name, label, doc_id, own_node, rule, passage_id, text, start, "end" '
            "FROM mentions"
        ).fetchall()
        resolver = resolver_of(self.db, self.merge_rules)
        out = []
        for node_id, _, _, doc_id, own_node, rule, passage_id, text, start, end in rows:
            node, merged_by = resolver.resolve(node_id, own_node)
            out.append(
                Mention(
                    node,
                    rule if merged_by == "document" else merged_by,
                    doc_id,
                    passage_id,
                    text,
                    start,
                    end,
                )
            )
        return out

    @property
    def node_passages(self) -> dict[str, set[int]]:
        """Graph node -> row ids of the passages that mention it."""
        if self._node_passages is None:
            self._node_passages = _node_passages(self.db, self.merge_rules)
        return self._node_passages

    def passages_by_rowid(self, rowids: Iterable[int]) -> dict[int, Passage]:
        ids = list(rowids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f'SELECT id, passage_id, doc_id, ordinal, start, "end", text FROM passages '
            f"WHERE id IN ({marks})",
            ids,
        ).fetchall()
        pages = self.document_pages
        return {
            r[0]: Passage(r[1], r[2], r[3], r[4], r[5], r[6], pages.get(r[2], ())) for r in rows
        }

    @property
    def merge_rules(self) -> MergeRules:
        """The merge rules this generation's graph was built with."""
        r = rules_of(self.manifest)
        return MergeRules(r["always_merge"], [tuple(p) for p in r["never_merge"]])

    def entity_vectors(self) -> tuple[dict[str, Any], np.ndarray]:
        """The graph nodes' context vectors: ({"nodes", "keys", "computed"}, matrix), as stored
        with this generation, or computed now for generations written before they were."""
        stored = self.stored_entity_vectors()
        return (
            stored
            if stored is not None
            else _entity_vectors(self.db, self.dense, self.merge_rules, None)
        )

    def stored_entity_vectors(self) -> tuple[dict[str, Any], np.ndarray] | None:
        """The entity vectors stored with this generation: its files with the change since
        they were written applied (a small commit writes only that change)."""
        if not (self.path / "entity_vectors.npy").is_file():
            return None
        index = json.loads((self.path / "entity_vectors.json").read_text())
        matrix = np.load(self.path / "entity_vectors.npy", allow_pickle=False)
        if not (self.path / EntityChange.FILES[1]).is_file():
            return index, matrix
        return EntityChange.load(self.path, matrix.shape[1]).applied(index, matrix)

    @property
    def document_pages(self) -> dict[str, tuple[int, ...]]:
        """doc_id -> where each of its pages starts, for the documents that have pages."""
        found = self.cache.get("document_pages")
        if found is None:
            found = {}
            for doc_id, metadata in self.db.execute(
                "SELECT doc_id, metadata FROM documents WHERE metadata LIKE '%\"pages\"%'"
            ):
                starts = json.loads(metadata).get("pages")
                if isinstance(starts, list) and starts:
                    found[doc_id] = tuple(int(x) for x in starts)
            self.cache["document_pages"] = found
        return found

    def document_hashes(self) -> dict[str, tuple[str, str]]:
        """doc_id -> (content hash, source)."""
        return {
            r[0]: (r[1], r[2])
            for r in self.db.execute("SELECT doc_id, content_hash, source FROM documents")
        }

    def close(self) -> None:
        self.db.close()
        self._unlock()


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
        self._staging = 0  # the number of the generation being staged

    # --- reading -----------------------------------------------------------------------------
    def current_name(self) -> str | None:
        """The generation CURRENT names, or None when CURRENT is missing, unreadable, or names
        anything but a generation folder of this store (``gen-`` and six digits: never a path)."""
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except (OSError, UnicodeDecodeError):
            return None
        return name if _GEN_NAME.fullmatch(name) else None

    def generations(self) -> list[int]:
        if not self.root.is_dir():
            return []
        return sorted(
            int(p.name[len(GEN_PREFIX) :])
            for p in self.root.iterdir()
            if p.is_dir() and p.name.startswith(GEN_PREFIX) and p.name[len(GEN_PREFIX) :].isdigit()
        )

    def exists(self) -> bool:
        """Whether there is a store here: a CURRENT pointer or any committed generation."""
        return self.current_name() is not None or bool(self.generations())

    def verify(self, path: Path) -> dict[str, Any]:
        """Check a generation folder against its manifest; raise StoreError saying what is wrong."""
        manifest_path = path / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise StoreError(f"{manifest_path}: unreadable manifest ({err})") from None
        version = manifest.get("layout_version")
        if version != LAYOUT_VERSION:
            raise StoreError(
                f"{path} was written with store layout version {version}, this kgqa reads version "
                f"{LAYOUT_VERSION}; re-ingest your documents into a new store (--store NEW_DIR)"
            )
        for name, digest in manifest["files"].items():
            file = path / name
            if not file.is_file():
                raise StoreError(f"{path}: file {name} named in the manifest is missing")
            if _sha256(file) != digest:
                raise StoreError(f"{path}: checksum mismatch for {name}; the file is damaged")
        for name, entry in manifest.get("chunked", {}).items():
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
        current = self.current_name()
        numbers = self.generations()
        if current is None and not numbers:
            raise StoreError(
                f"no kgqa store at {self.root} (no CURRENT file); run `kgqa ingest PATH "
                f"--store {self.root}` first, or point --store / KGQA_STORE at your store"
            )
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
            counts = manifest["counts"]
            (n_passages,) = generation.db.execute("SELECT COUNT(*) FROM passages").fetchone()
            if n_passages != counts["passages"] or generation.dense.size != counts["passages"]:
                generation.close()
                problems.append(f"{path}: passage counts disagree with the manifest")
                continue
            if problems:
                import warnings

                warnings.warn(
                    f"kgqa store: using {name}, the newest intact generation; "
                    + "; ".join(problems),
                    StoreWarning,
                    stacklevel=2,
                )
            return generation
        raise StoreError(f"no intact generation in {self.root}: " + "; ".join(problems))

    @staticmethod
    def check_models(manifest: dict[str, Any], embedder: str | None, dimension: int | None) -> None:
        built = manifest["models"].get("embedder")
        if embedder is not None and built is not None and built != embedder:
            raise StoreError(
                f"the store was built with embedder {built!r} but the settings name {embedder!r}; "
                f"set KGQA_EMBEDDER={built} or re-ingest into a new store"
            )
        built_dim = manifest["models"].get("embedding_dimension")
        if dimension is not None and built_dim is not None and built_dim != dimension:
            raise StoreError(
                f"the store holds {built_dim}-dimensional vectors "
                f"but the embedder gives {dimension}; "
                "use the embedder the store was built with, or re-ingest into a new store"
            )

    # --- writing -----------------------------------------------------------------------------
    def check_writable(self) -> None:
        """Refuse, with what to do, a store path a writer cannot use: a file, or a folder (or
        its parent) it may not write to."""
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(
                f"{self.root} is a file, not a store folder; give --store (or "
                "KGQA_STORE) a folder path"
            )
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
        try:
            return self._stage(removed, added, models, settings, rules, reembed, base, keep)
        except (ReuseFailed, sqlite3.DatabaseError) as err:
            # A reused file that turns out damaged beyond what its checks cover costs only
            # time: the commit starts over from a copy of the base's file.
            if not isinstance(err, ReuseFailed) and self.recycled is None:
                raise
            shutil.rmtree(self.root / (gen_name(self._staging) + ".tmp"), ignore_errors=True)
            return self._stage(removed, added, models, settings, rules, reembed, base, None)

    def _stage(
        self,
        removed: list[str],
        added: list[ProcessedDocument],
        models: dict[str, Any],
        settings: dict[str, Any],
        rules: MergeRules | None,
        reembed: Callable[[list[str]], np.ndarray] | None,
        base: Generation | None,
        keep: int | None,
    ) -> Manifest:
        seconds = self.stage_seconds = {}
        mark = time.perf_counter()

        def lap(step: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            seconds[step] = seconds.get(step, 0.0) + now - mark
            mark = now

        numbers = self.generations()
        number = self._staging = (numbers[-1] if numbers else 0) + 1
        tmp = self.root / (gen_name(number) + ".tmp")
        db_path = tmp / "passages.sqlite"
        self.recycled = None
        reuse = (
            self._take_for_recycling(base, numbers + [number], keep, tmp)
            if base is not None and keep is not None
            else None
        )
        if base is not None and reuse is not None:
            self.recycled = reuse.number
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
                "SELECT name FROM sqlite_master WHERE name IN "
                "('person_surnames', 'document_digests')"
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
            stale_rowids = self._retract(dst, retract)
            for item in added:
                if item.vectors.shape[1:] != (dimension,):
                    raise QAError(
                        f"vector dimension {item.vectors.shape[1]} does not match the index "
                        f"({dimension}); the embedder changed: re-ingest into a new store"
                    )
                added_rowids += self._insert(dst, item)
                added_vectors.append(item.vectors)
                title = item.document.title if titled else None
                added_texts += [index_text(p.text, title) for p in item.passages]
            _update_document_digests(dst, retract, fill_digests)
            update_person_surnames(
                dst,
                None
                if fill_surnames
                else {
                    node
                    for source in ([dst] if base is None else [base.db, dst])
                    for row in _where_in(
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
        vectors: DenseIndex | _PendingVectors
        if base is not None and reembed is None:
            base_delta = DenseDelta.load(base.path, dimension)
            after = base_delta.then(stale, fresh_ids, fresh)
            size = base.dense.size - len(stale) + len(fresh_ids)
            in_file = base.dense.size - len(base_delta.added_ids) + len(base_delta.removed)
            if (
                base.dense.kind == "flat"
                and options.kind_for(size) == "flat"
                and not options.mmap
                and _kept_as_delta(len(after), lambda: in_file)
            ):
                delta = after
                vectors = _PendingVectors(base.dense, delta, size)
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
            if _kept_as_delta(len(terms), lambda: np.load(rows_in_file, mmap_mode="r").shape[0]):
                bm25_delta = terms
            else:
                bm25 = terms.apply(BM25Index.load(base.path / "bm25"))
        else:
            ids, texts = _indexed_texts(dst, titled)
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
        stored = (
            base is not None and reembed is None and (base.path / "entity_vectors.npy").is_file()
        )
        with dst:
            if (
                base is not None
                and stored
                and not (base.path / "graph.json").exists()
                and rules_json(rules) == rules_of(base.manifest)
                and len(retract) <= max(100, base.manifest["counts"]["documents"] // 5)
            ):
                # A small change: only the nodes and edges it touches are recomputed.
                change = update_derived(base.db, dst, retract, rules, vectors.reconstruct)
                base_change = EntityChange.load(base.path, dimension)
                entity_change = base_change.then(change)
                nodes_in_file = base.path / "entity_vectors.json"
                if not _kept_as_delta(
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
                entities = _entity_vectors(
                    dst,
                    vectors,
                    rules,
                    base.stored_entity_vectors() if stored and base else None,
                    resolver,
                )
        lap("graph")
        updated = _updated_counts(base, dst) if logged and base is not None else None
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
            content_digest = _content_digest(dst)
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
            carried["dense.faiss"] = self._base_file(base, reuse, tmp, "dense.faiss")
            delta.save(tmp)
        else:
            assert dense is not None
            dense.conform(options).save(index_file)
        if bm25_delta is not None:
            assert base is not None
            for name in BM25Index.FILES:
                carried[f"bm25/{name}"] = self._base_file(base, reuse, tmp, f"bm25/{name}")
            bm25_delta.save(tmp)
        else:
            bm25.save(tmp / "bm25")
        if entity_change is not None:
            assert base is not None
            for name in ("entity_vectors.npy", "entity_vectors.json"):
                carried[name] = self._base_file(base, reuse, tmp, name)
            entity_change.save(tmp)
        else:
            assert entities is not None
            np.save(tmp / "entity_vectors.npy", entities[1], allow_pickle=False)
            (tmp / "entity_vectors.json").write_text(json.dumps(entities[0], ensure_ascii=False))
        lap("write")
        if chunked is None:
            chunked = digests_of(db_path)
        files = {
            name: carried.get(name) or _sha256(p)
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
        _fsync_tree(tmp)
        final = self.root / gen_name(number)
        os.replace(tmp, final)
        _fsync_dir(self.root)
        lap("fsync")
        return manifest

    def _take_for_recycling(
        self, base: Generation, numbers: list[int], keep: int, tmp: Path
    ) -> Reuse | None:
        """Move the newest generation that publishing would prune and that ``base`` descends
        from to ``tmp``, keeping its SQLite file and the index files a commit may keep
        (``_base_file``), with the change logs that bring that file to ``base``. None,
        touching nothing, when there is no such generation, a log in between is missing or
        damaged, or a reader holds it: the caller then copies the base's file. Its SQLite
        file is checked where the commit will write it (``finish_reused``);
        one from before chunk digests is checked whole here."""
        current = self.current_name()
        doomed = {n for n in numbers[:-keep] if gen_name(n) != current}
        manifest, chain = base.manifest, []
        while True:
            parent = manifest.get("base")
            path = self.root / gen_name(int(manifest["generation"]))
            digest = manifest["files"].get(CHANGES)
            if not isinstance(parent, int) or digest is None:
                return None
            chain.append((path / CHANGES, digest))
            if parent in doomed:
                break
            try:
                manifest = json.loads((self.root / gen_name(parent) / "manifest.json").read_text())
            except (OSError, json.JSONDecodeError):
                return None
        old = self.root / gen_name(parent)
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
            if any(not log.is_file() or _sha256(log) != digest for log, digest in chain):
                return None
            chunked = old_manifest.get("chunked", {}).get("passages.sqlite")
            if chunked is None and _sha256(old / "passages.sqlite") != old_manifest["files"].get(
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

    @staticmethod
    def _base_file(base: Generation, reuse: Reuse | None, tmp: Path, name: str) -> str:
        """Put the base's file ``name`` into ``tmp`` as it is and return its checksum: the
        reused generation's own copy when it is the same file (same checksum), else a byte
        copy. Never a shared link: each generation's files stay its own, so damage to one
        leaves the others to fall back on."""
        digest = base.manifest["files"][name]
        target = tmp / name
        if reuse is None or reuse.files.get(name) != digest or not target.is_file():
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(base.path / name, target)
        return str(digest)

    def publish(self, number: int, keep: int) -> None:
        """Make a staged generation current (atomically) and drop old generations."""
        pointer = self.root / "CURRENT.tmp"
        with pointer.open("w") as fh:
            fh.write(gen_name(number) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(pointer, self.root / "CURRENT")
        _fsync_dir(self.root)
        _fsync_dir(self.root)
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

    @staticmethod
    def _retract(db: sqlite3.Connection, doc_ids: set[str]) -> list[int]:
        stale: list[int] = []
        for doc_id in doc_ids:
            stale += [
                r[0] for r in db.execute("SELECT id FROM passages WHERE doc_id = ?", (doc_id,))
            ]
            for table in ("passages", "mentions", "evidence", "documents"):
                db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        return stale

    @staticmethod
    def _insert(db: sqlite3.Connection, item: ProcessedDocument) -> list[int]:
        doc = item.document
        db.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                doc.doc_id,
                doc.source,
                doc.content_hash,
                doc.title,
                json.dumps(doc.metadata, ensure_ascii=False),
                doc.text,
                time.time(),
            ),
        )
        rowids = []
        for p in item.passages:
            cur = db.execute(
                'INSERT INTO passages (passage_id, doc_id, ordinal, start, "end", text) '
                "VALUES (?, ?, ?, ?, ?, ?)",
                (p.passage_id, p.doc_id, p.ordinal, p.start, p.end, p.text),
            )
            assert cur.lastrowid is not None  # an INSERT always sets it
            rowids.append(cur.lastrowid)
        db.executemany(
            'INSERT INTO mentions (doc_id, passage_id, node_id, name, label, text, start, "end", '
            "own_node, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc.doc_id,
                    m.passage_id,
                    m.row.node_id,
                    m.row.name,
                    m.row.label,
                    m.text,
                    m.start,
                    m.end,
                    m.row.own_node,
                    m.row.rule,
                )
                for m in item.mentions
            ],
        )
        db.executemany(
            "INSERT INTO evidence (doc_id, passage_id, head, tail, label, confidence, extractor, "
            'start, "end", sentence, head_own, tail_own) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.doc_id,
                    e.passage_id,
                    e.head,
                    e.tail,
                    e.label,
                    e.confidence,
                    e.extractor,
                    e.start,
                    e.end,
                    e.sentence,
                    e.head_own,
                    e.tail_own,
                )
                for e in item.evidence
            ],
        )
        return rowids

    def quarantine(self, entries: list[dict[str, Any]]) -> None:
        if not entries:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "quarantine.jsonl").open("a") as fh:
            for entry in entries:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
