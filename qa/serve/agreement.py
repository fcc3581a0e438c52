"""Graph agreement: among the answers the reader proposes for a question that asks for a
relation the graph types ("Who acquired Lumen Works?" asks for Owned_By), an answer that an
edge of that relation (``agrees``) joins to an entity of the question ranks first, whatever
passage it came from. The reader alone can prefer a confident wrong span of a shorter passage
("Lumen Works was founded by Paul Arsenault") to the right one of a longer passage ("In 2019
Harbor Lights acquired Lumen Works, ..."); the graph read every sentence with the relation
model."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.serve.short_name_reads import called_short

# question words -> the relation types (kgqa.kg.joint.DEFAULT_SCHEMA) they ask about
_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("found", "founds", "founded", "founding", "founder", "founders",
                     "co-founded", "cofounded", "co-founder", "established", "started"),
                    ("Founded_By",)),
    **dict.fromkeys(("acquire", "acquires", "acquired", "acquisition", "buy", "buys",
                     "bought", "own", "owns", "owned", "owner", "owners", "subsidiary",
                     "purchased"), ("Owned_By",)),
    **dict.fromkeys(("ceo", "chief", "leads", "led", "leader", "heads", "headed", "chairs",
                     "chaired", "chairman", "chairwoman", "president", "runs"), ("Leader_Of",)),
    **dict.fromkeys(("married", "marry", "spouse", "wife", "husband"), ("Spouse",)),
    **dict.fromkeys(("born", "birthplace"), ("Born_In",)),
    **dict.fromkeys(("die", "died", "death"), ("Died_In",)),
    **dict.fromkeys(("headquartered", "headquarters", "based"), ("OrgBased_In",)),
    **dict.fromkeys(("wrote", "written", "author", "directed", "director", "created",
                     "creator", "composed", "composer", "designed", "invented", "made",
                     "makes", "produced", "developed", "published"), ("Creator_Of",)),
    **dict.fromkeys(("mother", "father", "parent", "parents", "son", "daughter", "child",
                     "children"), ("Parent_Of",)),
    **dict.fromkeys(("member", "members", "belong", "belongs", "joined"), ("Member_Of",)),
    **dict.fromkeys(("employ", "employs", "employed", "employer", "works", "worked"),
                    ("Work_For", "Leader_Of")),
}  # fmt: skip

_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
# a question that asks a quantity
_QUANTITY = re.compile(r"\s*how\s+(?:many|much)\b", re.I)
# the words that ask, and those that join, in a question about one relation of one entity
_ASKING_WORDS = set(
    """who whom whose what which where when how is are was were be been did does do has have
    had the a an of to in at by from for with its his her their s""".split()
)


_OTHER_CHIEF = re.compile(r"\bchief\s+(?!executive\b)[a-z]+\s+officers?\b", re.I)


def asked_relations(question: str) -> set[str]:
    """The relation types the words of ``question`` ask about (none for most questions): its
    lowercase words, its first and its all-capital ones ("CEO"), not the words of a name
    ("Lumen Works", "Born Free"). A question of how many or how much asks a quantity, which no
    edge holds ("How many members does the Fisheries Ecology group have?" asks no Member_Of)."""
    if _QUANTITY.match(question):
        return set()
    # the chief financial (operating, technology, ...) officer is no leader: only the chief
    # executive is
    question = _OTHER_CHIEF.sub(" ", question)
    words = [
        w
        for i, w in enumerate(_WORD.findall(question))
        if i == 0 or w.islower() or (w.isupper() and len(w) > 1)
    ]
    return {label for word in words for label in _WORDS.get(word.lower(), ())}


def agrees(facts: list[dict[str, Any]], relations: set[str]) -> bool:
    """Whether one of an answer's supporting ``facts`` (edges joining it to an entity of the
    question, ``QAService.facts``) is a relation of ``relations``: an edge of the relation
    model, or one of the parse whose predicate names the relation in the schema's terms
    (``kgqa.kg.relations.in_schema_terms``: "founded by" between an ORG and a PERSON)."""
    return any(f["label"] in relations for f in facts)


def graph_agreeing(service: Any, question: str, answers: list[Any], generation: Any) -> set[int]:
    """Which ``answers`` (their ids) of ``service`` (a ``QAService``) an edge of the
    relation the question asks about (``agrees``) joins to an entity of the question in the graph of
    ``generation`` (the one the answers were read from); none where the question asks no such
    relation."""
    relations = asked_relations(question) if answers else set()
    if not relations or not generation.graph.number_of_edges():
        return set()
    facts = service.facts(generation, question, answers)
    return {id(a) for a, f in zip(answers, facts) if agrees(f, relations)}


def graph_disagreeing(service: Any, question: str, answers: list[Any], generation: Any) -> set[int]:
    """Which ``answers`` (their ids) the graph of ``generation`` says belong to another
    entity: the question asks a relation about an entity of the graph, no typed edge of that
    relation joins the answer to it, and the sentence the answer was read from is the evidence
    of such an edge between the answer and another entity ("Where was Devon Achebe born?"
    read from "Mara Quint was born in Sydney": Born_In joins Sydney to Mara Quint). The other
    entity must have the type of one the question names, as the question's would stand there
    ("a movie directed by who?" of an actor asks about a film the question does not name), and
    a name of its own: one whose words are among the question entity's, or the other way round,
    may be that entity under a shorter name the graph did not merge ("Curie", "Marie Curie");
    two given names with one surname are two people ("Felix Kessler", "Martin Kessler").

    Nor is an answer shown to a question that asks only that relation of its entity, read
    from a document that never names an entity of the question ("Where was Ernesto Valmonte
    born?" read from "She was born in San Antonio" in an interview with Naomi Reyes): no
    mention of it in the document, nor its name in the answer's passage. A question that says
    more ("the movie directed by who?", "a park designed by what architect?") may be answered
    by a document about another entity it describes (``only_the_relation``)."""
    relations = asked_relations(question) if answers else set()
    if not relations or not generation.graph.number_of_edges():
        return set()
    graph = generation.graph
    linker = service.retriever(generation).linker()
    links = linker.link(question)
    asked = {link.node for link in links}
    if not asked:
        return set()
    relation_only = only_the_relation(question, [link.span for link in links])
    asked_names = [_name_words(graph, n) for n in asked]
    asked_types = {graph.nodes[n].get("type") for n in asked}
    facts = service.facts(generation, question, answers)
    found = set()
    for answer, answer_facts_ in zip(answers, facts):
        if agrees(answer_facts_, relations):
            continue
        if relation_only and not _names_any(service, generation, answer, asked):
            found.add(id(answer))
            continue
        for node in _answer_nodes(service, generation, linker, answer) - asked:
            edges = [(v, d) for _, v, d in graph.out_edges(node, data=True)]
            edges += [(u, d) for u, _, d in graph.in_edges(node, data=True)]
            if any(
                d.get("typed")
                and d["label"] in relations
                and other not in asked
                and graph.nodes[other].get("type") in asked_types
                and not any(_one_name(_name_words(graph, other), n) for n in asked_names)
                and _read_from(d["evidence"], answer)
                for other, d in edges
            ):
                found.add(id(answer))
                break
    return found


def only_the_relation(question: str, names: list[str]) -> bool:
    """Whether ``question`` says nothing beyond its entities' ``names``, the relation words and
    at most one other word ("Where was the painter Ann Lee born?")."""
    words = {w.lower() for w in _WORD.findall(question)} - _ASKING_WORDS - set(_WORDS)
    for name in names:
        words -= {w.lower() for w in _WORD.findall(name)}
    return len(words) <= 1


def _names_any(service: Any, generation: Any, answer: Any, asked: set[str]) -> bool:
    """Whether the document ``answer`` was read from names one of the ``asked`` nodes: a
    mention of it anywhere in the document, or its name (or its short name: ``called_short``)
    in the answer's passage."""
    by_document = generation.cache.get("nodes_by_document")
    if by_document is None:
        # read off the mentions the service keeps per passage (every passage's, resolved once
        # per generation), rather than resolving every mention a second time
        service.passage_mentions(generation, answer.passage_id)
        by_document = {}
        for mentions in generation.cache["mentions_by_passage"].values():
            for mention in mentions:
                by_document.setdefault(mention.doc_id, set()).add(mention.node)
        generation.cache["nodes_by_document"] = by_document
    if asked & by_document.get(answer.doc_id, set()):
        return True
    text = answer.context.lower()
    labels = [_bare_name(str(generation.graph.nodes[n].get("label", n))) for n in asked]
    # or calls it by its short name ("the Trust" of the Kestrel Moor Trust's own page)
    return any(n.lower() in text or called_short(answer.context, n) for n in labels)


def _bare_name(label: str) -> str:
    """A name less the lowercase words that end it, which describe rather than name ("Fisheries
    Ecology group" is "Fisheries Ecology" in a table of groups)."""
    words = label.split()
    while len(words) > 1 and words[-1].islower():
        words.pop()
    return " ".join(words)


def _name_words(graph: Any, node: str) -> set[str]:
    return set(str(graph.nodes[node].get("label", node)).lower().split())


def _one_name(a: set[str], b: set[str]) -> bool:
    """Whether two names may name one entity: the words of one are among the other's ("Curie"
    and "Marie Curie"); "Felix Kessler" and "Martin Kessler" are two people."""
    return a <= b or b <= a


def _read_from(evidence: list[dict[str, Any]], answer: Any) -> bool:
    """Whether ``answer``'s span lies in the sentence of one of an edge's ``evidence``."""
    return any(
        e.get("passage_id") == answer.passage_id and e["start"] <= answer.start
        and answer.end <= e["end"]
        for e in evidence
    )  # fmt: skip


def _answer_nodes(service: Any, generation: Any, linker: Any, answer: Any) -> set[str]:
    """The graph nodes an answer names: its text linked, and the mentions its span overlaps."""
    nodes = {link.node for link in linker.link(answer.text)}
    return nodes | {
        m.node
        for m in service.passage_mentions(generation, answer.passage_id)
        if m.overlaps(answer.start, answer.end)
    }


def answer_facts(
    service: Any, generation: Any, question: str, answers: list[Any]
) -> list[list[dict[str, Any]]]:
    """For each answer, the graph edges of ``generation`` joining an entity of its span to an
    entity of the question, with their evidence (typed relations first, at most five). An
    answer's facts are asked for twice per ``ask`` on a relation question (whether the graph
    agrees, then the facts shown), so they are kept per generation, which never changes."""
    memo = generation.cache.setdefault("answer_facts", {})
    keys = [(question, a.passage_id, a.start, a.end, a.text) for a in answers]
    missing = [(k, a) for k, a in zip(keys, answers) if k not in memo]
    if missing:
        if len(memo) > 4096:
            memo.clear()
        linker = service.retriever(generation).linker()
        asked = {link.node for link in linker.link(question)}
        for key, answer in missing:
            memo[key] = _facts(service, generation, linker, asked, answer) if asked else []
    return [memo[k] for k in keys]


def _facts(
    service: Any, generation: Any, linker: Any, asked: set[str], answer: Any
) -> list[dict[str, Any]]:
    graph = generation.graph
    answered = _answer_nodes(service, generation, linker, answer)
    found = []
    for a in answered - asked:
        for q in asked:
            for u, v in ((a, q), (q, a)):
                for data in (graph.get_edge_data(u, v) or {}).values():
                    found.append(
                        {
                            "source": u,
                            "source_name": graph.nodes[u].get("label", u),
                            "label": data["label"],
                            "target": v,
                            "target_name": graph.nodes[v].get("label", v),
                            "confidence": data["confidence"],
                            "example": data["example"],
                            "typed": data.get("typed", False),
                            "evidence": data["evidence"][:5],
                        }
                    )
    # typed relations first, open predicates of the parse after them
    return sorted(found, key=lambda f: (not f["typed"], -f["confidence"]))[:5]
