"""What a store holds, for a first look: its counts, its most mentioned entities, and a few
questions drawn from its graph that it can answer (the web page's first screen, ``GET
/overview``, ``kgqa stats --questions N``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kgqa.kg.analysis import entity_summary, name_keys
from kgqa.kg.canonical import canonical_key
from kgqa.qa.types import QAError

# A typed relation as a question about one end, whose answer is the other end ("tail" or
# "head"); in the order they are tried, so the questions shown are of several kinds.
TEMPLATES: dict[str, tuple[str, str]] = {
    "Founded_By": ("Who founded {head}?", "tail"),
    "Born_In": ("Where was {head} born?", "tail"),
    "Leader_Of": ("Who leads {tail}?", "head"),
    "OrgBased_In": ("Where is {head} based?", "tail"),
    "Creator_Of": ("Who created {tail}?", "head"),
    "Died_In": ("Where did {head} die?", "tail"),
    "Work_For": ("Where did {head} work?", "tail"),
    "Owned_By": ("Who owns {head}?", "tail"),
    "Spouse": ("Who was {head} married to?", "tail"),
    "Member_Of": ("What was {head} a member of?", "tail"),
    "Live_In": ("Where did {head} live?", "tail"),
    "Located_In": ("Where is {head}?", "tail"),
}


def top_entities(graph: Any, n: int) -> list[dict[str, Any]]:
    """The ``n`` most mentioned entities (then the most connected)."""
    ranked = sorted(
        graph.nodes(data=True),
        key=lambda item: (-item[1].get("mention_count", 0), -graph.degree(item[0]), item[0]),
    )
    return [entity_summary(graph, node) for node, _ in ranked[:n]]


def candidate_questions(graph: Any) -> Iterator[tuple[str, str]]:
    """(question, the node that answers it) from the graph's typed edges: one relation after
    another in turn, each entity asked about once, better-known entities first."""
    by_relation: dict[str, list[tuple[int, str, str]]] = {label: [] for label in TEMPLATES}
    for head, tail, data in graph.edges(data=True):
        label = data.get("label")
        if label not in TEMPLATES or not data.get("typed"):
            continue
        template, answer = TEMPLATES[label]
        asked, answered = (head, tail) if answer == "tail" else (tail, head)
        name = graph.nodes[asked].get("label", asked)
        mentions = graph.nodes[asked].get("mention_count", 0)
        question = template.format(head=name, tail=name)
        by_relation[label].append((-mentions, question, answered))
    queues = [sorted(set(items)) for items in by_relation.values() if items]
    seen: set[str] = set()
    while any(queues):
        for queue in queues:
            if queue:
                _, question, answered = queue.pop(0)
                if question not in seen:
                    seen.add(question)
                    yield question, answered


def answerable_questions(service: Any, n: int = 3, tries: int = 8) -> list[dict[str, Any]]:
    """Up to ``n`` questions drawn from the graph that ``ask`` answers with the entity the
    graph expects (asking at most ``tries``), each with its answer; cached per generation."""
    generation = service.generation
    cache = generation.cache.setdefault("answerable_questions", {})
    if (n, tries) in cache:
        return list(cache[n, tries])
    graph = generation.graph
    found: list[dict[str, Any]] = []
    for i, (question, node) in enumerate(candidate_questions(graph)):
        if i >= tries or len(found) >= n or service.reader is None:
            break
        try:
            result = service.ask(question)
        except QAError:
            continue
        if not result.answers:
            continue
        best = result.answers[0]
        said = canonical_key(best.text)
        names = {k for k in name_keys(graph.nodes[node], node) if k}
        if len(said) >= 2 and any(said in k or k in said for k in names):
            found.append(
                {
                    "question": question,
                    "answer": best.text,
                    "doc_id": best.doc_id,
                    "probability": best.probability,
                }
            )
    cache[n, tries] = found
    return list(found)


def overview(service: Any, top: int = 8, questions: int = 0) -> dict[str, Any]:
    """The store's counts and top entities, and (``questions`` > 0) questions it can answer."""
    generation = service.generation
    counts = generation.manifest.counts
    out: dict[str, Any] = {
        "generation": generation.name,
        "documents": counts.get("documents", 0),
        "passages": counts.get("passages", 0),
        "entities": counts.get("nodes", 0),
        "edges": counts.get("edges", 0),
        "top_entities": top_entities(generation.graph, top),
    }
    if questions:
        out["questions"] = answerable_questions(service, questions, tries=max(8, 3 * questions))
    return out
