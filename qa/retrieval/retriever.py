"""Retrieval modes, picked by name, over one store generation."""

from __future__ import annotations

from typing import Any

from kgqa.kg.link import EntityLinker
from kgqa.qa.choices import FUSIONS, RETRIEVAL_MODES, unknown_mode
from kgqa.qa.retrieval.embed import PassageEmbedder
from kgqa.qa.settings import RetrievalConfig
from kgqa.qa.store import Generation
from kgqa.qa.types import Hit, QAError


class Retriever:
    """Searches one generation by BM25, dense vectors, or their fusion."""

    def __init__(
        self,
        generation: Generation,
        embedder: PassageEmbedder,
        config: RetrievalConfig,
        nlp: Any = None,
    ) -> None:
        FUSIONS[config.fusion]  # an unknown fusion fails here, naming the valid ones
        self.generation = generation
        self.embedder = embedder
        self.candidate_k = config.candidate_k
        self.fusion = config.fusion
        self.weights = [config.bm25_weight, 1.0 - config.bm25_weight]
        self.rrf_k = config.rrf_k
        self.graph_weight = config.graph_weight
        # spaCy NER for question linking, used only when the settings ask for it.
        self.nlp = nlp if config.link_with_ner else None

    def linker(self) -> EntityLinker:
        """The generation's entity linker for this retriever's spaCy pipeline (or none): one per
        pipeline, since a linker with NER links spans that one without it misses."""
        key = ("linker", None if self.nlp is None else id(self.nlp))
        cache = self.generation.cache
        if key not in cache:
            cache[key] = EntityLinker(self.generation.graph, self.nlp)
        linker: EntityLinker = cache[key]
        return linker

    def search(self, query: str, k: int, mode: str = "hybrid") -> list[Hit]:
        if mode not in RETRIEVAL_MODES:
            raise QAError(unknown_mode(mode))
        ranked = RETRIEVAL_MODES[mode](self, query, k)[:k]
        passages = self.generation.passages_by_rowid(pid for pid, _ in ranked)
        return [Hit(passages[pid], score) for pid, score in ranked if pid in passages]
