"""The check that the plain encoder gives sentence-transformers' vectors, shared by the unit
test (tiny models) and the e2e test (the shipped embedder)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kgqa.qa.retrieval.plain_encoder import PlainEncoder, plain_layout

TEXTS = [
    "Marie Curie was born in Warsaw.",
    "Radium",
    "",
    "The Radium Institute in Paris was founded in 1909 by the University of Paris and the "
    "Pasteur Institute. " * 12,
]


def assert_same_vectors(folder: Path) -> None:
    from sentence_transformers import SentenceTransformer

    layout = plain_layout(folder)
    assert layout is not None and layout["pooling"] == "mean"
    ours = PlainEncoder(folder, layout, "cpu").encode(
        TEXTS, batch_size=2, normalize_embeddings=True
    )
    theirs = SentenceTransformer(str(folder), device="cpu").encode(
        TEXTS, batch_size=2, normalize_embeddings=True, convert_to_numpy=True
    )
    assert ours.shape == theirs.shape
    assert np.abs(ours - theirs).max() < 1e-4
