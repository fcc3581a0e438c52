"""A committed generation opened for reading: its indexes, graph and passages, loaded on
first use."""

from __future__ import annotations

import json
import sqlite3
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from kgqa.kg.graph import MergeRules, load_graph
from kgqa.qa.store.entity_vectors import EntityChange, entity_vectors_of
from kgqa.qa.store.files import read_lock, unlock
from kgqa.qa.store.graph_tables import read_graph, resolver_of
from kgqa.qa.store.index import BM25Delta, BM25Index, DenseDelta, DenseIndex, DenseOptions
from kgqa.qa.store.manifest import Manifest, rules_of
from kgqa.qa.store.tables import indexed_texts, node_passages_of
from kgqa.qa.types import Mention, Passage


class Generation:
    """A committed, verified generation opened for reading."""

    def __init__(
        self, path: Path, manifest: Manifest, dense_options: DenseOptions | None = None
    ) -> None:
        self.path = path
        self.manifest = manifest
        self.dense_options = dense_options or DenseOptions.of({})  # the settings' defaults
        self.number = manifest.generation
        # A shared lock on the manifest while this object lives: a writer never takes a
        # generation someone reads for its next one (see Store._take_for_recycling).
        self._unlock = weakref.finalize(self, unlock, read_lock(path))
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
        # what a reader of this generation should be told (it was opened in place of a newer,
        # damaged one); also warned about when opened
        self.notices: list[str] = []

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
                titled = bool(self.manifest.models.get("index_title", False))
                self._bm25 = BM25Index.build(*indexed_texts(self.db, titled))
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
            self._node_passages = node_passages_of(self.db, self.merge_rules)
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
            else entity_vectors_of(self.db, self.dense, self.merge_rules, None)
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
