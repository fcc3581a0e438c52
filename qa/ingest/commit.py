"""The one writer's step: stage the next store generation from the processed documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kgqa.kg.graph import MergeRules
from kgqa.qa.ingest.cache import relation_weights_id
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
