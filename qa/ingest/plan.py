"""Planning an ingest run: read the inputs and sort each document into new, changed,
unchanged, removed or failed, before any expensive work."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgqa.qa.ingest.isolated_load import file_loader
from kgqa.qa.ingest.loaders import discover
from kgqa.qa.ingest.report import Failure, IngestReport
from kgqa.qa.plugins import import_plugins
from kgqa.qa.settings import Settings
from kgqa.qa.store import Generation, ProcessedDocument
from kgqa.qa.types import Document, InputError


@dataclass
class IngestPlan:
    """What an ingest run will do, decided before any expensive work."""

    to_process: list[Document] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    # files inside the folders given that no loader reads, by suffix
    passed_over: Counter[str] = field(default_factory=Counter)

    def report(
        self, results: list[ProcessedDocument | Failure], reused: int, started: float
    ) -> IngestReport:
        """The report of a run of this plan before its commit (counts and generation are
        filled in after)."""
        processed = [r for r in results if isinstance(r, ProcessedDocument)]
        done = {r.document.doc_id for r in processed}
        return IngestReport(
            new=sum(d in done for d in self.new),
            changed=sum(d in done for d in self.changed),
            unchanged=len(self.unchanged),
            removed=len(self.removed),
            failed=self.failed + [r for r in results if isinstance(r, Failure)],
            generation=None,
            committed=False,
            counts={},
            seconds=time.monotonic() - started,
            processed=len(processed) - reused,
            reused=reused,
        )


# Settings that shape what a document gives (its passages, entities and relations), recorded in
# each generation's manifest; the embedder is checked apart (a store holds one embedder's
# vectors), and index_title rebuilds the index by itself.
READING_SETTINGS = (
    "spacy_model",
    "relation_model",
    "relation_extractors",
    "relation_threshold",
    "relation_precision",
    "entity_labels",
    "passage_max_chars",
    "passage_overlap_sentences",
    "spacy_max_block_chars",
    "plugins",
)
# What read it, from the manifest's models: versions, where a generation recorded them
READING_VERSIONS = ("kgqa_version", "spacy_pipeline_version", "relation_model_sha256")


def reading_changes(base: Generation, settings: Settings, versions: dict[str, Any]) -> list[str]:
    """How this run would read a document otherwise than the one that built ``base``: each
    setting of ``READING_SETTINGS`` whose value differs ("relation_model: None -> 'x'"), and
    each of ``READING_VERSIONS`` that differs from the recorded one (``versions``: this run's,
    as ``commit.models_info`` gives them)."""
    recorded = base.manifest.settings
    now = settings.model_dump(mode="json")
    changes = [
        f"{key}: {recorded[key]!r} -> {now[key]!r}"
        for key in READING_SETTINGS
        if key in recorded and recorded[key] != now[key]
    ]
    models = base.manifest.models
    changes += [
        f"{key}: {models[key]} -> {versions.get(key)}"
        for key in READING_VERSIONS
        if models.get(key) is not None and models[key] != versions.get(key)
    ]
    return changes


def plan_ingest(
    base: Generation | None,
    paths: list[Path],
    settings: Settings,
    prune: bool,
    reprocess: bool = False,
) -> IngestPlan:
    """Read the inputs and sort each document into new, changed, unchanged or failed, against
    ``base``, the store's current generation (None for a new store). ``reprocess``: a document
    already in the store is read again even when its content is unchanged (after a change of
    models or settings), and counted as changed."""
    plan = IngestPlan()
    import_plugins(settings.plugins)  # a plugin may register loaders for more file types
    sources, errors = discover(paths, settings.follow_links, plan.passed_over)
    plan.failed += [Failure(e.where, e.reason) for e in errors]
    known: dict[str, tuple[str, str]] = {}
    if base is not None:
        known = base.document_hashes()
    seen: set[str] = set()
    scanned_sources: set[str] = set()
    with file_loader(settings) as load:
        for src in sources:
            scanned_sources.add(str(src.path.resolve()))
            for item in load(src):
                if isinstance(item, InputError):
                    plan.failed.append(Failure(item.where, item.reason))
                    # A document that fails now keeps its committed version: nothing is lost.
                    continue
                if item.doc_id in seen:
                    plan.failed.append(
                        Failure(
                            item.source,
                            f"document id {item.doc_id!r} was already "
                            "given by another input in this run; ids must be unique",
                        )
                    )
                    continue
                seen.add(item.doc_id)
                before = known.get(item.doc_id)
                if before is None:
                    plan.new.append(item.doc_id)
                    plan.to_process.append(item)
                elif before[0] != item.content_hash or reprocess:
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
                str(Path(w).resolve()) == source for w in failed_where
            )
            if gone or dropped:
                plan.removed.append(doc_id)
    return plan
