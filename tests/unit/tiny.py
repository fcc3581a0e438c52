"""Tiny corpora and real stores for unit tests: documents with hand-made mentions and random
unit vectors, committed through the store's own writer (no models involved)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kgqa.kg.canonical import canonical_name, node_id
from kgqa.kg.graph import EvidenceRow, MentionRow
from kgqa.qa.ingest.loaders import content_hash
from kgqa.qa.store import Generation, PassageMention, ProcessedDocument, Store
from kgqa.qa.types import Document, Passage

DIM = 8
MODELS = {"embedder": "test-embedder", "embedding_dimension": DIM}


def document(
    doc_id: str,
    text: str,
    entities: list[tuple[str, str]] = (),
    seed: int = 0,
    relations: list[tuple[int, int, str]] = (),
) -> ProcessedDocument:
    """One passage holding ``text``; each (surface, label) entity is a mention where the surface
    first occurs; each (head, tail, label) relation joins two of them, with the text as evidence."""
    doc = Document(doc_id, text, f"/src/{doc_id}", content_hash(text))
    pid = f"{doc_id}#0"
    vector = np.random.default_rng(seed).normal(size=(1, DIM)).astype(np.float32)
    vector /= np.linalg.norm(vector)
    mentions, nodes = [], []
    for surface, label in entities:
        start = text.index(surface)
        node = node_id(surface, label)
        nodes.append(node)
        mentions.append(
            PassageMention(
                pid,
                MentionRow(node, canonical_name(surface, label), label, doc_id),
                surface,
                start,
                start + len(surface),
            )
        )
    evidence = [
        EvidenceRow(nodes[h], nodes[t], label, 0.9, "test", doc_id, pid, 0, len(text), text)
        for h, t, label in relations
    ]
    return ProcessedDocument(
        doc, [Passage(pid, doc_id, 0, 0, len(text), text)], vector, mentions, evidence
    )


def tiny_store(root: Path, docs: list[ProcessedDocument]) -> Generation:
    """A committed store of ``docs``, opened at its current generation."""
    store = Store(root)
    with store.writer_lock():
        store.commit([], docs, models=MODELS, settings={}, keep=3)
    return store.open()


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "curie.txt").write_text("Marie Curie was born in Warsaw. She worked in Paris.")
    (folder / "pierre.txt").write_text("Pierre Curie worked at the Radium Institute in Paris.")
    (folder / "empty.txt").write_text("")
    return folder
