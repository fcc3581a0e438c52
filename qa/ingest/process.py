"""Per-document work: passages, entities, relations and embeddings; no shared state."""

from __future__ import annotations

import functools
from typing import TypeVar

import numpy as np

from kgqa.kg.canonical import (
    canonical_name,
    document_aliases,
    follow_alias_chains,
    node_id,
)
from kgqa.kg.extract import EntityRelationExtractor
from kgqa.kg.graph import EvidenceRow, MentionRow
from kgqa.kg.models import set_torch_threads
from kgqa.kg.types import Extraction
from kgqa.qa.ingest.loaders import split_passages
from kgqa.qa.ingest.report import Failure
from kgqa.qa.plugins import import_plugins
from kgqa.qa.retrieval.embed import PassageEmbedder
from kgqa.qa.settings import Settings
from kgqa.qa.store import PassageMention, ProcessedDocument
from kgqa.qa.store.index import index_text
from kgqa.qa.types import Document, Passage

T = TypeVar("T")


def _passage_for(passages: list[Passage], start: int, end: int) -> Passage:
    """The first passage holding the whole span, else the one overlapping it most."""
    for p in passages:
        if p.start <= start and end <= p.end:
            return p
    return max(passages, key=lambda p: min(end, p.end) - max(start, p.start))


class DocumentProcessor:
    """Per-document work: passages, entities, relations, embeddings. No shared state."""

    def __init__(self, settings: Settings) -> None:
        import_plugins(settings.plugins)
        self.settings = settings
        self.extractor = EntityRelationExtractor(
            settings.spacy_model,
            settings.relation_extractors,
            settings.entity_labels,
            resolve_pronouns=True,
            extractor_options={
                "relation_model": settings.relation_model,
                "device": settings.device,
                "precision": settings.relation_precision,
                "batch_size": settings.relation_batch_size,
                "threshold": settings.relation_threshold,
            },
            max_block_chars=settings.spacy_max_block_chars,
        )
        self.embedder = PassageEmbedder.configured(settings.embedding())

    def warm_up(self) -> None:
        self.extractor.warm_up()
        self.embedder.warm_up()

    def process_many(self, docs: list[Document]) -> list[ProcessedDocument | Failure]:
        """Process documents; one that fails becomes a Failure and the others go on."""
        self.warm_up()
        try:
            # spaCy reads the whole batch in one stream (the joint model, each document's sentences)
            extractions: list[Extraction] | None = self.extractor.extract_many(
                [doc.text for doc in docs]
            )
        except Exception:  # a bad document broke the shared pass: each alone, to find it
            extractions = None
        out: list[ProcessedDocument | Failure] = []
        for n, doc in enumerate(docs):
            try:
                out.append(self.process_one(doc, None if extractions is None else extractions[n]))
            except Exception as err:  # one bad document must not sink the batch
                out.append(
                    Failure(
                        doc.source,
                        f"document {doc.doc_id!r} failed in processing: "
                        f"{type(err).__name__}: {err}",
                    )
                )
        good = [p for p in out if isinstance(p, ProcessedDocument)]
        self.attach_vectors(good, self.embed(good))
        return out

    def embed(self, items: list[ProcessedDocument]) -> np.ndarray:
        """Vectors of all passages of ``items``, in one batched pass."""
        title = self.settings.index_title
        return self.embedder(
            [
                index_text(p.text, item.document.title if title else None)
                for item in items
                for p in item.passages
            ]
        )

    @staticmethod
    def attach_vectors(items: list[ProcessedDocument], vectors: np.ndarray) -> None:
        at = 0
        for item in items:
            n = len(item.passages)
            item.vectors = vectors[at : at + n]
            at += n

    def process_one(self, doc: Document, extraction: Extraction | None = None) -> ProcessedDocument:
        """Passages, mentions and evidence of one document (vectors come from ``embed``);
        ``extraction``: the document's entities and relations, when already extracted."""
        self.warm_up()
        s = self.settings
        passages = split_passages(doc, s.passage_max_chars, s.passage_overlap_sentences)
        if extraction is None:
            extraction = self.extractor(doc.text)
        named = [(m, canonical_name(m.text, m.label)) for m in extraction.mentions]
        found = [m for m, name in named if name]
        names = [name for _, name in named if name]
        own = [node_id(name, m.label) for m, name in zip(found, names)]
        merges = document_aliases(
            doc.text,
            [(m.text, m.label, m.start, m.end) for m in found],
            [(sentence.start, sentence.end) for sentence in extraction.sentences],
        )
        final, rule = follow_alias_chains(own, merges)
        index = {m: i for i, m in enumerate(found)}
        mentions = [
            PassageMention(
                _passage_for(passages, m.start, m.end).passage_id,
                MentionRow(
                    final[i],
                    names[i],
                    m.label,
                    doc.doc_id,
                    own[i] if own[i] != final[i] else "",
                    rule[i],
                ),
                m.text,
                m.start,
                m.end,
            )
            for i, m in enumerate(found)
        ]
        evidence = []
        seen: set[tuple[str, str, str, int]] = set()
        for r in extraction.relations:
            if r.head not in index or r.tail not in index:
                continue
            h, t = index[r.head], index[r.tail]
            key = (final[h], final[t], r.label, r.sentence.start)
            if final[h] == final[t] or key in seen:
                continue
            seen.add(key)
            # Four decimals: thread counts and batch shapes change the last float bits, and the
            # same inputs must give the same store on any runner.
            evidence.append(
                EvidenceRow(
                    final[h],
                    final[t],
                    r.label,
                    round(r.score, 4),
                    r.extractor,
                    doc.doc_id,
                    _passage_for(passages, r.sentence.start, r.sentence.end).passage_id,
                    r.sentence.start,
                    r.sentence.end,
                    doc.text[r.sentence.start : r.sentence.end],
                    own[h] if own[h] != final[h] else "",
                    own[t] if own[t] != final[t] else "",
                )
            )
        return ProcessedDocument(
            doc, passages, np.zeros((0, 0), dtype=np.float32), mentions, evidence
        )


@functools.lru_cache(maxsize=2)
def cached_processor(settings_json: str) -> DocumentProcessor:
    """One processor (and so one model load) per process and settings."""
    settings = Settings.model_validate_json(settings_json)
    set_torch_threads(settings.torch_threads)
    processor = DocumentProcessor(settings)
    processor.warm_up()
    return processor


def batches(items: list[T], size: int) -> list[list[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
