"""Ingestion as plain Python: plan what changed, process documents, commit one generation.

``flows/ingest.py`` wraps these steps in Prefect; nothing here imports Prefect.
"""

from __future__ import annotations

import functools
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kg.canonical import canonical_name, document_aliases, node_id
from kg.extract import EntityRelationExtractor
from kg.graph import EvidenceRow, MentionRow, MergeRules
from qa.embed import PassageEmbedder
from qa.settings import Settings
from qa.index import DenseOptions, index_text
from qa.store import ProcessedDocument, Store, StoreError, rules_json, rules_of
from qa.text import discover, load_file, split_passages
from qa.types import Document, InputError, Passage, QAError


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
    processed: int = 0
    reused: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    skipped: str | None = None
    gate: dict[str, Any] | None = None
    staged: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"new": self.new, "changed": self.changed, "unchanged": self.unchanged,
                "removed": self.removed, "failed": [f.to_json() for f in self.failed],
                "generation": self.generation, "committed": self.committed,
                "counts": self.counts, "seconds": round(self.seconds, 3),
                "processed": self.processed, "reused": self.reused,
                "stages": {k: round(v, 3) for k, v in self.stages.items()},
                "skipped": self.skipped, "gate": self.gate, "staged": self.staged}

    def markdown(self) -> str:
        """The report as a Prefect markdown artifact."""
        lines = [f"# kgqa ingest: {self.generation or 'no generation'}", ""]
        if self.skipped:
            return "\n".join(lines + [f"Skipped: {self.skipped}"])
        lines += ["| documents | count |", "|---|---|"]
        for name in ("new", "changed", "unchanged", "removed"):
            lines.append(f"| {name} | {getattr(self, name)} |")
        lines += [f"| failed | {len(self.failed)} |", f"| processed / reused from cache | "
                  f"{self.processed} / {self.reused} |", ""]
        lines += [f"Store: {', '.join(f'{k} {v}' for k, v in self.counts.items())}.", ""]
        lines += ["Stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in self.stages.items()), ""]
        if self.gate:
            lines += [f"Gate: {self.gate}", ""]
        for f in self.failed:
            lines.append(f"- failed `{f.where}`: {f.reason}")
        return "\n".join(lines)


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
        for item in load_file(src, settings.max_document_bytes, settings.read_retries,
                              settings.retry_backoff_seconds):
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
        import_plugins(settings.plugins)
        self.settings = settings
        self.extractor = EntityRelationExtractor(
            settings.spacy_model, settings.relation_extractors, settings.entity_labels,
            extractor_options={"relation_model": settings.relation_model,
                               "device": settings.device,
                               "max_gap_chars": settings.classifier_max_gap_chars,
                               "max_pairs": settings.classifier_max_pairs})
        self.embedder = PassageEmbedder(settings.embedder, settings.device,
                                        settings.embed_batch_size)

    def warm_up(self) -> None:
        self.extractor.warm_up()
        self.embedder.warm_up()

    def process_batch(self, docs: list[Document]) -> list[ProcessedDocument | Failure]:
        """Process documents; one that fails becomes a Failure and the others go on."""
        self.warm_up()
        out: list[ProcessedDocument | Failure] = []
        for doc in docs:
            try:
                out.append(self.process_one(doc))
            except Exception as err:  # one bad document must not sink the batch
                out.append(Failure(doc.source, f"document {doc.doc_id!r} failed in processing: "
                                   f"{type(err).__name__}: {err}"))
        good = [p for p in out if isinstance(p, ProcessedDocument)]
        self.attach_vectors(good, self.embed(good))
        return out

    def embed(self, items: list[ProcessedDocument]) -> np.ndarray:
        """Vectors of all passages of ``items``, in one batched pass."""
        title = self.settings.index_title
        return self.embedder([index_text(p.text, item.document.title if title else None)
                              for item in items for p in item.passages])

    @staticmethod
    def attach_vectors(items: list[ProcessedDocument], vectors: np.ndarray) -> None:
        at = 0
        for item in items:
            n = len(item.passages)
            item.vectors = vectors[at : at + n]
            at += n

    def process_one(self, doc: Document) -> ProcessedDocument:
        """Passages, mentions and evidence of one document (vectors come from ``embed``)."""
        self.warm_up()
        s = self.settings
        passages = split_passages(doc, s.passage_max_chars, s.passage_overlap_sentences)
        extraction = self.extractor(doc.text)
        named = [(m, canonical_name(m.text, m.label)) for m in extraction.mentions]
        found = [m for m, name in named if name]
        names = [name for _, name in named if name]
        own = [node_id(name, m.label) for m, name in zip(found, names)]
        target = {a.mention: (a.target, a.rule) for a in document_aliases(
            doc.text, [(m.text, m.label, m.start, m.end) for m in found])}
        final, rule = list(own), [""] * len(found)
        for i in range(len(found)):
            j, hops = i, 0
            while j in target and hops < 10:  # alias chains are short; guard against loops
                j, hops = target[j][0], hops + 1
            if j != i:
                final[i], rule[i] = own[j], target[i][1]
        index = {m: i for i, m in enumerate(found)}
        mentions = [
            (_passage_for(passages, m.start, m.end).passage_id,
             MentionRow(final[i], names[i], m.label, doc.doc_id,
                        own[i] if own[i] != final[i] else "", rule[i]),
             m.text, m.start, m.end)
            for i, m in enumerate(found)]
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
            evidence.append(EvidenceRow(
                final[h], final[t], r.label, round(r.score, 4), r.extractor, doc.doc_id,
                _passage_for(passages, r.sentence.start, r.sentence.end).passage_id,
                r.sentence.start, r.sentence.end, doc.text[r.sentence.start : r.sentence.end],
                own[h] if own[h] != final[h] else "", own[t] if own[t] != final[t] else ""))
        return ProcessedDocument(doc, passages, np.zeros((0, 0), dtype=np.float32), mentions,
                                 evidence)


@functools.lru_cache(maxsize=2)
def cached_processor(settings_json: str) -> DocumentProcessor:
    """One processor (and so one model load) per process and settings."""
    processor = DocumentProcessor(Settings.model_validate_json(settings_json))
    processor.warm_up()
    return processor


def import_plugins(modules: list[str]) -> None:
    """Import the modules named in settings ``plugins`` (they register extractors by name)."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as err:
            raise QAError(f"cannot import plugin module {name!r} (setting plugins): {err}") from None


def models_info(settings: Settings, dimension: int) -> dict[str, Any]:
    """What built a generation, for its manifest (read from package metadata, no model loads)."""
    import importlib.metadata

    def version(package: str) -> str | None:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return None

    pipeline = Path(settings.spacy_model).expanduser() / "meta.json"
    spacy_pipeline_version = (json.loads(pipeline.read_text()).get("version") if pipeline.is_file()
                              else version(settings.spacy_model.replace("_", "-")))
    return {
        "embedder": settings.embedder,
        "embedding_dimension": dimension,
        "spacy_model": settings.spacy_model,
        "spacy_pipeline_version": spacy_pipeline_version,
        "spacy_version": version("spacy"),
        "relation_extractors": list(settings.relation_extractors),
        "index_title": settings.index_title,
    }


def report_for(plan: IngestPlan, results: list[ProcessedDocument | Failure], reused: int,
               started: float) -> IngestReport:
    """The report of a run before its commit (counts and generation are filled in after)."""
    processed = [r for r in results if isinstance(r, ProcessedDocument)]
    done = {r.document.doc_id for r in processed}
    return IngestReport(
        new=sum(d in done for d in plan.new), changed=sum(d in done for d in plan.changed),
        unchanged=len(plan.unchanged), removed=len(plan.removed),
        failed=plan.failed + [r for r in results if isinstance(r, Failure)],
        generation=None, committed=False, counts={}, seconds=time.monotonic() - started,
        processed=len(processed) - reused, reused=reused)


def merge_rules(settings: Settings) -> MergeRules:
    return MergeRules(dict(settings.always_merge), [tuple(p) for p in settings.never_merge])


def stage_results(store: Store, settings: Settings, plan: IngestPlan,
                  results: list[ProcessedDocument | Failure]) -> int | None:
    """The one writer's step: write the next generation (not yet current) if anything changed;
    returns its number, or None when there was nothing to commit."""
    processed = [r for r in results if isinstance(r, ProcessedDocument)]
    rules = merge_rules(settings)
    rules_changed = reindex = False
    if store.exists():
        gen = store.open()
        rules_changed = rules_of(gen.manifest) != rules_json(rules)
        options = DenseOptions.of(settings)
        # A change of the index settings alone rebuilds the vector index on this run.
        rules_changed |= gen.dense.kind != options.kind_for(gen.dense.size)
        # Stores from before index_title were indexed without titles.
        reindex = gen.manifest["models"].get("index_title", False) != settings.index_title
        gen.close()
    if not processed and not plan.removed and not rules_changed and not reindex:
        return None
    if processed:
        dimension = int(processed[0].vectors.shape[1])
    else:
        gen = store.open()
        dimension = int(gen.manifest["models"]["embedding_dimension"])
        gen.close()
    models = models_info(settings, dimension)
    if store.exists():
        store.open(embedder=models["embedder"], dimension=dimension).close()
    reembed = PassageEmbedder(settings.embedder, settings.device,
                              settings.embed_batch_size) if reindex else None
    manifest = store.stage(plan.removed, processed, models=models,
                           settings=settings.model_dump(mode="json"), rules=rules, reembed=reembed)
    return manifest.generation


def finish_report(store: Store, report: IngestReport) -> IngestReport:
    """Fill in the current generation and its counts, record failures and write the report."""
    if store.exists():
        gen = store.open()
        report.generation = gen.name
        report.counts = dict(gen.manifest["counts"])
        gen.close()
    store.quarantine([dict(f.to_json(), time=time.time()) for f in report.failed])
    if not report.skipped:
        folder = store.root / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        path = folder / f"{stamp}-{report.generation or 'none'}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        os.replace(tmp, path)
    return report


def batches(docs: list[Document], size: int) -> list[list[Document]]:
    return [docs[i : i + size] for i in range(0, len(docs), size)]


__all__ = ["DocumentProcessor", "Failure", "IngestPlan", "IngestReport", "StoreError",
           "batches", "cached_processor", "finish_report", "plan_ingest", "report_for",
           "stage_results"]
