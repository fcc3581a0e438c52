"""Ingestion as plain Python: plan what changed, process documents, commit one generation.

``flows/ingest.py`` wraps these steps in Prefect; nothing here imports Prefect.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kg.canonical import display_name, node_id
from kg.extract import EntityRelationExtractor
from kg.graph import EvidenceRow, MentionRow
from qa.embed import PassageEmbedder
from qa.settings import Settings
from qa.store import ProcessedDocument, Store, StoreError
from qa.text import discover, load_file, split_passages
from qa.types import Document, InputError, Passage


@dataclass
class Failure:
    where: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"where": self.where, "reason": self.reason}


@dataclass
class IngestPlan:
    """What an ingest run will do, decided before any expensive work."""

    to_process: list[Document] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)


@dataclass
class IngestReport:
    new: int
    changed: int
    unchanged: int
    removed: int
    failed: list[Failure]
    generation: str | None
    committed: bool
    counts: dict[str, int]
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"new": self.new, "changed": self.changed, "unchanged": self.unchanged,
                "removed": self.removed, "failed": [f.to_json() for f in self.failed],
                "generation": self.generation, "committed": self.committed,
                "counts": self.counts, "seconds": round(self.seconds, 3)}


def plan_ingest(store: Store, paths: list[Path], settings: Settings, prune: bool) -> IngestPlan:
    """Read the inputs and sort each document into new, changed, unchanged or failed."""
    plan = IngestPlan()
    sources, errors = discover(paths)
    plan.failed += [Failure(e.where, e.reason) for e in errors]
    known: dict[str, tuple[str, str]] = {}
    if store.exists():
        generation = store.open()
        known = generation.document_hashes()
        generation.close()
    seen: set[str] = set()
    scanned_sources: set[str] = set()
    for src in sources:
        scanned_sources.add(str(src.path.resolve()))
        for item in load_file(src, settings.max_document_bytes):
            if isinstance(item, InputError):
                plan.failed.append(Failure(item.where, item.reason))
                # A document that fails now keeps its committed version: nothing is lost.
                continue
            if item.doc_id in seen:
                plan.failed.append(Failure(item.source, f"document id {item.doc_id!r} was already "
                                           "given by another input in this run; ids must be unique"))
                continue
            seen.add(item.doc_id)
            before = known.get(item.doc_id)
            if before is None:
                plan.new.append(item.doc_id)
                plan.to_process.append(item)
            elif before[0] != item.content_hash:
                plan.changed.append(item.doc_id)
                plan.to_process.append(item)
            else:
                plan.unchanged.append(item.doc_id)
    if prune:
        failed_where = {f.where.split(":")[0] for f in plan.failed}
        for doc_id, (_, source) in known.items():
            if doc_id in seen:
                continue
            gone = not Path(source).exists()
            dropped = source in scanned_sources and not any(
                str(Path(w).resolve()) == source for w in failed_where)
            if gone or dropped:
                plan.removed.append(doc_id)
    return plan


def _passage_for(passages: list[Passage], start: int, end: int) -> Passage:
    """The first passage holding the whole span, else the one overlapping it most."""
    for p in passages:
        if p.start <= start and end <= p.end:
            return p
    return max(passages, key=lambda p: min(end, p.end) - max(start, p.start))


class DocumentProcessor:
    """Per-document work: passages, entities, relations, embeddings. No shared state."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.extractor = EntityRelationExtractor(settings.spacy_model, settings.relation_extractors,
                                                 settings.entity_labels)
        self.embedder = PassageEmbedder(settings.embedder, settings.device,
                                        settings.embed_batch_size)

    def warm_up(self) -> None:
        self.extractor.warm_up()
        self.embedder.warm_up()

    def models(self) -> dict[str, Any]:
        import spacy

        self.warm_up()
        return {
            "embedder": self.settings.embedder,
            "embedding_dimension": self.embedder.dimension,
            "spacy_model": self.settings.spacy_model,
            "spacy_pipeline_version": self.extractor.pipeline_version,
            "spacy_version": spacy.__version__,
            "relation_extractors": list(self.settings.relation_extractors),
        }

    def process_batch(self, docs: list[Document]) -> list[ProcessedDocument | Failure]:
        """Process documents; one that fails becomes a Failure and the others go on."""
        self.warm_up()
        out: list[ProcessedDocument | Failure] = []
        for doc in docs:
            try:
                out.append(self._process(doc))
            except Exception as err:  # one bad document must not sink the batch
                out.append(Failure(doc.source, f"document {doc.doc_id!r} failed in processing: "
                                   f"{type(err).__name__}: {err}"))
        good = [p for p in out if isinstance(p, ProcessedDocument)]
        texts = [p.text for item in good for p in item.passages]
        vectors = self.embedder(texts)
        at = 0
        for item in good:
            n = len(item.passages)
            item.vectors = vectors[at : at + n]
            at += n
        return out

    def _process(self, doc: Document) -> ProcessedDocument:
        s = self.settings
        passages = split_passages(doc, s.passage_max_chars, s.passage_overlap_sentences)
        extraction = self.extractor(doc.text)
        mentions = []
        for m in extraction.mentions:
            name = display_name(m.text)
            if not name:
                continue
            row = MentionRow(node_id(m.text, m.label), name, m.label, doc.doc_id)
            mentions.append((_passage_for(passages, m.start, m.end).passage_id, row, m.text,
                             m.start, m.end))
        evidence = []
        seen: set[tuple[str, str, str, int]] = set()
        for r in extraction.relations:
            head, tail = node_id(r.head.text, r.head.label), node_id(r.tail.text, r.tail.label)
            key = (head, tail, r.label, r.sentence.start)
            if head == tail or key in seen:
                continue
            seen.add(key)
            evidence.append(EvidenceRow(
                head, tail, r.label, r.score, r.extractor, doc.doc_id,
                _passage_for(passages, r.sentence.start, r.sentence.end).passage_id,
                r.sentence.start, r.sentence.end, doc.text[r.sentence.start : r.sentence.end]))
        return ProcessedDocument(doc, passages, np.zeros((0, 0), dtype=np.float32), mentions,
                                 evidence)


