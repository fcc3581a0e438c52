"""Entity search ranked by how a name matches, then by mentions; questions drawn from the
graph's typed edges for a store's first screen."""

from __future__ import annotations

import networkx as nx

from kgqa.kg.analysis import search_nodes
from kgqa.qa.serve.overview import candidate_questions, top_entities


def node(graph: nx.MultiDiGraph, nid: str, label: str, kind: str, mentions: int, *aliases: str):
    graph.add_node(nid, label=label, type=kind, mention_count=mentions, aliases=[label, *aliases])


def company_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    node(g, "veltrani:PERSON", "Veltrani", "PERSON", 1)
    node(g, "veltrani:GPE", "Veltrani", "GPE", 2)
    node(g, "veltrani-robotics:ORG", "Veltrani Robotics", "ORG", 10, "Veltrani Robotics Ltd")
    node(g, "veltranis:ORG", "Veltranis Holdings", "ORG", 30)
    node(g, "ilsa-marrow:PERSON", "Ilsa Marrow", "PERSON", 6, "Marrow")
    node(g, "tallinn:GPE", "Tallinn", "GPE", 4)
    g.add_edge("veltrani-robotics:ORG", "ilsa-marrow:PERSON", label="Founded_By", typed=True)
    g.add_edge("ilsa-marrow:PERSON", "veltrani-robotics:ORG", label="Leader_Of", typed=True)
    g.add_edge("ilsa-marrow:PERSON", "tallinn:GPE", label="Born_In", typed=True)
    g.add_edge("ilsa-marrow:PERSON", "tallinn:GPE", label="visit", typed=False)
    return g


def test_whole_word_matches_rank_by_mentions_before_matches_inside_a_word() -> None:
    assert search_nodes(company_graph(), "veltrani") == [
        "veltrani-robotics:ORG",  # the name's first word, 10 mentions
        "veltrani:GPE",
        "veltrani:PERSON",
        "veltranis:ORG",  # "veltrani" inside a word, however many mentions
    ]


def test_an_exact_name_wins_a_tie_and_an_id_wins_outright() -> None:
    g = company_graph()
    node(g, "marrow-labs:ORG", "Marrow Labs", "ORG", 6)
    assert search_nodes(g, "Marrow")[:2] == ["ilsa-marrow:PERSON", "marrow-labs:ORG"]
    assert search_nodes(g, "veltrani:PERSON")[0] == "veltrani:PERSON"
    assert search_nodes(g, "the") == [] and search_nodes(g, "Oslo") == []


def test_questions_come_from_typed_edges_one_relation_after_another() -> None:
    questions = list(candidate_questions(company_graph()))
    assert questions == [
        ("Who founded Veltrani Robotics?", "ilsa-marrow:PERSON"),
        ("Where was Ilsa Marrow born?", "tallinn:GPE"),
        ("Who leads Veltrani Robotics?", "ilsa-marrow:PERSON"),
    ]  # the untyped "visit" edge asks nothing
    assert [e["name"] for e in top_entities(company_graph(), 2)] == [
        "Veltranis Holdings",
        "Veltrani Robotics",
    ]
