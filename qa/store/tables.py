"""The SQLite tables of a generation: the schema, the records a commit inserts, and the
queries on them (per-document digests, counts, indexed texts, passages of each node)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from kgqa.kg.graph import EvidenceRow, MentionRow, MergeRules, NodeResolver
from kgqa.qa.store.graph_tables import resolver_of, where_in
from kgqa.qa.store.index import index_text
from kgqa.qa.types import Document, Passage

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


# A document's stored content in a canonical order (ingestion times left out); each query's
# first column is the doc_id.
DOCUMENT_CONTENT = [
    "SELECT doc_id, source, content_hash, title, metadata, text FROM documents",
    'SELECT doc_id, passage_id, ordinal, start, "end", text FROM passages',
    'SELECT doc_id, passage_id, node_id, name, label, text, start, "end", own_node, rule '
    "FROM mentions",
    'SELECT doc_id, passage_id, head, tail, label, confidence, extractor, start, "end", '
    "sentence, head_own, tail_own FROM evidence",
]


def digests_of_documents(db: sqlite3.Connection, doc_ids: list[str] | None) -> dict[str, str]:
    """sha256 of each document's rows (of ``doc_ids``, or of every document)."""
    digests: dict[str, Any] = {}
    where = "" if doc_ids is None else f" WHERE doc_id IN ({','.join('?' * len(doc_ids))})"
    for query in DOCUMENT_CONTENT:
        # ORDER BY every column: rows are ordered by their content alone, not their row ids
        columns = query[len("SELECT ") : query.index(" FROM")]
        for row in db.execute(f"{query}{where} ORDER BY {columns}", doc_ids or []):
            digests.setdefault(row[0], hashlib.sha256()).update(
                json.dumps(row, ensure_ascii=False).encode()
            )
        for digest in digests.values():
            digest.update(b"\x1e")
    return {doc_id: digest.hexdigest() for doc_id, digest in digests.items()}


def update_document_digests(db: sqlite3.Connection, changed: set[str], fill: bool) -> None:
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
        else sorted(r[0] for r in where_in(db, "SELECT doc_id FROM documents", "doc_id", changed))
    )
    if len(missing) > 500:
        wanted = set(missing)
        digests = {d: h for d, h in digests_of_documents(db, None).items() if d in wanted}
    else:
        digests = digests_of_documents(db, missing)
    db.executemany("INSERT INTO document_digests VALUES (?, ?)", sorted(digests.items()))


# The content digest is the sum, modulo 2**256, of one sha256 per document (of its doc_id
# and its digest): two stores with the same documents compare equal however they were built,
# and a commit updates it from the documents it changed alone.
DIGEST_KIND = "sha256-sum"


def digest_term(doc_id: str, digest: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{doc_id}\x1f{digest}".encode()).digest(), "big")


def content_digest_of(db: sqlite3.Connection) -> str:
    """The content digest of every document's rows (ingestion times left out)."""
    total = sum(
        digest_term(d, h) for d, h in db.execute("SELECT doc_id, digest FROM document_digests")
    )
    return f"{total % (1 << 256):064x}"


def by_rowid(
    db: sqlite3.Connection, table: str, columns: str, rowids: list[int]
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows of ``table`` with these row ids (those that exist)."""
    return list(where_in(db, f"SELECT {columns} FROM {table}", "rowid", rowids))


def node_named(db: sqlite3.Connection, name: str) -> bool:
    """Whether the graph tables hold a node of this name (with mentions, or an edge's end)."""
    return bool(
        db.execute(
            "SELECT EXISTS (SELECT 1 FROM graph_nodes WHERE node = ?1) "
            "OR EXISTS (SELECT 1 FROM graph_edges WHERE head = ?1) "
            "OR EXISTS (SELECT 1 FROM graph_edges WHERE tail = ?1)",
            (name,),
        ).fetchone()[0]
    )


def indexed_texts(db: sqlite3.Connection, titled: bool) -> tuple[list[int], list[str]]:
    """Every passage's row id and the text it is indexed under, in row id order."""
    rows = db.execute(
        "SELECT p.id, p.text, d.title FROM passages p LEFT JOIN documents d "
        "USING (doc_id) ORDER BY p.id"
    ).fetchall()
    return [r[0] for r in rows], [
        index_text(text, title if titled else None) for _, text, title in rows
    ]


def node_passages_of(
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


def retract_documents(db: sqlite3.Connection, doc_ids: set[str]) -> list[int]:
    stale: list[int] = []
    for doc_id in doc_ids:
        stale += [r[0] for r in db.execute("SELECT id FROM passages WHERE doc_id = ?", (doc_id,))]
        for table in ("passages", "mentions", "evidence", "documents"):
            db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
    return stale


def insert_document(db: sqlite3.Connection, item: ProcessedDocument) -> list[int]:
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
