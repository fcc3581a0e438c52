"""The query path shared by the CLI and the HTTP API: load once, then search and ask.

No Prefect here: questions must not pay for an orchestration server.
"""

from __future__ import annotations

import re
import string
from typing import Any

from qa.embed import PassageEmbedder
from qa.reader import ExtractiveReader
from qa.retrieve import Retriever
from qa.settings import Settings
from qa.store import Generation, Store
from qa.types import Answer, Hit, QAError


def normalise_answer(text: str) -> str:
    """SQuAD-style answer normalisation: lower case, no punctuation, articles or extra spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


class QAService:
    """Search and ask over the current generation of a store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.store)
        self.embedder = PassageEmbedder(settings.embedder, settings.device, settings.embed_batch_size)
        self.reader: ExtractiveReader | None = None
        if settings.reader_model:
            self.reader = ExtractiveReader(
                settings.reader_model, settings.device, settings.reader_max_seq_len,
                settings.reader_stride, settings.max_answer_tokens, settings.reader_batch_size)
        self._generation: Generation | None = None

    @property
    def generation(self) -> Generation:
        if self._generation is None:
            self._generation = self.store.open(embedder=self.settings.embedder)
            self.embedder.warm_up()
            self.store.check_models(self._generation.manifest, None, self.embedder.dimension)
        return self._generation

    def retriever(self) -> Retriever:
        s = self.settings
        return Retriever(self.generation, self.embedder, s.candidate_k, s.fusion, s.bm25_weight,
                         s.rrf_k)

    def _check_question(self, text: str, what: str) -> str:
        text = text.strip()
        if not text:
            raise QAError(f"the {what} is empty; give some words to look for")
        if len(text) > self.settings.max_question_chars:
            raise QAError(f"the {what} has {len(text)} characters, over the limit of "
                          f"{self.settings.max_question_chars} (setting max_question_chars)")
        return text

    def search(self, query: str, k: int | None = None, mode: str | None = None) -> list[Hit]:
        query = self._check_question(query, "query")
        k = self.settings.search_k if k is None else k
        mode = self.settings.search_mode if mode is None else mode
        return self.retriever().search(query, k, mode)

    def ask(self, question: str, top_k: int | None = None, top_answers: int | None = None
            ) -> dict[str, Any]:
        """Answers to ``question`` (JSON-ready): ranked answers, or ``no_answer`` when the reader
        abstains on every passage. Without a reader, the hits alone and ``reader: null``."""
        question = self._check_question(question, "question")
        top_k = self.settings.ask_top_k if top_k is None else top_k
        top_answers = self.settings.top_answers if top_answers is None else top_answers
        hits = self.search(question, top_k)
        if self.reader is None:
            return {"question": question, "reader": None, "no_answer": None, "answers": [],
                    "hits": [h.to_json() for h in hits]}
        answers = self.read_hits(question, hits, top_answers)
        return {"question": question, "reader": self.settings.reader_model,
                "no_answer": not answers, "answers": [a.to_json() for a in answers],
                "hits": [h.to_json() for h in hits]}

    def read_hits(self, question: str, hits: list[Hit], top_answers: int) -> list[Answer]:
        assert self.reader is not None
        spans = self.reader(question, [h.passage.text for h in hits])
        merged: dict[str, Answer] = {}
        for hit, (span, _) in zip(hits, spans):
            if span is None or span.score <= self.settings.no_answer_threshold or not span.text.strip():
                continue
            p = hit.passage
            found = Answer(text=span.text, score=span.score, doc_id=p.doc_id,
                           passage_id=p.passage_id, start=p.start + span.start,
                           end=p.start + span.end, context=p.text)
            key = normalise_answer(span.text) or span.text
            if key not in merged:
                merged[key] = found
                continue
            best = merged[key]
            other, best = (best, found) if found.score > best.score else (found, best)
            best.also_in = best.also_in + [{"doc_id": other.doc_id, "passage_id": other.passage_id,
                                            "start": other.start, "end": other.end,
                                            "score": round(other.score, 6)}] + other.also_in
            merged[key] = best
        return sorted(merged.values(), key=lambda a: -a.score)[:top_answers]
