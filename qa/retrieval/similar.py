"""What else is like this: nearest passages, documents and entities over the passage vectors a
generation already holds, and near-duplicate passages across documents.

- Passages: the passage's own vector against the dense index.
- Documents: a document is its passages' vectors, compared by their normalised mean (``mean``)
  or by its best-matching pair of passages (``max``).
- Free text: embedded like a query.
- Entities: an entity's vector is the normalised mean of the vectors of the passages that
  mention it (its contexts); with ``graph`` the cosine is blended with graph proximity, the
  personalised PageRank from the entity, scaled to [0, 1].

Entity vectors are stored with each generation (derived at commit, like the graph); document
vectors are derived once per generation on first use from its passage vectors. Both always
match the passages of the generation served.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kgqa.kg.analysis import resolve_entity
from kgqa.qa.cancel import checkpoint
from kgqa.qa.choices import DOCUMENT_MEASURES
from kgqa.qa.retrieval.embed import PassageEmbedder
from kgqa.qa.store import Generation
from kgqa.qa.types import InputError


class UnknownItem(InputError):
    """No passage or document of that id in the store."""


@dataclass(frozen=True)
class SimilarResults:
    """Neighbours of one query item, best first, each with a cosine-based score."""

    kind: str  # passage, document, text, entity
    query: str
    generation: str
    results: list[dict[str, Any]]
    options: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "query": self.query,
            "generation": self.generation,
            **self.options,
            "results": self.results,
        }


@dataclass(frozen=True)
class _Vectors:
    """A generation's passage vectors in row order, and how rows map to passages and docs."""

    rowids: np.ndarray
    matrix: np.ndarray
    row_of: dict[int, int]
    doc_ids: list[str]  # per row
    passage_ids: list[str]  # per row


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


