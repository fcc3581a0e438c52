"""Each graph node's context vector, computed for the nodes whose passages changed."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.kg.graph import MergeRules, NodeResolver
from kgqa.qa.store.deltas import PendingVectors
from kgqa.qa.store.index import DenseIndex
from kgqa.qa.store.tables import node_passages_of


def entity_vectors_of(
    db: sqlite3.Connection,
    dense: DenseIndex | PendingVectors,
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
    passages = node_passages_of(db, rules, resolver)
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


def context_vector(reconstruct: Any, passages: set[int]) -> np.ndarray:
    """A node's context vector: the unit mean of its passages' stored vectors."""
    mean = reconstruct(sorted(passages)).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean


@dataclass
class EntityChange:
    """The entity vectors commits recomputed (``nodes``, their passage-set ``keys``, their
    ``vectors``) and the nodes they ``dropped`` (no mention resolves to them any more), since
    a generation's entity_vectors files were written; ``computed``: how many vectors the last
    of those commits computed."""

    FILES = ("entity_delta.npy", "entity_delta.json")

    nodes: list[str]
    keys: list[str]
    vectors: np.ndarray
    dropped: set[str]
    computed: int = 0

    def applied(
        self, index: dict[str, Any], matrix: np.ndarray
    ) -> tuple[dict[str, Any], np.ndarray]:
        """The whole table (index, matrix), in node order, after this change."""
        gone = self.dropped | set(self.nodes)
        kept = [i for i, n in enumerate(index["nodes"]) if n not in gone]
        names = [index["nodes"][i] for i in kept] + self.nodes
        keys = [index["keys"][i] for i in kept] + self.keys
        order = sorted(range(len(names)), key=names.__getitem__)
        stacked = np.concatenate(
            [matrix[kept], self.vectors.reshape(len(self.nodes), matrix.shape[1])]
        )
        return (
            {
                "nodes": [names[i] for i in order],
                "keys": [keys[i] for i in order],
                "computed": self.computed,
            },
            np.ascontiguousarray(stacked[order], dtype=np.float32),
        )

    def then(self, later: EntityChange) -> EntityChange:
        """This change followed by ``later``."""
        rows = {n: (k, v) for n, k, v in zip(self.nodes, self.keys, self.vectors)}
        for node in later.dropped:
            rows.pop(node, None)
        rows.update({n: (k, v) for n, k, v in zip(later.nodes, later.keys, later.vectors)})
        names = sorted(rows)
        vectors = np.zeros((len(names), later.vectors.shape[1]), dtype=np.float32)
        for i, name in enumerate(names):
            vectors[i] = rows[name][1]
        return EntityChange(
            names,
            [rows[n][0] for n in names],
            vectors,
            (self.dropped | later.dropped) - set(rows),
            later.computed,
        )

    def __len__(self) -> int:
        return len(self.nodes) + len(self.dropped)

    def save(self, folder: Path) -> None:
        np.save(folder / self.FILES[0], self.vectors, allow_pickle=False)
        (folder / self.FILES[1]).write_text(
            json.dumps(
                {
                    "nodes": self.nodes,
                    "keys": self.keys,
                    "dropped": sorted(self.dropped),
                    "computed": self.computed,
                },
                ensure_ascii=False,
            )
        )

    @classmethod
    def load(cls, folder: Path, dimension: int) -> EntityChange:
        """The change stored in ``folder`` since its entity_vectors files (none: empty)."""
        if not (folder / cls.FILES[1]).is_file():
            return cls([], [], np.zeros((0, dimension), np.float32), set())
        data = json.loads((folder / cls.FILES[1]).read_text())
        return cls(
            data["nodes"],
            data["keys"],
            np.load(folder / cls.FILES[0], allow_pickle=False),
            set(data["dropped"]),
            data["computed"],
        )


def passages_key(passages: set[int]) -> str:
    """A short digest of a node's passage set: an entity vector is reused while it matches."""
    return hashlib.sha256(",".join(map(str, sorted(passages))).encode()).hexdigest()[:16]
