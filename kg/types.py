"""Dataclasses the graph side of kgqa passes around."""

from __future__ import annotations

from dataclasses import dataclass, field


class KGError(Exception):
    """Base error of the ``kg`` package."""


@dataclass(frozen=True)
class Mention:
    """One entity mention: surface text, NER label and character offsets into the document."""

    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence span in the document."""

    start: int
    end: int


@dataclass(frozen=True)
class Relation:
    """A directed relation between two mentions, found in one sentence."""

    head: Mention
    tail: Mention
    label: str
    score: float
    extractor: str
    sentence: Sentence


@dataclass
class Extraction:
    """What the extractors found in one document."""

    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)


@dataclass(frozen=True)
class Evidence:
    """Where a graph fact came from."""

    doc_id: str
    passage_id: str
    start: int
    end: int
    extractor: str
    confidence: float
