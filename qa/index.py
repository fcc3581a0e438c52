"""The passage indexes: dense vectors in FAISS and a BM25 index, both keyed by passage row id."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import numpy as np

from qa.types import QAError


class DenseIndex:
    """Exact inner-product search over unit vectors, with int64 ids that map to passages.

    Adding and removing ids is incremental (an ``IndexIDMap2`` over a flat index).
    """

    def __init__(self, dimension: int, index: Any = None) -> None:
        import faiss

        self.dimension = dimension
        self.index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        if vectors.shape[1] != self.dimension:
            raise QAError(
                f"vector dimension {vectors.shape[1]} does not match the index ({self.dimension}); "
                "the embedder changed: re-ingest into a new store"
            )
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                np.asarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> None:
        import faiss

        if len(ids):
            self.index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64)))

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        if self.size == 0:
            return []
        scores, ids = self.index.search(np.asarray(query, dtype=np.float32).reshape(1, -1),
                                        min(k, self.size))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        import faiss

        index = faiss.read_index(str(path))
        return cls(index.d, index)


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def bm25_tokens(texts: list[str]) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), return_ids=False,
                          show_progress=False)


class BM25Index:
    """BM25 (bm25s) over passage texts; rebuilt from the passage table on every commit, so a
    deleted passage can never linger in it."""

    def __init__(self, ids: np.ndarray, retriever: Any) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.retriever = retriever

    @property
    def size(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, ids: list[int], texts: list[str]) -> BM25Index:
        import bm25s

        retriever = bm25s.BM25()
        if texts:
            retriever.index(bm25_tokens(texts), show_progress=False)
        return cls(np.asarray(ids, dtype=np.int64), retriever)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        if self.size == 0:
            return []
        vocab = self.retriever.vocab_dict
        tokens = [t for t in bm25_tokens([query])[0] if t in vocab]
        if not tokens:
            return []
        docs, scores = self.retriever.retrieve([tokens], k=min(k, self.size), show_progress=False,
                                               n_threads=1)
        return [(int(self.ids[d]), float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.size:
            self.retriever.save(str(folder))
        (folder / "ids.json").write_text(json.dumps(self.ids.tolist()))

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        import bm25s

        ids = np.asarray(json.loads((folder / "ids.json").read_text()), dtype=np.int64)
        retriever = bm25s.BM25.load(str(folder)) if len(ids) else bm25s.BM25()
        return cls(ids, retriever)
