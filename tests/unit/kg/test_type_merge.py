"""One name typed differently across mentions becomes one node, typed by its votes (mentions,
and the typed relations it takes part in), with the minority types kept as ``also_typed`` and
the rule recorded; a never-merge setting keeps the nodes apart."""

from __future__ import annotations

from kgqa.kg.graph import EvidenceRow, MentionRow, MergeRules, build_graph


def mention(node: str, doc: str = "d1") -> MentionRow:
    return MentionRow(node, node.split(":")[0].title(), node.split(":")[1], doc)


def evidence(head: str, tail: str, label: str, extractor: str = "joint") -> EvidenceRow:
    return EvidenceRow(head, tail, label, 0.9, extractor, "d1", "d1#0", 0, 10, "a sentence")


def test_the_type_with_most_mentions_takes_the_name() -> None:
    graph = build_graph(
        [mention("tallinn:GPE"), mention("tallinn:GPE", "d2"), mention("tallinn:PERSON", "d3")], []
    )
    assert list(graph.nodes) == ["tallinn:GPE"]
    node = graph.nodes["tallinn:GPE"]
    assert node["mention_count"] == 3 and node["document_count"] == 3
    assert node["also_typed"] == ["PERSON (1x)"]
    assert node["merged"] == ["Tallinn (type-merge, 1x)"]


def test_typed_relations_vote_for_their_ends_types() -> None:
    mentions = [
        mention("veltrani:PERSON"),
        mention("veltrani:PERSON", "d2"),
        mention("veltrani:ORG", "d3"),
        mention("ilsa-marrow:PERSON"),
    ]
    # two PERSON mentions against one ORG mention: PERSON
    assert "veltrani:PERSON" in build_graph(mentions, [])
    # the ORG mention heads a typed relation (two votes): ORG, and its edge moves along
    graph = build_graph(mentions, [evidence("veltrani:ORG", "ilsa-marrow:PERSON", "Founded_By")])
    assert "veltrani:ORG" in graph and "veltrani:PERSON" not in graph
    assert graph.has_edge("veltrani:ORG", "ilsa-marrow:PERSON", key="Founded_By")
    # an open relation of the dependency parse does not vote
    open_edge = evidence("veltrani:ORG", "ilsa-marrow:PERSON", "hire", "dependency")
    assert "veltrani:PERSON" in build_graph(mentions, [open_edge])


def test_a_never_merge_setting_keeps_types_apart() -> None:
    mentions = [mention("cork:GPE"), mention("cork:GPE"), mention("cork:PERSON")]
    graph = build_graph(mentions, [], MergeRules({}, [("cork:PERSON", "cork:GPE")]))
    assert sorted(graph.nodes) == ["cork:GPE", "cork:PERSON"]
    assert graph.nodes["cork:GPE"]["also_typed"] == []
