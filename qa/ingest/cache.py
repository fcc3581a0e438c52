"""Per-document results cached by content hash and processing fingerprint (not by run id).

A run killed halfway and started again reuses what it had finished: each processed document is
written to ``STORE/cache/`` as JSON (passages, mentions, evidence) plus a ``.npy`` of its vectors
(never pickle), keyed by document id, content hash and a fingerprint of the models and settings
that shape the result.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.kg.graph import EvidenceRow, MentionRow
from kgqa.kg.models import resolve_precision, shipped_model
from kgqa.qa.settings import Settings
from kgqa.qa.store import PassageMention, ProcessedDocument
from kgqa.qa.types import Document, Passage

_PACKAGES = ("kgqa", "spacy", "sentence-transformers", "transformers", "torch")


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _model_identity(name: str) -> str:
    """A model's name, plus its package version or, for a directory, its config's mtime."""
    path = Path(name).expanduser()
    if path.is_dir():
        stamps = [str(p.stat().st_mtime_ns) for p in sorted(path.glob("*.json"))]
        return f"{path.resolve()}@{'-'.join(stamps)}"
    return f"{name}@{_version(name.replace('_', '-'))}"


@functools.lru_cache(maxsize=8)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def relation_weights_id(settings: Settings) -> str | None:
    """The first 16 hex digits of the sha256 of the joint relation model's weights when
    ingestion uses that model (the shipped one when ``relation_model`` is unset), so a store
    knows which weights read it even where the model's folder stays the same; None when no
    joint model is used or found."""
    if "joint" not in settings.relation_extractors:
        return None
    if settings.relation_model:
        folder: Path | None = Path(settings.relation_model).expanduser()
    else:
        folder = shipped_model("relations")
    weights = folder / "model.safetensors" if folder is not None else None
    if weights is None or not weights.is_file():
        return None
    stat = weights.stat()
    return _file_sha256(str(weights), stat.st_size, stat.st_mtime_ns)[:16]


def processing_fingerprint(settings: Settings) -> str:
    """What a processed document depends on besides its text."""
    parts = {
        "packages": {p: _version(p) for p in _PACKAGES},
        "spacy_model": _model_identity(settings.spacy_model),
        "embedder": _model_identity(settings.embedder),
        "relation_extractors": settings.relation_extractors,
        "relation_model": _model_identity(
            settings.relation_model or str(shipped_model("relations"))
        ),
        "relation_weights": relation_weights_id(settings),
        "joint": [
            resolve_precision(settings.relation_precision, settings.device),
            settings.relation_batch_size,
            settings.relation_threshold,
        ],
        "embedder_precision": resolve_precision(settings.embedder_precision, settings.device),
        "entity_labels": settings.entity_labels,
        "passage_max_chars": settings.passage_max_chars,
        "spacy_max_block_chars": settings.spacy_max_block_chars,
        "passage_overlap_sentences": settings.passage_overlap_sentences,
        "plugins": settings.plugins,
        "index_title": settings.index_title,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


class ResultCache:
    """Processed documents on disk, so finished work survives a killed run."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint

    def key(self, doc: Document) -> str:
        raw = f"{doc.doc_id}\0{doc.content_hash}\0{self.fingerprint}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def get(self, doc: Document) -> ProcessedDocument | None:
        key = self.key(doc)
        meta, vectors = self.folder / f"{key}.json", self.folder / f"{key}.npy"
        if not (meta.is_file() and vectors.is_file()):
            return None
        try:
            data = json.loads(meta.read_text())
            vecs = np.load(vectors, allow_pickle=False)
        except (OSError, ValueError):
            return None  # a damaged entry is recomputed
        return ProcessedDocument(
            document=doc,
            passages=[Passage(**p) for p in data["passages"]],
            vectors=vecs,
            mentions=[
                PassageMention(m[0], MentionRow(**m[1]), m[2], m[3], m[4]) for m in data["mentions"]
            ],
            evidence=[EvidenceRow(**e) for e in data["evidence"]],
        )

    def put(self, item: ProcessedDocument) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        key = self.key(item.document)
        data: dict[str, Any] = {
            "doc_id": item.document.doc_id,
            "passages": [asdict(p) for p in item.passages],
            "mentions": [
                [m.passage_id, asdict(m.row), m.text, m.start, m.end] for m in item.mentions
            ],
            "evidence": [asdict(e) for e in item.evidence],
        }
        # Vectors first, then the JSON: an entry counts only when its JSON exists.
        tmp_vec = self.folder / f"{key}.npy.tmp"
        with tmp_vec.open("wb") as fh:
            np.save(fh, np.ascontiguousarray(item.vectors), allow_pickle=False)
        os.replace(tmp_vec, self.folder / f"{key}.npy")
        tmp_meta = self.folder / f"{key}.json.tmp"
        tmp_meta.write_text(json.dumps(data, ensure_ascii=False))
        os.replace(tmp_meta, self.folder / f"{key}.json")

    def discard(self, docs: list[Document]) -> None:
        """Forget entries of documents that are now committed."""
        for doc in docs:
            key = self.key(doc)
            for suffix in (".json", ".npy"):
                (self.folder / f"{key}{suffix}").unlink(missing_ok=True)