@functools.lru_cache(maxsize=2)
def cached_processor(settings_json: str) -> DocumentProcessor:
    """One processor (and so one model load) per process and settings."""
    processor = DocumentProcessor(Settings.model_validate_json(settings_json))
    processor.warm_up()
    return processor


def commit_results(store: Store, settings: Settings, plan: IngestPlan,
                   results: list[ProcessedDocument | Failure], started: float) -> IngestReport:
    """The one writer's step: commit what was processed (if anything changed) and report."""
    processed = [r for r in results if isinstance(r, ProcessedDocument)]
    failures = plan.failed + [r for r in results if isinstance(r, Failure)]
    done = {r.document.doc_id for r in processed}
    new = [d for d in plan.new if d in done]
    changed = [d for d in plan.changed if d in done]
    committed = False
    generation = store.current_name()
    if processed or plan.removed:
        processor = cached_processor(settings.model_dump_json())
        models = processor.models()
        if store.exists():
            store.open(embedder=models["embedder"], dimension=models["embedding_dimension"]).close()
        manifest = store.commit(plan.removed, processed, models=models,
                                settings=settings.model_dump(mode="json"),
                                keep=settings.keep_generations)
        committed = True
        generation = store.current_name()
        counts = manifest.counts
    elif store.exists():
        gen = store.open()
        counts = dict(gen.manifest["counts"])
        gen.close()
    else:
        counts = {}
    store.quarantine([dict(f.to_json(), time=time.time()) for f in failures])
    return IngestReport(new=len(new), changed=len(changed), unchanged=len(plan.unchanged),
                        removed=len(plan.removed), failed=failures, generation=generation,
                        committed=committed, counts=counts, seconds=time.monotonic() - started)


def batches(docs: list[Document], size: int) -> list[list[Document]]:
    return [docs[i : i + size] for i in range(0, len(docs), size)]


__all__ = ["DocumentProcessor", "Failure", "IngestPlan", "IngestReport", "StoreError",
           "batches", "cached_processor", "commit_results", "plan_ingest"]
