"""The one writer's step: stage the next store generation from the processed documents."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from kgqa.kg.graph import MergeRules
from kgqa.qa.ingest.plan import IngestPlan
from kgqa.qa.ingest.report import Failure
from kgqa.qa.retrieval.embed import PassageEmbedder
from kgqa.qa.settings import Settings
from kgqa.qa.store import Generation, Manifest, ProcessedDocument, Store, rules_json, rules_of
from kgqa.qa.store.index import DenseOptions


def models_info(settings: Settings, dimension: int) -> dict[str, Any]:
    """What built a generation, for its manifest (read from package metadata, no model loads)."""
    import importlib.metadata

    def version(package: str) -> str | None:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return None

    pipeline = Path(settings.spacy_model).expanduser() / "meta.json"
    spacy_pipeline_version = (
        json.loads(pipeline.read_text()).get("version")
        if pipeline.is_file()
        else version(settings.spacy_model.replace("_", "-"))
    )
    return {
        "relation_model_sha256": relation_weights_id(settings),
        "embedder": settings.embedder,
        "embedding_dimension": dimension,
        "spacy_model": settings.spacy_model,
        "spacy_pipeline_version": spacy_pipeline_version,
        "spacy_version": version("spacy"),
        "kgqa_version": version("kgqa"),
        "relation_extractors": list(settings.relation_extractors),
        "index_title": settings.index_title,
    }


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
        from kgqa.kg.models import shipped_model

        folder = shipped_model("relations")
    weights = folder / "model.safetensors" if folder is not None else None
    if weights is None or not weights.is_file():
        return None
    stat = weights.stat()
    return _file_sha256(str(weights), stat.st_size, stat.st_mtime_ns)[:16]


def merge_rules(settings: Settings) -> MergeRules:
    return MergeRules(dict(settings.always_merge), [(a, b) for a, b in settings.never_merge])


def stage_results(
    store: Store,
    base: Generation | None,
    settings: Settings,
    plan: IngestPlan,
    results: list[ProcessedDocument | Failure],
) -> Manifest | None:
    """The one writer's step: write the next generation (not yet current) from ``base``, the
    generation the writer opened, if anything changed; returns its manifest, or None when there
    was nothing to commit."""
    processed = [r for r in results if isinstance(r, ProcessedDocument)]
    rules = merge_rules(settings)
    rules_changed = reindex = False
    if base is not None:
        rules_changed = rules_of(base.manifest) != rules_json(rules)
        options = DenseOptions.of(settings)
        # A change of the index settings alone rebuilds the vector index on this run.
        rules_changed |= base.dense.kind != options.kind_for(base.dense.size)
        # Stores from before index_title were indexed without titles.
        reindex = base.manifest.models.get("index_title", False) != settings.index_title
    if not processed and not plan.removed and not rules_changed and not reindex:
        return None
    if processed:
        dimension = int(processed[0].vectors.shape[1])
    else:
        assert base is not None  # removals and rebuilds happen in an existing store
        dimension = int(base.manifest.models["embedding_dimension"])
    models = models_info(settings, dimension)
    if base is not None:
        store.check_models(base.manifest, models["embedder"], dimension)
    reembed = PassageEmbedder.configured(settings.embedding()) if reindex else None
    return store.stage(
        plan.removed,
        processed,
        models=models,
        settings=settings.model_dump(mode="json"),
        rules=rules,
        reembed=reembed,
        base=base,
        keep=settings.keep_generations,
    )
