"""The HTTP API's response shapes, declared so that the OpenAPI schema documents them.

They describe the JSON the service's results produce (``to_json()``) without changing it:
routes serialise with ``response_model_exclude_unset``, so a field the result leaves out (an
answer's ``also_in`` when it was found once) stays out, and extra fields pass through."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class Health(_Shape):
    status: str = Field(description="'ok' while the service answers.")
    generation: str | None = Field(description="The store generation named by CURRENT.")
    reader: bool = Field(description="Whether a reader model is configured.")


class HitShape(_Shape):
    doc_id: str
    passage_id: str
    score: float = Field(description="The fused retrieval score of the passage.")
    start: int = Field(description="Character offset of the passage in its document.")
    end: int
    text: str
    page: int | None = Field(
        None,
        description="The page the passage starts on, for documents "
        "with pages (PDF); absent for the others.",
    )


class Fact(_Shape):
    source: str
    source_name: str
    label: str = Field(description="The relation (predicate).")
    target: str
    target_name: str
    confidence: float
    example: str
    typed: bool = Field(
        False,
        description="A relation of the joint model's schema (listed "
        "first), not an open predicate of the dependency parse.",
    )
    evidence: list[dict[str, Any]]


class AnswerShape(_Shape):
    text: str
    score: float = Field(description="The reader's margin of this span over no answer.")
    probability: float | None = Field(
        description="The answer verifier's calibrated chance that the answer is right, in "
        "[0, 1]; answers under the verifier's threshold are not returned. Null for a reader "
        "without a verifier."
    )
    doc_id: str
    passage_id: str
    start: int = Field(description="Character offset of the answer in its document.")
    end: int
    context: str = Field(description="The passage the answer was read from.")
    page: int | None = Field(
        None,
        description="The page the answer is on, for documents with "
        "pages (PDF); absent for the others.",
    )
    also_in: list[dict[str, Any]] | None = Field(
        None, description="Other passages that gave the same answer (absent when none did)."
    )
    graph_agrees: bool | None = Field(
        None,
        description="True when a typed edge of the relation the question asks about (founded, "
        "acquired, born in, ...) joins the answer to an entity of the question; such answers "
        "are ranked before the others (absent otherwise).",
    )
    facts: list[Fact] = Field(
        description="Graph edges joining the answer to the question's "
        "entities, with their evidence."
    )


class StepShape(_Shape):
    question: str = Field(description="The hop's sub-question.")
    answer: str
    how: str = Field(
        description="What answered it: graph (a typed edge), reader (a span), text (a date or "
        "country read in the passage) or comparison (of the hops before it)."
    )
    doc_id: str | None = None
    passage_id: str | None = None
    start: int | None = Field(None, description="Start of the span or edge evidence.")
    end: int | None = None
    probability: float | None = None
    edge: dict[str, Any] | None = Field(None, description="The graph edge, when one answered.")


class AskResponse(_Shape):
    question: str
    generation: str = Field(description="The store generation that answered.")
    reader: str | None = Field(description="The reader model; null when none is configured.")
    no_answer: bool | None = Field(
        description="True when the documents do not say; null without a reader."
    )
    answers: list[AnswerShape]
    hits: list[HitShape]
    path: list[StepShape] = Field(
        default_factory=list,
        description="For a question that needs two facts or more: each hop, in order (empty "
        "for a question one passage answers).",
    )


class SearchResponse(_Shape):
    query: str
    generation: str
    hits: list[HitShape]


class ReadResponse(_Shape):
    id: str
    answer: str | None = Field(
        description="The span read, or null when the reader abstains "
        "(or the verifier gives it less than its threshold)."
    )
    score: float | None
    probability: float | None = Field(
        None,
        description="The verifier's chance that the best span is right (absent for a "
        "reader without a verifier; null when there is no span).",
    )
    start: int | None = Field(description="Character offset of the answer in the context.")
    end: int | None


class EntitySummary(_Shape):
    id: str
    name: str
    type: str | None
    mention_count: int
    degree: int


class EntitiesResponse(_Shape):
    query: str
    generation: str
    entities: list[EntitySummary]


class SuggestedQuestion(_Shape):
    question: str = Field(description="A question drawn from a typed edge of the graph.")
    answer: str = Field(description="What ask answered (the entity the edge names).")
    doc_id: str
    probability: float | None


class OverviewResponse(_Shape):
    generation: str
    documents: int
    passages: int
    entities: int
    edges: int
    top_entities: list[EntitySummary] = Field(description="The most mentioned entities.")
    questions: list[SuggestedQuestion] | None = Field(
        None, description="With questions=N: up to N questions the store answers."
    )


class Mention(_Shape):
    doc_id: str
    passage_id: str
    text: str
    start: int
    end: int
    rule: str | None = Field(description="The merge rule that put this mention here, if any.")


class Edge(_Shape):
    direction: str = Field(description="'out' or 'in'.")
    other: str
    other_name: str | None
    label: str
    confidence: float
    evidence: list[dict[str, Any]]
    example: str
    typed: bool = False


class EntityResponse(_Shape):
    id: str
    generation: str
    mentions: list[Mention]
    edges: list[Edge]
    other_matches: list[str]
    matches: list[dict[str, Any]]


class LaidOutNode(_Shape):
    id: str
    name: str
    type: str | None
    mention_count: int
    x: float
    y: float


class LaidOutEdge(_Shape):
    source: str
    target: str
    label: str
    confidence: float
    example: str
    evidence: list[dict[str, Any]]


class NeighbourhoodResponse(_Shape):
    center: str
    hops: int
    generation: str
    nodes: list[LaidOutNode]
    edges: list[LaidOutEdge]


class SimilarResponse(_Shape):
    kind: str = Field(description="passage, document, text, entity or duplicates.")
    query: str = Field(description="The passage, document or entity id, or the text, compared.")
    generation: str
    results: list[dict[str, Any]] = Field(
        description="Neighbours, best first, each with its cosine-based score: passages "
        "(passage_id, doc_id, score, start, end, text, page), documents (doc_id, title, score, "
        "passages), entities (id, name, type, score) or duplicate pairs (score, a, b)."
    )
    pairs: int | None = Field(
        None, description="Duplicates: how many pairs there are in all (results is one page)."
    )
    offset: int | None = Field(None, description="Duplicates: pairs skipped before this page.")
    limit: int | None = Field(None, description="Duplicates: the most pairs in a page.")


class StatsResponse(_Shape):
    generation: str
    documents: int
    passages: int
    nodes: int
    edges: int
    models: dict[str, Any]
    graph: dict[str, Any]
