"""The vector index gives back the vectors it holds, by passage row id, whatever its kind."""

from __future__ import annotations

import numpy as np
import pytest

from kgqa.qa.store.index import DenseIndex, DenseOptions


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf"])
def test_stored_vectors_come_back_by_id_after_removals(kind: str) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(600, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(1000, 1600, dtype=np.int64) * 3  # row ids: neither 0-based nor sequential
    index = DenseIndex(16)
    index.add(ids, vectors)
    index.remove(ids[:100])
    options = DenseOptions(
        kind=kind,
        ann_min_passages=0,
        ivf_nlist=8,
        ivf_nprobe=8,
        hnsw_m=16,
        hnsw_ef_search=64,
        mmap=False,
    )
    index = index.conform(options)
    assert index.kind == kind
    wanted = [int(ids[i]) for i in (100, 350, 599)]
    assert np.allclose(index.reconstruct(wanted), vectors[[100, 350, 599]], atol=1e-6)
    assert index.search(vectors[350], 1)[0][0] == wanted[1], "searching still works afterwards"
