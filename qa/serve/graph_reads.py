"""Answers the graph points at: for a question that asks for a relation the graph types ("Who
founded Brightwave Analytics?" asks for Founded_By), the reader also reads each sentence that
is the evidence of an edge of that relation of an entity of the question, when that sentence
lies in a passage the question's search found. Where the reader's span in the sentence names
the edge's other entity, it becomes one more answer (which the graph agrees with, so it ranks
first).

The reader alone reads the whole passage and can prefer a span of another sentence: in a
newsletter that names a new chief technology officer at the top and the founder at the
bottom, it answered "Who founded Brightwave Analytics?" with the officer. The relation model
read every sentence on its own; the reader, given the sentence the edge came from, has to
agree before the graph's entity is shown (the edge may be wrong, or the wrong way round for
the question).
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from kgqa.qa.reader.wh import question_type
from kgqa.qa.serve.agreement import asked_relations
from kgqa.qa.types import Answer, Hit, Mention

# at most this many evidence sentences are read per question (the edges' most confident)
MAX_SENTENCES = 4


def graph_read_answers(
    service: Any, question: str, hits: list[Hit], generation: Any, answers: list[Answer]
) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in the evidence sentences
    of edges of the relation ``question`` asks about (the relation model's, or the parse's in
    the schema's terms) that join an entity of the question to another, in the passages of
    ``hits`` (of ``generation``): each one's span names the other entity, or (a question for a
    time, place or number) lies in the sentence. Sentences where one of ``answers`` already
    names the other entity (lies, for a time, place or number) are not read again."""
    relations = asked_relations(question)
    graph = generation.graph
    if not relations or not hits or not graph.number_of_edges():
        return []
    linker = service.retriever(generation).linker()
    asked = {link.node for link in linker.link(question)}
    passages = {h.passage.passage_id: h.passage for h in hits}
    sentences: dict[tuple[str, int, int], tuple[float, set[str]]] = {}
    for node in asked:
        edges = chain(graph.out_edges(node, data=True), graph.in_edges(node, data=True))
        for u, v, d in edges:
            other = v if u == node else u
            if other in asked or d["label"] not in relations:
                continue
            for e in d["evidence"]:
                if e.get("passage_id") not in passages:
                    continue
                key = (e["passage_id"], e["start"], e["end"])
                confidence, others = sentences.get(key, (0.0, set()))
                sentences[key] = (max(confidence, d["confidence"]), others | {other})
    # a time, place or number the sentence states of the relation ("When was Brightwave
    # Analytics founded?" over "... was founded in 2008 in Dublin by Aoife Byrne") is an
    # answer too, though it names no entity of the edge (so the graph does not agree with it)
    attribute = question_type(question) in ("time", "place", "number")
    # (the edge's confidence, the sentence, the mentions a span must name: None for any)
    wanted: list[tuple[float, tuple[str, int, int], list[Mention] | None]] = []
    for key, (confidence, others) in sentences.items():
        mentions = [
            m for m in service.passage_mentions(generation, key[0])
            if m.node in others and key[1] <= m.start and m.end <= key[2]
        ]  # fmt: skip
        read = [
            a for a in answers if a.passage_id == key[0] and a.start < key[2] and key[1] < a.end
        ]
        if attribute and not read:
            wanted.append((confidence, key, None))
        elif mentions and not any(m.overlaps(a.start, a.end) for a in read for m in mentions):
            wanted.append((confidence, key, mentions))
    wanted.sort(key=lambda w: -w[0])
    wanted = wanted[:MAX_SENTENCES]
    if not wanted:
        return []
    contexts = []
    for _, (passage_id, start, end), _ in wanted:
        p = passages[passage_id]
        contexts.append(p.text[start - p.start : end - p.start])
    readings, probabilities = service.read_contexts(question, contexts)
    found = []
    for (_, (passage_id, start, _), names), reading, probability in zip(
        wanted, readings, probabilities
    ):
        span = reading.span
        if span is None or not span.text.strip():
            continue
        p = passages[passage_id]
        answer = p.answer(span, probability, offset=start - p.start)
        if names is not None and not any(m.overlaps(answer.start, answer.end) for m in names):
            continue
        found.append(answer)
    return found
