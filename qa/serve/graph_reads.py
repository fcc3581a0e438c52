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

Where the sentence names the edge's other entity, a person, only as "he" or "she" ("In 1979
she founded the Vessby Folk Music Festival"), it is read with the pronoun replaced by the name
the passage gave that person before it; where the reader's span is that name, the answer is
that earlier mention of the person.
"""

from __future__ import annotations

import re
from itertools import chain
from typing import Any

from kgqa.qa.reader.wh import question_type
from kgqa.qa.serve.agreement import asked_relations
from kgqa.qa.types import Answer, Hit, Mention, Span

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
    # the sentences whose edge's other entity is a pronoun there: (confidence, sentence, the
    # pronoun's span in it, the entity's last mention before it in the passage)
    standing: list[tuple[float, tuple[str, int, int], tuple[int, int], Mention]] = []
    for key, (confidence, others) in sentences.items():
        known = service.passage_mentions(generation, key[0])
        mentions = [m for m in known if m.node in others and key[1] <= m.start and m.end <= key[2]]
        read = [
            a for a in answers if a.passage_id == key[0] and a.start < key[2] and key[1] < a.end
        ]
        if attribute and not read:
            wanted.append((confidence, key, None))
        elif mentions and not any(m.overlaps(a.start, a.end) for a in read for m in mentions):
            wanted.append((confidence, key, mentions))
        elif not mentions and not read and (stood := _stood_for(known, others, key, passages)):
            standing.append((confidence, key, *stood))
    wanted.sort(key=lambda w: -w[0])
    wanted = wanted[:MAX_SENTENCES]
    found_by_name = _read_named(
        service, question, passages, standing[: MAX_SENTENCES - len(wanted)]
    )
    if not wanted:
        return found_by_name
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
    return found + found_by_name


# a person's pronoun that a sentence's subject may be
_SUBJECT_PRONOUN = re.compile(r"\b(?:he|she|He|She)\b")


def _stood_for(
    known: list[Mention], others: set[str], key: tuple[str, int, int], passages: dict[str, Any]
) -> tuple[tuple[int, int], Mention] | None:
    """Where the one "he" or "she" of an evidence sentence (``key``: passage, start, end in
    the document) lies in it, and the last mention before it, in its passage (of the passage's
    mentions ``known``), of the edge's other entity (a node of ``others``, a person's), when the
    sentence names that entity only so ("In 1979 she founded the Vessby Folk Music Festival")."""
    p = passages[key[0]]
    sentence = p.text[key[1] - p.start : key[2] - p.start]
    pronouns = list(_SUBJECT_PRONOUN.finditer(sentence))
    before = [m for m in known if m.node in others and m.end <= key[1]]
    people = {m.node for m in before}
    if len({w.group().lower() for w in pronouns}) != 1 or len(people) != 1:
        return None
    if not next(iter(people)).endswith(":PERSON"):
        return None
    return pronouns[0].span(), max(before, key=lambda m: m.start)


def _read_named(
    service: Any,
    question: str,
    passages: dict[str, Any],
    standing: list[tuple[float, tuple[str, int, int], tuple[int, int], Mention]],
) -> list[Answer]:
    """The answers read in evidence sentences whose edge's other entity is a pronoun there,
    each read with the pronoun replaced by the entity's name ("In 1979 Ingrid Lundqvist
    founded ..."): where the reader's span is that name, the answer is the entity's mention
    before the sentence in the passage (its text and place), with the probability of that
    reading."""
    contexts, named = [], []
    for _, (passage_id, start, end), (a, b), mention in standing:
        p = passages[passage_id]
        sentence = p.text[start - p.start : end - p.start]
        contexts.append(f"{sentence[:a]}{mention.text}{sentence[b:]}")
        named.append((a, a + len(mention.text), p, mention))
    if not contexts:
        return []
    readings, probabilities = service.read_contexts(question, contexts)
    found = []
    for (a, b, p, mention), reading, probability in zip(named, readings, probabilities):
        span = reading.span
        if span is None or not (
            span.start <= a and b <= span.end and span.end - span.start < b - a + 3
        ):
            continue
        name = Span(mention.text, span.score, 0, len(mention.text))
        found.append(p.answer(name, probability, offset=mention.start - p.start))
    return found
