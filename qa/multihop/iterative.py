"""Iterative retrieval: the fallback for a question that no shape of ``parse`` fits and that no
passage answers on its own ("At what temperature does the yellow component of korvite melt?").

In the manner of MDR (Xiong et al. 2021) and IRCoT (Trivedi et al. 2023), without their large
models: the names of each of the first passages that the question does not already name are
added to the question, and it is searched again. A passage found so that is about one of them
(the bridge: its document is named after it or placed in it, or it is the first name the
passage mentions) is read joined to the first one, as one text, so that the reader and the
verifier see the whole chain ("korvite ... lumenol, a yellow crystal" then "lumenol melts at
122 °C").
The answer must lie in the second passage; it is shown only when the verifier passes it, as on
every path, and carries its two steps as its ``path``: the bridge named in the first passage,
then the span read in the second.

Before that, the last passages that a question of no shape reads are those of the same second
search, with the names of its first passage (``widen``): its first search's three best, then
the second search's two.

When the single-passage answer is clearly of the wrong kind (``kinds``: a person where the
question wants a film, a name where it wants a number), it is taken as the bridge: the
question is read in the passages about it, and an answer of the right kind that passes the
verifier replaces it (``past_the_bridge``)."""

from __future__ import annotations

import re
from typing import Any

from kgqa.kg.canonical import canonical_key
from kgqa.qa.multihop.hops import doc_title, is_about
from kgqa.qa.multihop.kinds import answer_fits, wanted_kind
from kgqa.qa.multihop.solve import HOP_SEARCH_MODE, MultiHop
from kgqa.qa.multihop.steps import Step
from kgqa.qa.squad import normalize_answer
from kgqa.qa.types import Answer, Hit, Mention

# the first-round passages a bridge is looked for in, the names of each added to the query,
# and the passages of the second search read beside each
FIRST = 2
NAMES = 4
SECOND = 3
# the first search's passages read ahead of those that a second search with the first
# passage's names finds, and how many of those take the place of its last ones
KEEP = 3
WIDEN = 2
# a yes/no question ("Are A and B both directors?") wants no span of a passage
_YES_NO = re.compile(r"(?i)^\s*(?:is|was|are|were|do|does|did|has|have|had|can|could|will|would)\b")


def bridge_names(
    service: Any, generation: Any, hit: Hit, question: str, asked: set[str]
) -> dict[str, Mention]:
    """The names in ``hit``'s passage (by graph node, first mention each, in text order) that
    the question does not name: no node of ``asked``, no words of the question, no digits, no
    nationality."""
    said = canonical_key(question)
    names: dict[str, Mention] = {}
    for m in sorted(service.passage_mentions(generation, hit.passage.passage_id), key=_at):
        key = canonical_key(m.text)
        if m.node in asked or m.node in names or not _is_name(m) or not key or key in said:
            continue
        names[m.node] = m
    return dict(list(names.items())[:NAMES])


def about_bridge(service: Any, generation: Any, hit: Hit, node: str, name: str) -> bool:
    """Whether ``hit``'s passage is about the bridge ``name`` (graph node ``node``): its
    document is named after it or placed in it ("Forest Acres, South Carolina", "Petra
    (Jordan)"), or the first name it mentions, early, is the bridge ("Lumenol is an organic
    compound ..."). A passage that names the bridge after another name ("Acme Robotics was
    founded by Priya Natarajan and Tomas Berg") is about that one, and what it says is no fact
    of the bridge's."""
    key = canonical_key(name)
    title, *qualifiers = re.split(r",\s*|\s*\(", doc_title(hit).replace(")", ""))
    if key in (canonical_key(title), *map(canonical_key, qualifiers)):
        return True
    named = [m for m in service.passage_mentions(generation, hit.passage.passage_id) if _is_name(m)]
    first = min(named, key=_at, default=None)
    return first is not None and first.node == node and is_about(hit, name)


