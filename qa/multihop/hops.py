"""A hop answered by the graph: a typed edge of the relation a chain asks for ("the director
of X": a Creator_Of edge into X's node), with the sentence that is its evidence; and how the
hops match a name to a passage (``name_key``, ``is_about``)."""

from __future__ import annotations

import re
from typing import Any

from kgqa.kg.canonical import canonical_key
from kgqa.qa.multihop.parse import BIRTHPLACE
from kgqa.qa.multihop.steps import Step
from kgqa.qa.types import Hit

# relation word -> (graph relation type, direction from the entity: "in" means the answer is
# the edge's head); kinship that the schema does not tell apart by sex is left to the reader
# when the graph offers more than one edge.
GRAPH_RELATIONS: dict[str, tuple[str, str]] = {
    **{w: ("Creator_Of", "in") for w in ("director", "composer", "author", "writer", "creator",
                                          "producer", "performer", "singer", "screenwriter")},
    "founder": ("Founded_By", "out"),
    "mother": ("Parent_Of", "in"),
    "father": ("Parent_Of", "in"),
    "parent": ("Parent_Of", "in"),
    "child": ("Parent_Of", "out"),
    "son": ("Parent_Of", "out"),
    "daughter": ("Parent_Of", "out"),
    "wife": ("Spouse", "any"),
    "husband": ("Spouse", "any"),
    "spouse": ("Spouse", "any"),
    **{w: ("Born_In", "out") for w in BIRTHPLACE},
    "manufacturer": ("Creator_Of", "in"),
    "place of death": ("Died_In", "out"),
    "leader": ("Leader_Of", "in"),
    "chief executive": ("Leader_Of", "in"),
    "ceo": ("Leader_Of", "in"),
    "owner": ("Owned_By", "out"),
    "headquarters": ("OrgBased_In", "out"),
    "headquarters location": ("OrgBased_In", "out"),
}  # fmt: skip
_SEXED = {"mother", "father", "son", "daughter", "wife", "husband"}


def name_key(name: str) -> str:
    """A name without its bracketed kind ("Petra (Film)" -> "petra"), for matching text."""
    return canonical_key(re.sub(r"\s*\([^)]*\)\s*", " ", name)).strip()


def is_about(hit: Hit, name: str, within: int = 100) -> bool:
    """Whether ``hit``'s passage is about ``name``: its document is named after it, or its
    first ``within`` characters name it ("Lumenol is an organic compound ...")."""
    key = canonical_key(name)
    return canonical_key(doc_title(hit)) == key or key in canonical_key(hit.passage.text[:within])


def doc_title(hit: Hit) -> str:
    """The name of ``hit``'s document: its id without folders and file extension ("David O.
    Russell" keeps its initial)."""
    from kgqa.qa.ingest.loaders import LOADERS

    name = hit.passage.doc_id.rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    return stem if dot and f".{suffix.lower()}" in LOADERS else name


def graph_step(hop: Any, entity: str, relation: str, question: str) -> Step | None:
    """The hop ``relation`` of ``entity`` from the graph of ``hop`` (a ``solve.MultiHop``:
    its service, generation and the hits it has used), or None when no edge of the type
    leaves the entity's node (or kinship the schema cannot tell apart by sex is ambiguous)."""
    steps = graph_steps(hop, entity, relation, question, 1)
    return steps[0] if steps else None


def graph_steps(hop: Any, entity: str, relation: str, question: str, most: int = 3) -> list[Step]:
    """``graph_step``'s hop and the others the graph offers ("the founder of X" when two
    founded it), one per entity, most confident first, at most ``most``."""
    wanted = GRAPH_RELATIONS.get(relation)
    if wanted is None:
        return []
    label, direction = wanted
    graph = hop.generation.graph
    linker = hop.service.retriever(hop.generation).linker()
    node = next(
        (link.node for link in linker.link(entity) if name_key(link.span) == name_key(entity)), None
    )
    if node is None:
        return []
    edges = []
    if direction in ("in", "any"):
        edges += [(u, d) for u, _, d in graph.in_edges(node, data=True)]
    if direction in ("out", "any"):
        edges += [(v, d) for _, v, d in graph.out_edges(node, data=True)]
    edges = [(o, d) for o, d in edges if d.get("typed") and d["label"] == label]
    if not edges or (relation in _SEXED and len({o for o, _ in edges}) > 1):
        return []
    best: dict[str, dict[str, Any]] = {}
    for other, data in sorted(edges, key=lambda od: -od[1]["confidence"]):
        best.setdefault(other, data)
    steps = []
    for other, data in list(best.items())[:most]:
        evidence = data["evidence"][0]
        rowid = hop.generation.rowids.get(evidence["passage_id"])
        for passage in hop.generation.passages_by_rowid([] if rowid is None else [rowid]).values():
            hop.hits.setdefault(passage.passage_id, Hit(passage, data["confidence"]))
        steps.append(
            Step(
                question,
                graph.nodes[other].get("label", other),
                "graph",
                evidence["doc_id"],
                evidence["passage_id"],
                evidence["start"],
                evidence["end"],
                data["confidence"],
                {"label": label, "example": data["example"], "confidence": data["confidence"]},
            )
        )
    return steps
