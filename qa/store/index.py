"""The passage indexes: dense vectors in FAISS and a BM25 index, both keyed by passage row id."""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from kgqa.kg.canonical import SUPERSCRIPT_DIGITS
from kgqa.qa.choices import DENSE_KINDS
from kgqa.qa.types import QAError

if TYPE_CHECKING:
    from kgqa.qa.settings import Settings

# Vector index kinds by name (setting dense_index).


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
        "kind": "dense_index",
        "ann_min_passages": "ann_min_passages",
        "ivf_nlist": "ivf_nlist",
        "ivf_nprobe": "ivf_nprobe",
        "hnsw_m": "hnsw_m",
        "hnsw_ef_search": "hnsw_ef_search",
        "mmap": "dense_mmap",
    }

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
        self.index: Any = (
            index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        )

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
        self.index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
        )

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
            vectors = (
                self.index.index.reconstruct_n(0, self.size)
                if self.size
                else np.zeros((0, self.dimension), np.float32)
            )
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
            index = faiss.IndexIVFFlat(
                faiss.IndexFlatIP(self.dimension),
                self.dimension,
                min(nlist, max(1, len(ids) // 39)),
                faiss.METRIC_INNER_PRODUCT,
            )
            sample = vectors[
                np.random.default_rng(0).permutation(len(vectors))[: 256 * index.nlist]
            ]
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
        scores, ids = self.index.search(
            np.asarray(query, dtype=np.float32).reshape(1, -1), min(k, self.size)
        )
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


class BM25Delta:
    """The BM25 rows added since a generation's ``bm25/`` files were written (their term ids
    go on after the file's vocabulary, with the ``extra`` terms) and the row ids removed from
    them. A small commit copies the base's files and writes only this (``bm25_delta/``)."""

    FOLDER = "bm25_delta"

    def __init__(self, rows: BM25Index, extra: list[str], removed: np.ndarray) -> None:
        self.rows, self.extra = rows, extra
        self.removed = np.asarray(removed, dtype=np.int64)

    def __len__(self) -> int:
        return self.rows.size + len(self.removed)

    @classmethod
    def load(cls, generation: Path) -> BM25Delta:
        """The delta stored in a generation folder (none: an empty one)."""
        folder = generation / cls.FOLDER
        if not folder.is_dir():
            return cls(BM25Index.empty(), [], np.zeros(0, np.int64))
        rows = BM25Index.load(folder)
        return cls(rows, rows.vocab, np.load(folder / "removed.npy", allow_pickle=False))

    def save(self, generation: Path) -> None:
        folder = generation / self.FOLDER
        BM25Index(
            self.rows.ids, self.extra, self.rows.indptr, self.rows.terms, self.rows.counts
        ).save(folder)
        np.save(folder / "removed.npy", self.removed, allow_pickle=False)

    def then(
        self, vocab: list[str], removed: Iterable[int], ids: list[int], texts: list[str]
    ) -> BM25Delta:
        """This delta (over a file of vocabulary ``vocab``) followed by removing the rows
        ``removed`` and adding ``ids`` indexed under ``texts`` (only those are tokenised)."""
        removed = np.fromiter(removed, dtype=np.int64)
        rows = BM25Index(
            self.rows.ids, vocab + self.extra, self.rows.indptr, self.rows.terms, self.rows.counts
        ).updated(removed, ids, texts)
        gone = np.union1d(self.removed, removed[~np.isin(removed, self.rows.ids)])
        return BM25Delta(rows, rows.vocab[len(vocab) :], gone)

    def apply(self, base: BM25Index) -> BM25Index:
        """``base`` (the file's index) with this delta: the same index ``updated`` gives."""
        if not len(self):
            return base
        lengths = np.diff(base.indptr)
        keep = ~np.isin(base.ids, self.removed)
        kept_entries = np.repeat(keep, lengths)
        all_lengths = np.concatenate([lengths[keep], np.diff(self.rows.indptr)])
        return BM25Index(
            np.concatenate([base.ids[keep], self.rows.ids]),
            base.vocab + self.extra,
            np.concatenate([[0], np.cumsum(all_lengths)]),
            np.concatenate([base.terms[kept_entries], self.rows.terms]),
            np.concatenate([base.counts[kept_entries], self.rows.counts]),
        )


class DenseDelta:
    """The vector changes since a generation's ``dense.faiss`` was written: the ids removed
    from it and the (ids, vectors) added after it. A small commit copies the base's file into
    the new generation as it is and writes only these (three .npy files); loading applies them.
    Row ids are never reused, so an added id is never one of the file's."""

    FILES = ("dense_added_ids.npy", "dense_added.npy", "dense_removed.npy")

    def __init__(
        self,
        dimension: int,
        added_ids: np.ndarray | None = None,
        added: np.ndarray | None = None,
        removed: np.ndarray | None = None,
    ) -> None:
        self.dimension = dimension
        self.added_ids = added_ids if added_ids is not None else np.zeros(0, np.int64)
        self.added = added if added is not None else np.zeros((0, dimension), np.float32)
        self.removed = removed if removed is not None else np.zeros(0, np.int64)

    def __len__(self) -> int:
        return len(self.added_ids) + len(self.removed)

    @classmethod
    def load(cls, folder: Path, dimension: int) -> DenseDelta:
        """The delta stored in ``folder`` (none: an empty one)."""
        if not (folder / cls.FILES[0]).is_file():
            return cls(dimension)
        ids, added, removed = (np.load(folder / name, allow_pickle=False) for name in cls.FILES)
        return cls(dimension, ids, added, removed)

    def save(self, folder: Path) -> None:
        for name, array in zip(self.FILES, (self.added_ids, self.added, self.removed)):
            np.save(folder / name, array, allow_pickle=False)

    def then(self, removed: np.ndarray, ids: np.ndarray, vectors: np.ndarray) -> DenseDelta:
        """This delta followed by removing ``removed`` and adding (``ids``, ``vectors``)."""
        removed = np.asarray(removed, dtype=np.int64)
        pending = np.isin(self.added_ids, removed)
        return DenseDelta(
            self.dimension,
            np.concatenate([self.added_ids[~pending], ids]).astype(np.int64),
            np.concatenate([self.added[~pending], vectors.reshape(-1, self.dimension)]).astype(
                np.float32
            ),
            np.union1d(self.removed, removed[~np.isin(removed, self.added_ids)]).astype(np.int64),
        )

    def apply(self, index: DenseIndex) -> DenseIndex:
        index.remove(self.removed)
        index.add(self.added_ids, self.added)
        return index


def _hnsw(dimension: int, m: int) -> Any:
    import faiss

    inner = faiss.IndexHNSWFlat(dimension, m, faiss.METRIC_INNER_PRODUCT)
    inner.hnsw.efConstruction = 80
    return faiss.IndexIDMap2(inner)


@functools.lru_cache(maxsize=1)
def stemmer() -> Any:
    """English Snowball stemmer (PyStemmer), one per process."""
    import Stemmer

    return Stemmer.Stemmer("english")


def index_text(text: str, title: str | None) -> str:
    """The text a passage is indexed under: its document's title (wiki-style underscores as
    spaces) on a line before it, when there is a title."""
    title = (title or "").replace("_", " ").strip()
    return f"{title}\n{text}" if title else text


# a number of three parts or more: a version ("3.1.0"), an address ("10.0.0.12"), a section
# ("4.2.1"). The word pattern below keeps none of it (each part is one character, or a word
# of its own), so "When was 3.1.0 released?" found every changelog section alike.
_DOTTED = re.compile(r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w.]*\d)")


# superscript digits and marks, which end a word ("Asante²" of a paper's authors is "Asante")
_MARKS = str.maketrans(dict.fromkeys(SUPERSCRIPT_DIGITS, " "))


def bm25_tokens(texts: list[str]) -> list[list[str]]:
    """BM25's terms of each text: bm25s's words of two characters or more (English stop
    words out, Snowball stems; a superscript mark ends a word), then each dotted number of
    three parts or more whole."""
    import bm25s

    tokens = bm25s.tokenize(
        [t.translate(_MARKS) for t in texts],
        stopwords="en",
        stemmer=stemmer(),
        return_ids=False,
        show_progress=False,
    )
    return [words + _DOTTED.findall(text) for words, text in zip(tokens, texts)]


class BM25Index:
    """BM25 over passage texts, as bm25s scores it (Lucene's variant: k1 1.5, b 0.75, idf
    log(1 + (N - df + 0.5) / (df + 0.5))), kept as term counts per passage (``indptr``,
    ``terms``, ``counts``: one row per passage, in ``ids`` order).

    Document frequencies and the average length are computed from the rows when the index is
    loaded, never stored, so an ``updated`` index (rows of removed passages dropped, only the
    added passages tokenised) scores exactly as one rebuilt from every passage."""

    K1 = 1.5
    B = 0.75
    FILES = ("ids.npy", "indptr.npy", "terms.npy", "counts.npy", "vocab.json")

    def __init__(
        self,
        ids: np.ndarray,
        vocab: list[str],
        indptr: np.ndarray,
        terms: np.ndarray,
        counts: np.ndarray,
    ) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.vocab = vocab
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.terms = np.asarray(terms, dtype=np.int32)
        self.counts = np.asarray(counts, dtype=np.uint16)
        self._vocab_index: dict[str, int] | None = None
        self._postings: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def vocab_index(self) -> dict[str, int]:
        if self._vocab_index is None:
            self._vocab_index = {t: i for i, t in enumerate(self.vocab)}
        return self._vocab_index

    @classmethod
    def empty(cls) -> BM25Index:
        return cls(
            np.zeros(0, np.int64),
            [],
            np.zeros(1, np.int64),
            np.zeros(0, np.int32),
            np.zeros(0, np.uint16),
        )

    @classmethod
    def build(cls, ids: list[int], texts: list[str]) -> BM25Index:
        return cls.empty().updated([], ids, texts)

    def updated(self, removed: Iterable[int], ids: list[int], texts: list[str]) -> BM25Index:
        """A new index: this one without the passages ``removed`` (row ids), with ``ids``
        (indexed under ``texts``) added at the end. Only ``texts`` are tokenised."""
        lengths = np.diff(self.indptr)
        keep = ~np.isin(self.ids, np.fromiter(removed, dtype=np.int64))
        kept_entries = np.repeat(keep, lengths)
        vocab_index = dict(self.vocab_index)
        tokens = bm25_tokens(texts) if texts else []
        flat = np.fromiter(
            (vocab_index.setdefault(t, len(vocab_index)) for passage in tokens for t in passage),
            dtype=np.int64,
        )
        rows = np.repeat(
            np.arange(len(tokens), dtype=np.int64), [len(passage) for passage in tokens]
        )
        width = max(1, len(vocab_index))
        keys, counts = np.unique(rows * width + flat, return_counts=True)
        new_rows = keys // width
        new_lengths = (
            np.bincount(new_rows, minlength=len(tokens)) if len(tokens) else np.zeros(0, np.int64)
        )
        all_lengths = np.concatenate([lengths[keep], new_lengths])
        return BM25Index(
            np.concatenate([self.ids[keep], np.asarray(ids, dtype=np.int64)]),
            list(vocab_index),
            np.concatenate([[0], np.cumsum(all_lengths)]),
            np.concatenate([self.terms[kept_entries], (keys % width).astype(np.int32)]),
            # BM25 saturates long before a term fills 16 bits
            np.concatenate(
                [self.counts[kept_entries], np.minimum(counts, 65535).astype(np.uint16)]
            ),
        )

    def postings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(term pointers, passage positions, counts, per-passage length norm), the rows turned
        into per-term lists once per loaded index."""
        if self._postings is None:
            import scipy.sparse

            matrix = scipy.sparse.csr_matrix(
                (self.counts, self.terms, self.indptr), shape=(self.size, len(self.vocab))
            ).tocsc()
            rows = np.repeat(np.arange(self.size), np.diff(self.indptr))
            lengths = np.bincount(rows, weights=self.counts, minlength=self.size)
            average = float(lengths.mean()) if self.size else 1.0
            norm = self.K1 * ((1 - self.B) + self.B * lengths / (average or 1.0))
            self._postings = (
                matrix.indptr.astype(np.int64),
                matrix.indices.astype(np.int64),
                matrix.data.astype(np.float64),
                norm,
            )
        return self._postings

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        if self.size == 0:
            return []
        vocab = self.vocab_index
        query_terms = [vocab[t] for t in bm25_tokens([query])[0] if t in vocab]
        if not query_terms:
            return []
        pointers, positions, counts, norm = self.postings()
        scores = np.zeros(self.size, dtype=np.float32)
        for term in query_terms:  # a term the query repeats counts again, as in bm25s
            start, end = pointers[term], pointers[term + 1]
            if start == end:
                continue
            frequency = end - start
            idf = math.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))
            rows, tf = positions[start:end], counts[start:end]
            scores[rows] += (np.float32(idf) * (tf / (norm[rows] + tf))).astype(np.float32)
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((self.ids[top], -scores[top]))]
        return [(int(self.ids[i]), float(scores[i])) for i in top if scores[i] > 0]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in (
            ("ids", self.ids),
            ("indptr", self.indptr),
            ("terms", self.terms),
            ("counts", self.counts),
        ):
            np.save(folder / f"{name}.npy", array, allow_pickle=False)
        (folder / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False))

    @classmethod
    def exists(cls, folder: Path) -> bool:
        """Whether ``folder`` holds an index of this layout (stores written before it hold a
        bm25s index, rebuilt from their passages when read)."""
        return all((folder / name).is_file() for name in cls.FILES)

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        def array(name: str) -> np.ndarray:
            return np.load(folder / f"{name}.npy", allow_pickle=False)

        return cls(
            array("ids"),
            json.loads((folder / "vocab.json").read_text()),
            array("indptr"),
            array("terms"),
            array("counts"),
        )