def widen(service: Any, generation: Any, question: str, hits: list[Hit]) -> list[Hit]:
    """The passages to read, as many as ``hits``: its first KEEP, then those of a second
    search with the names that the first passage adds to the question (``bridge_names``), at
    most WIDEN, then the rest of ``hits``. "What does the blue ingredient of Tarvo paint
    dissolve in?" finds first the passage about Tarvo paint, which names Corvine, and passages
    about other blue paints; the passage about Corvine, which says it dissolves in warm
    vinegar, is found with "Corvine" added."""
    if len(hits) <= KEEP or not _shares_a_word(question, hits[0]):
        return hits
    asked = {link.node for link in service.retriever(generation).linker().link(question)}
    names = bridge_names(service, generation, hits[0], question, asked)
    if not names:
        return hits
    query = f"{question} " + " ".join(m.text for m in names.values())
    kept = {h.passage.passage_id for h in hits[:KEEP]}
    found = [
        h
        for h in service.search(query, KEEP + WIDEN, HOP_SEARCH_MODE, generation)
        if h.passage.passage_id not in kept
    ][:WIDEN]
    ids = {h.passage.passage_id for h in found}
    rest = [h for h in hits[KEEP:] if h.passage.passage_id not in ids]
    return (hits[:KEEP] + found + rest)[: len(hits)]


# the asking words, which BM25 keeps
_ASKING = {"how", "what", "when", "where", "who", "whom", "whose", "which", "why"}


def _shares_a_word(question: str, hit: Hit) -> bool:
    """Whether ``hit``'s passage says a word of the question (BM25's terms: stemmed, no stop
    words): a first passage that says none is no step towards the answer, and its names are no
    bridge ("How big is Plot 5?" found a school trip's timetable first, and the passages of its
    names took the place of the record of Plot 5)."""
    from kgqa.qa.store.index import bm25_tokens

    asked, said = bm25_tokens([question, hit.passage.text])
    return bool(set(asked) - _ASKING & set(said))


def second_round(
    service: Any, generation: Any, question: str, hits: list[Hit]
) -> tuple[list[Answer], list[Hit], list[dict[str, Any]]] | None:
    """The answer read in a passage found with a bridge added to the question, the hits used
    (the pair first) and the path; None when no pair gives an answer that passes.
    ``service``: the asking ``QAService``; ``hits``: the first round's."""
    if _YES_NO.match(question) or service.reader is None:
        return None
    linker = service.retriever(generation).linker()
    asked_nodes = {link.node for link in linker.link(question)}
    asked = normalize_answer(question)
    best: tuple[float, Answer, Hit, Hit, Mention] | None = None
    for first in hits[:FIRST]:
        names = bridge_names(service, generation, first, question, asked_nodes)
        if not names:
            continue
        query = f"{question} " + " ".join(m.text for m in names.values())
        found = service.search(query, SECOND + 1, HOP_SEARCH_MODE, generation)
        pairs = []
        for hit in found:
            if hit.passage.passage_id == first.passage.passage_id:
                continue
            nodes = {m.node for m in service.passage_mentions(generation, hit.passage.passage_id)}
            shared = [
                m
                for node, m in names.items()
                if node in nodes and about_bridge(service, generation, hit, node, m.text)
            ]
            if shared:
                pairs.append((hit, shared[0]))
        prefix = first.passage.text + "\n"
        contexts = [prefix + hit.passage.text for hit, _ in pairs[:SECOND]]
        if not contexts:
            continue
        readings, probabilities = service.read_contexts(question, contexts)
        for (hit, bridge), reading, probability in zip(pairs, readings, probabilities):
            span = reading.span
            if span is None or span.start < len(prefix) or not span.text.strip():
                continue
            key = normalize_answer(span.text)
            if not key or key in asked or key == normalize_answer(bridge.text):
                continue
            if not service.passes(span.score, probability) or not _fits(
                service, generation, question, hit, span, len(prefix)
            ):
                continue
            rank = probability if probability is not None else span.score
            if best is None or rank > best[0]:
                answer = _answer(hit, span, probability, len(prefix))
                best = (rank, answer, first, hit, bridge)
    if best is None:
        return None
    _, answer, first, hit, bridge = best
    f = first.passage
    named = Step(question, bridge.text, "text", f.doc_id, f.passage_id, bridge.start, bridge.end)
    return _two_steps(question, named, answer, [first], hit, hits)


