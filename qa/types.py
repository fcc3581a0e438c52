"""Dataclasses the question-answering side of kgqa passes around."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any


class QAError(Exception):
    """Base error of the ``qa`` package: the message says what failed, where, and what to do."""


def check_question(text: str, what: str, limit: int) -> str:
    """``text`` stripped, or QAError when it is empty or longer than ``limit`` characters (the
    setting max_question_chars); checked before any model loads."""
    text = text.strip()
    if not text:
        raise QAError(f"the {what} is empty; give some words to look for")
    if len(text) > limit:
        raise QAError(
            f"the {what} has {len(text)} characters, over the limit of {limit} "
            "(setting max_question_chars)"
        )
    return text


class NoReaderError(QAError):
    """A reader was needed but the setting reader_model names none."""


class InputError(QAError):
    """An input document could not be read; the batch goes on without it."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


@dataclass(frozen=True)
class Document:
    """A normalised input document."""

    doc_id: str
    text: str
    source: str
    content_hash: str
    title: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    """A span of a document that retrieval returns and the reader reads."""

    passage_id: str
    doc_id: str
    ordinal: int
    start: int
    end: int
    text: str
    # Where each page of its document starts (documents with pages: PDF); () for the others.
    page_starts: tuple[int, ...] = ()

    def page_of(self, offset: int) -> int | None:
        """The 1-based page of a document offset, None when the document has no pages."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

    @property
    def page(self) -> int | None:
        """The page this passage starts on."""
        return self.page_of(self.start)

    def answer(self, span: Any, probability: float | None = None, offset: int = 0) -> Answer:
        """The answer of a reader's ``span`` (text, score, start and end) read in this
        passage's text from ``offset`` on (a sentence or block of it read alone)."""
        start, end = self.start + offset + span.start, self.start + offset + span.end
        return Answer(
            text=span.text,
            score=span.score,
            doc_id=self.doc_id,
            passage_id=self.passage_id,
            start=start,
            end=end,
            context=self.text,
            passage_start=self.start,
            page=self.page_of(start),
            probability=probability,
        )


@dataclass(frozen=True)
class Hit:
    """A retrieved passage and its fused score."""

    passage: Passage
    score: float

    def to_json(self) -> dict[str, Any]:
        p = self.passage
        return {
            "doc_id": p.doc_id,
            "passage_id": p.passage_id,
            "score": round(self.score, 6),
            "start": p.start,
            "end": p.end,
            "text": p.text,
            **({"page": p.page} if p.page_starts else {}),
        }


@dataclass(frozen=True)
class Span:
    """A span the reader picked in one context, with character offsets into that context."""

    text: str
    score: float
    start: int
    end: int


@dataclass
class Answer:
    """An answer to a question, located in a document."""

    text: str
    score: float
    doc_id: str
    passage_id: str
    start: int
    end: int
    context: str
    # Where the answer's passage starts in its document (``start - passage_start`` is the
    # answer's offset in ``context``); not part of the JSON, which carries document offsets.
    passage_start: int
    also_in: list[dict[str, Any]] = field(default_factory=list)
    page: int | None = None  # for documents with pages
    # the verifier's calibrated chance that the answer is right (None without a verifier)
    probability: float | None = None
    # a typed edge of the relation the question asks about joins it to an entity of the
    # question (kgqa.qa.serve.agreement): it was ranked before the answers without one
    graph_agrees: bool = False
    # read in a field the question names, of a passage that names the question's names
    named_field: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "text": self.text,
            "score": round(self.score, 6),
            "probability": None if self.probability is None else round(self.probability, 4),
            "doc_id": self.doc_id,
            "passage_id": self.passage_id,
            "start": self.start,
            "end": self.end,
            "context": self.context,
        }
        if self.page is not None:
            out["page"] = self.page
        if self.also_in:
            out["also_in"] = self.also_in
        if self.graph_agrees:
            out["graph_agrees"] = True
        return out


@dataclass(frozen=True)
class Mention:
    """A stored mention after every merge rule: the graph node it counts for (``node``), the
    rule that put it there (``rule``: the document's alias rule, or ``always_merge`` and the
    like), and where it is (document, passage, text, character span in the document)."""

    node: str
    rule: str
    doc_id: str
    passage_id: str
    text: str
    start: int
    end: int

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "passage_id": self.passage_id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class EntityMatches:
    """Entities whose name or an alias contains a query, exact matches first."""

    query: str
    generation: str
    entities: list[dict[str, Any]]  # id, name, type, mention_count, degree

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "generation": self.generation, "entities": self.entities}


@dataclass(frozen=True)
class EntityView:
    """One entity: its node attributes (label, type, aliases, merges, counts), its mentions
    and its edges with their evidence."""

    id: str
    attributes: dict[str, Any]
    generation: str
    mentions: list[Mention]
    edges: list[dict[str, Any]]  # direction, other, other_name, label, confidence, evidence
    other_matches: list[str]
    # every node the name matched (this one first): id, name, type, mention_count
    matches: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.attributes,
            "generation": self.generation,
            "mentions": [m.to_json() for m in self.mentions],
            "edges": self.edges,
            "other_matches": self.other_matches,
            "matches": self.matches,
        }


@dataclass(frozen=True)
class Neighbourhood:
    """An entity's neighbourhood laid out for drawing: nodes with x, y in [-1, 1], edges with
    their evidence."""

    center: str
    hops: int
    generation: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "center": self.center,
            "hops": self.hops,
            "generation": self.generation,
            "nodes": self.nodes,
            "edges": self.edges,
        }


@dataclass
class AskResult:
    """What ``ask`` returns: the ranked answers (each with its supporting graph facts), whether
    the reader abstained, and the hits it read. Without a reader, ``reader`` is None and only
    the hits are filled."""

    question: str
    generation: str
    reader: str | None
    answers: list[Answer]
    facts: list[list[dict[str, Any]]]
    hits: list[Hit]
    # a multi-hop answer's hops, in order (``kgqa.qa.multihop.steps.Step.to_json``)
    path: list[dict[str, Any]] = field(default_factory=list)

    @property
    def no_answer(self) -> bool | None:
        """True when the reader found no answer; None when there is no reader."""
        return None if self.reader is None else not self.answers

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question,
            "generation": self.generation,
            "reader": self.reader,
            "no_answer": self.no_answer,
        }
        out["answers"] = [{**a.to_json(), "facts": f} for a, f in zip(self.answers, self.facts)]
        out["hits"] = [h.to_json() for h in self.hits]
        out["path"] = self.path
        return out
