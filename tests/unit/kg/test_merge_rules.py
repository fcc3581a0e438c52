"""Settings merge rules resolve names the same way node ids are made, whatever the script."""

from __future__ import annotations

from kgqa.kg.canonical import node_id, slug
from kgqa.kg.graph import MentionRow, MergeRules, build_graph


def test_always_merge_onto_a_name_without_ascii_letters_merges_like_an_ascii_one() -> None:
    rows = [
        MentionRow(node_id("Peking", "GPE"), "Peking", "GPE", "a"),
        MentionRow(node_id("北京", "GPE"), "北京", "GPE", "b"),
        MentionRow(node_id("Beijing", "GPE"), "Beijing", "GPE", "c"),
    ]
    graph = build_graph(rows, [], MergeRules({"Peking": "北京"}, []))
    assert "peking:GPE" not in graph and "北京:GPE" in graph
    ascii_graph = build_graph(rows, [], MergeRules({"Peking": "Beijing"}, []))
    assert "peking:GPE" not in ascii_graph and "beijing:GPE" in ascii_graph


def test_node_ids_are_the_slug_of_the_canonical_name() -> None:
    for name in ["Marie Curie", "the University of Paris", "北京", "Zoë  Café", "Москва"]:
        assert node_id(name, "X").rsplit(":", 1)[0] == slug(name.replace("the ", "", 1))
    # a place written with and without its own letters is one node
    assert node_id("Tromsø", "GPE") == node_id("Tromso", "GPE") == "tromso:GPE"
    assert node_id("Łódź", "GPE") == "lodz:GPE"