def wrong_kind(
    service: Any, generation: Any, question: str, answers: list[Answer]
) -> Answer | None:
    """The best answer when it is clearly not of the kind the question wants (a person where
    it wants a film, a name where it wants a number: the bridge, not the answer), else None."""
    if not answers:
        return None
    best = answers[0]
    if answer_fits(
        service, generation, wanted_kind(question), best.passage_id, best.text, best.start, best.end
    ):
        return None
    return best


def past_the_bridge(
    service: Any, generation: Any, question: str, hits: list[Hit], wrong: Answer
) -> tuple[list[Answer], list[Hit], list[dict[str, Any]]] | None:
    """The answer read, with the question as asked, in the passages about ``wrong`` (the first
    round's answer of the wrong kind, taken as the bridge: "the arena where the team played"
    is the Androscoggin Bank Colisée, whose passage says how many it seats); it must pass the
    verifier and be of the kind wanted. None when no such passage gives one."""
    if service.reader is None:
        return None
    about = [
        h
        for h in MultiHop(service, generation).about(wrong.text, question)
        if h.passage.passage_id != wrong.passage_id
    ][:SECOND]
    readings, probabilities = service.read_passages(question, about) if about else ([], [])
    wrong_key = normalize_answer(wrong.text)
    best: tuple[float, Answer, Hit] | None = None
    for hit, reading, probability in zip(about, readings, probabilities):
        span = reading.span
        if (
            span is None
            or normalize_answer(span.text) in ("", wrong_key)
            or not service.passes(span.score, probability)
            or not _fits(service, generation, question, hit, span, 0)
        ):
            continue
        rank = probability if probability is not None else span.score
        if best is None or rank > best[0]:
            best = (rank, _answer(hit, span, probability, 0), hit)
    if best is None:
        return None
    _, answer, hit = best
    read = Step(
        question, wrong.text, "reader", wrong.doc_id, wrong.passage_id, wrong.start, wrong.end,
        wrong.probability,
    )  # fmt: skip
    first = [h for h in hits if h.passage.passage_id == wrong.passage_id]
    return _two_steps(question, read, answer, first, hit, hits)


def _two_steps(
    question: str, bridge: Step, answer: Answer, firsts: list[Hit], hit: Hit, hits: list[Hit]
) -> tuple[list[Answer], list[Hit], list[dict[str, Any]]]:
    """The answer, the hits used (the bridge's passage, the answer's, then the first round's)
    and the path: the bridge, then the span read in the answer's passage."""
    read = Step(
        f"{question} ({bridge.answer})", answer.text, "reader", answer.doc_id, answer.passage_id,
        answer.start, answer.end, answer.probability,
    )  # fmt: skip
    used = firsts + [hit] + [h for h in hits if h not in (*firsts, hit)]
    return [answer], used[: max(len(hits), 2)], [bridge.to_json(), read.to_json()]


def _fits(service: Any, generation: Any, question: str, hit: Hit, span: Any, offset: int) -> bool:
    """Whether a span read in ``hit``'s passage (``offset`` characters into the text read) is
    of the kind the question wants."""
    p = hit.passage
    start, end = p.start + span.start - offset, p.start + span.end - offset
    return answer_fits(
        service, generation, wanted_kind(question), p.passage_id, span.text, start, end
    )


def _answer(hit: Hit, span: Any, probability: float | None, offset: int) -> Answer:
    """The answer of a span read in ``hit``'s passage, ``offset`` characters into the text."""
    p = hit.passage
    start, end = span.start - offset, span.end - offset
    return Answer(
        span.text, span.score, p.doc_id, p.passage_id, p.start + start, p.start + end, p.text,
        p.start, page=p.page_of(p.start + start), probability=probability,
    )  # fmt: skip


def _is_name(mention: Mention) -> bool:
    """Whether a mention is a name a question can hop through: capitalised, without digits
    (no date or number), not a nationality ("French", "American" bridge nothing)."""
    text = mention.text
    return (
        not mention.node.endswith(":NORP")
        and any(c.isupper() for c in text)
        and not any(c.isdigit() for c in text)
    )


def _at(mention: Mention) -> int:
    return mention.start
