"""The passage indexes: dense vectors in FAISS and a BM25 index, both keyed by passage row id."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from kgqa.kg.registry import Registry
from kgqa.qa.types import QAError

if TYPE_CHECKING:
    from kgqa.qa.settings import Settings

# Vector index kinds by name (setting dense_index).
DENSE_KINDS: Registry[str] = Registry("vector index kind", "dense_index", error=QAError)
DENSE_KINDS.register("flat", "exact inner product (IndexFlatIP in an IndexIDMap2)")
DENSE_KINDS.register("hnsw", "a graph index (IndexHNSWFlat in an IndexIDMap2)")
DENSE_KINDS.register("ivf", "inverted lists (IndexIVFFlat), trained on the store's vectors")


@dataclass(frozen=True)
class DenseOptions:
    """How the vector index is built and searched: a slice of Settings (dense_index,
    ann_min_passages, ...) with no defaults of its own."""

    kind: str
    ann_min_passages: int
    ivf_nlist: int
    ivf_nprobe: int
    hnsw_m: int
    hnsw_ef_search: int
    mmap: bool

    # Which setting each field comes from.
    SETTINGS: ClassVar[dict[str, str]] = {
        "kind": "dense_index", "ann_min_passages": "ann_min_passages", "ivf_nlist": "ivf_nlist",
        "ivf_nprobe": "ivf_nprobe", "hnsw_m": "hnsw_m", "hnsw_ef_search": "hnsw_ef_search",
        "mmap": "dense_mmap"}

    @classmethod
    def of(cls, settings: Settings | dict[str, Any]) -> DenseOptions:
        """From a Settings object or its JSON dict (a key it lacks takes the setting's default)."""
        from kgqa.qa.settings import Settings

        if isinstance(settings, dict):
            fields = Settings.model_fields
            return cls(**{f: settings.get(s, fields[s].default) for f, s in cls.SETTINGS.items()})
        return cls(**{f: getattr(settings, s) for f, s in cls.SETTINGS.items()})

    def kind_for(self, size: int) -> str:
        """Approximate indexes only pay past a size; below it search stays exact."""
        DENSE_KINDS[self.kind]  # an unknown kind fails here, naming the valid ones
        return self.kind if size >= self.ann_min_passages else "flat"


class DenseIndex:
    """Inner-product search over unit vectors, with int64 ids that map to passages.

    Three kinds: ``flat`` (exact; an ``IndexIDMap2`` over ``IndexFlatIP``), ``hnsw`` (a graph
    index, ``IndexHNSWFlat`` in an ``IndexIDMap2``) and ``ivf`` (``IndexIVFFlat`` with its own
    ids, trained on the store's vectors). Adding and removing ids is incremental for flat and
    ivf; HNSW cannot delete, so a removal rebuilds it from the vectors it holds.
    """

    def __init__(self, dimension: int, index: Any = None) -> None:
        import faiss

        self.dimension = dimension
        # Any: the FAISS classes differ by kind and their stubs do not share the attributes.
        self.index: Any = index if index is not None else faiss.IndexIDMap2(
            faiss.IndexFlatIP(dimension))

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def kind(self) -> str:
        import faiss

        if isinstance(self.index, faiss.IndexIVF):
            return "ivf"
        inner = getattr(self.index, "index", None)
        inner = faiss.downcast_index(inner) if inner is not None else None
        return "hnsw" if isinstance(inner, faiss.IndexHNSW) else "flat"

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

        if not len(ids):
            return
        if self.kind == "hnsw":
            have, vectors = self.vectors()
            keep = ~np.isin(have, np.asarray(ids, dtype=np.int64))
            inner: Any = faiss.downcast_index(self.index.index)
            m = inner.hnsw.nb_neighbors(1)
            self.index = _hnsw(self.dimension, m)
            self.add(have[keep], vectors[keep])
            return
        self.index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64)))

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """All (ids, vectors) held, in no particular order."""
        import faiss

        if self.kind != "ivf":
            ids = faiss.vector_to_array(self.index.id_map).astype(np.int64)
            vectors = self.index.index.reconstruct_n(0, self.size) if self.size else \
                np.zeros((0, self.dimension), np.float32)
            return ids, vectors
        lists = self.index.invlists
        all_ids, all_vectors = [], []
        for n in range(lists.nlist):
            size = lists.list_size(n)
            if not size:
                continue
            all_ids.append(faiss.rev_swig_ptr(lists.get_ids(n), size).copy())
            codes = faiss.rev_swig_ptr(lists.get_codes(n), size * lists.code_size).copy()
            all_vectors.append(codes.view(np.float32).reshape(size, self.dimension))
        if not all_ids:
            return np.zeros(0, np.int64), np.zeros((0, self.dimension), np.float32)
        return np.concatenate(all_ids).astype(np.int64), np.concatenate(all_vectors)

    def reconstruct(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of ``ids`` (each must be held), in that order."""
        if not ids:
            return np.zeros((0, self.dimension), np.float32)
        if self.kind != "ivf":
            return np.stack([self.index.reconstruct(int(i)) for i in ids]).astype(np.float32)
        import faiss

        direct_map: Any = getattr(faiss, "DirectMap")  # noqa: B009 (absent from faiss's stubs)
        # an IVF finds a vector by id through a direct map; ids are passage row ids, not
        # sequential, so a hash table, dropped again afterwards
        self.index.set_direct_map_type(direct_map.Hashtable)
        try:
            return np.stack([self.index.reconstruct(int(i)) for i in ids]).astype(np.float32)
        finally:
            self.index.set_direct_map_type(direct_map.NoMap)

    def conform(self, options: DenseOptions) -> DenseIndex:
        """This index, or one rebuilt from its vectors, of the kind ``options`` ask for at this
        size (an IVF is trained on the vectors when the store first passes the threshold)."""
        import faiss

        kind = options.kind_for(self.size)
        if kind == self.kind:
            return self
        ids, vectors = self.vectors()
        index: Any
        if kind == "flat":
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dimension))
        elif kind == "hnsw":
            index = _hnsw(self.dimension, options.hnsw_m)
        else:
            nlist = options.ivf_nlist or max(16, int(4 * np.sqrt(len(ids))))
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(self.dimension), self.dimension,
                                       min(nlist, max(1, len(ids) // 39)), faiss.METRIC_INNER_PRODUCT)
            sample = vectors[np.random.default_rng(0).permutation(len(vectors))[:256 * index.nlist]]
            index.train(np.ascontiguousarray(sample, dtype=np.float32))
        rebuilt = DenseIndex(self.dimension, index)
        rebuilt.add(ids, vectors)
        return rebuilt

    def tune(self, options: DenseOptions) -> DenseIndex:
        """Apply the search-time parameters (nprobe, efSearch)."""
        if self.kind == "ivf":
            self.index.nprobe = options.ivf_nprobe
        elif self.kind == "hnsw":
            import faiss

            inner: Any = faiss.downcast_index(self.index.index)
            inner.hnsw.efSearch = options.hnsw_ef_search
        return self

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
    def load(cls, path: Path, mmap: bool = False) -> DenseIndex:
        """Read an index; with ``mmap`` the vectors stay on disk, paged in by the OS as searched
        (flat and ivf; an HNSW graph is always read into memory)."""
        import faiss

        flags = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_MMAP if mmap else 0
        index = faiss.read_index(str(path), flags)
        return cls(index.d, index)


def _hnsw(dimension: int, m: int) -> Any:
    import faiss

    inner = faiss.IndexHNSWFlat(dimension, m, faiss.METRIC_INNER_PRODUCT)
    inner.hnsw.efConstruction = 80
    return faiss.IndexIDMap2(inner)


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def index_text(text: str, title: str | None) -> str:
    """The text a passage is indexed under: its document's title (wiki-style underscores as
    spaces) on a line before it, when there is a title."""
    title = (title or "").replace("_", " ").strip()
    return f"{title}\n{text}" if title else text


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