class Similarity:
    """Nearest neighbours within one generation."""

    def __init__(self, generation: Generation, embedder: PassageEmbedder) -> None:
        self.generation = generation
        self.embedder = embedder

    # --- derived per generation ----------------------------------------------------------------
    def _vectors(self) -> _Vectors:
        cache = self.generation.cache
        if "similar_vectors" not in cache:
            ids, matrix = self.generation.dense.vectors()
            order = np.argsort(ids)
            ids, matrix = ids[order], np.asarray(matrix[order], dtype=np.float32)
            rows = dict(self.generation.db.execute("SELECT id, doc_id FROM passages"))
            pids = {rowid: pid for pid, rowid in self.generation.rowids.items()}
            cache["similar_vectors"] = _Vectors(
                ids,
                matrix,
                {int(r): i for i, r in enumerate(ids)},
                [rows.get(int(r), "") for r in ids],
                [pids.get(int(r), "") for r in ids],
            )
        found: _Vectors = cache["similar_vectors"]
        return found

    def _documents(self) -> tuple[list[str], np.ndarray, dict[str, list[int]]]:
        """Document ids, their unit mean vectors, and each document's rows."""
        cache = self.generation.cache
        if "similar_documents" not in cache:
            v = self._vectors()
            rows: dict[str, list[int]] = {}
            for i, doc_id in enumerate(v.doc_ids):
                rows.setdefault(doc_id, []).append(i)
            docs = sorted(rows)
            means = (
                _unit(np.stack([v.matrix[rows[d]].mean(axis=0) for d in docs]))
                if docs
                else np.zeros((0, v.matrix.shape[1]), np.float32)
            )
            cache["similar_documents"] = (docs, means, rows)
        found: tuple[list[str], np.ndarray, dict[str, list[int]]] = cache["similar_documents"]
        return found

    def _entities(self) -> tuple[list[str], np.ndarray]:
        """Entity node ids and their unit context vectors."""
        cache = self.generation.cache
        if "similar_entities" not in cache:
            index, matrix = self.generation.entity_vectors()
            cache["similar_entities"] = (index["nodes"], matrix)
        found: tuple[list[str], np.ndarray] = cache["similar_entities"]
        return found

    # --- queries -------------------------------------------------------------------------------
    def _passage_results(self, vector: np.ndarray, k: int, skip: set[int]) -> list[dict[str, Any]]:
        hits = self.generation.dense.search(vector, k + len(skip))
        ranked = [(rowid, score) for rowid, score in hits if rowid not in skip][:k]
        passages = self.generation.passages_by_rowid(r for r, _ in ranked)
        out = []
        for rowid, score in ranked:
            p = passages.get(rowid)
            if p is not None:
                out.append(
                    {
                        "passage_id": p.passage_id,
                        "doc_id": p.doc_id,
                        "score": round(float(score), 6),
                        "start": p.start,
                        "end": p.end,
                        "text": p.text,
                        **({"page": p.page} if p.page_starts else {}),
                    }
                )
        return out

    def passages(self, passage_id: str, k: int) -> SimilarResults:
        rowid = self.generation.rowids.get(passage_id)
        if rowid is None:
            raise UnknownItem(
                "--passage",
                f"no passage {passage_id!r} in the store; passage ids "
                "look like DOC#N (see kgqa search --json)",
            )
        v = self._vectors()
        vector = v.matrix[v.row_of[rowid]]
        return SimilarResults(
            "passage", passage_id, self.generation.name, self._passage_results(vector, k, {rowid})
        )

    def text(self, text: str, k: int) -> SimilarResults:
        if not text.strip():
            raise InputError("--text", "the text is empty; give the words to compare")
        vector = self.embedder([text])[0]
        return SimilarResults(
            "text", text, self.generation.name, self._passage_results(vector, k, set())
        )

    def documents(self, doc_id: str, k: int, by: str = "mean") -> SimilarResults:
        if by not in DOCUMENT_MEASURES:
            raise InputError(
                "--by", f"unknown measure {by!r}; valid: {', '.join(DOCUMENT_MEASURES)}"
            )
        docs, means, rows = self._documents()
        if doc_id not in rows:
            raise UnknownItem(
                "--doc",
                f"no document {doc_id!r} in the store (see kgqa stats or "
                "kgqa search --json for document ids)",
            )
        v = self._vectors()
        if by == "mean":
            scores = means @ means[docs.index(doc_id)]
        else:  # the best pair of passages, one from each document
            best = (v.matrix @ v.matrix[rows[doc_id]].T).max(axis=1)
            scores = np.array([best[rows[d]].max() for d in docs])
        titles = dict(self.generation.db.execute("SELECT doc_id, title FROM documents"))
        order = [i for i in np.argsort(-scores, kind="stable") if docs[i] != doc_id][:k]
        results = [
            {
                "doc_id": docs[i],
                "title": titles.get(docs[i]),
                "score": round(float(scores[i]), 6),
                "passages": len(rows[docs[i]]),
            }
            for i in order
        ]
        return SimilarResults("document", doc_id, self.generation.name, results, {"by": by})

    def entities(self, name: str, k: int, graph_weight: float = 0.0) -> SimilarResults:
        graph = self.generation.graph
        node = resolve_entity(graph, name)
        nodes, matrix = self._entities()
        if node not in nodes:
            raise InputError("--entity", f"{node!r} has no passages with vectors to compare")
        scores = matrix @ matrix[nodes.index(node)]
        if graph_weight > 0:
            import networkx as nx

            rank = nx.pagerank(nx.Graph(graph), personalization={node: 1.0})
            top = max((s for n, s in rank.items() if n != node), default=0.0) or 1.0
            proximity = np.array([min(1.0, rank.get(n, 0.0) / top) for n in nodes])
            scores = (1 - graph_weight) * scores + graph_weight * proximity
        order = [i for i in np.argsort(-scores, kind="stable") if nodes[i] != node][:k]
        results = [
            {
                "id": nodes[i],
                "name": graph.nodes[nodes[i]].get("label", nodes[i]),
                "type": graph.nodes[nodes[i]].get("type"),
                "score": round(float(scores[i]), 6),
            }
            for i in order
        ]
        return SimilarResults(
            "entity", node, self.generation.name, results, {"graph_weight": graph_weight}
        )

    def find(
        self,
        k: int,
        *,
        passage: str | None = None,
        doc: str | None = None,
        text: str | None = None,
        entity: str | None = None,
        by: str = "mean",
        graph_weight: float = 0.0,
    ) -> SimilarResults:
        """Neighbours of the one item given: a passage, a document, free text or an entity
        (the callers check that exactly one is)."""
        if passage is not None:
            return self.passages(passage, k)
        if doc is not None:
            return self.documents(doc, k, by)
        if text is not None:
            return self.text(text, k)
        if entity is not None:
            return self.entities(entity, k, graph_weight)
        raise InputError("similar", "give a passage, a document, a text or an entity")

    def duplicates(
        self, threshold: float, neighbours: int = 10, limit: int = 100, offset: int = 0
    ) -> SimilarResults:
        """Pairs of passages from different documents whose cosine is at least ``threshold``,
        most similar first (each pair once): each passage's ``neighbours`` nearest passages,
        kept when over the threshold, so work and memory grow as passages x neighbours
        whatever the threshold. One page of ``limit`` pairs from ``offset``; ``pairs`` says
        how many there are in all."""
        if not 0 < threshold <= 1:
            raise InputError(
                "--threshold", f"{threshold} is not in (0, 1]; 0.95 finds near-identical passages"
            )
        for name, value, least in (("--neighbours", neighbours, 1), ("--limit", limit, 1)):
            if value < least:
                raise InputError(name, f"{value} is below {least}")
        if offset < 0:
            raise InputError("--offset", f"{offset} is negative")
        v = self._vectors()
        n = len(v.rowids)
        k = min(neighbours + 1, n)  # + the passage itself
        pairs: dict[tuple[int, int], float] = {}
        size = max(16, min(1024, 20_000_000 // max(1, n)))  # a block of scores: ~80 MB at most
        for b in range(0, n, size):
            scores = v.matrix[b : b + size] @ v.matrix.T
            if k < n:
                nearest = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            else:
                nearest = np.broadcast_to(np.arange(n), scores.shape)
            near = np.take_along_axis(scores, nearest, axis=1)
            for i, j in zip(*np.nonzero(near >= threshold)):
                a, c = b + int(i), int(nearest[i, j])
                if a != c and v.doc_ids[a] != v.doc_ids[c]:
                    pairs[(min(a, c), max(a, c))] = float(near[i, j])
            checkpoint()  # an HTTP request past its time limit stops here
        ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
        results = [
            {
                "score": round(score, 6),
                "a": {"passage_id": v.passage_ids[a], "doc_id": v.doc_ids[a]},
                "b": {"passage_id": v.passage_ids[c], "doc_id": v.doc_ids[c]},
            }
            for (a, c), score in ranked[offset : offset + limit]
        ]
        return SimilarResults(
            "duplicates",
            f">= {threshold}",
            self.generation.name,
            results,
            {
                "threshold": threshold,
                "neighbours": neighbours,
                "pairs": len(ranked),
                "offset": offset,
                "limit": limit,
            },
        )
