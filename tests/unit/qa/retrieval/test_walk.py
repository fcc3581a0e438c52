"""Graph retrieval by personalised PageRank over entities and the passages that mention them."""

from __future__ import annotations

import networkx as nx
import pytest

from kgqa.qa.retrieval.walk import GraphWalk


@pytest.fixture
def walk() -> GraphWalk:
    # Passage 1 names the film and its director; passage 2 is the director's own biography;
    # passage 3 is about an unrelated painter; passage 4 names a common city beside the film.
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(["film", "director", "mother", "painter", "city"])
    graph.add_edge("director", "mother", relation="mother")
    node_passages = {
        "film": {1, 4},
        "director": {1, 2},
        "mother": {2},
        "painter": {3},
        "city": {3, 4, 5, 6, 7},
    }
    return GraphWalk(graph, node_passages)


def test_the_walk_reaches_the_bridge_entity_s_own_passage(walk: GraphWalk) -> None:
    ranked = walk.rank({"film": 1.0}, 10)
    order = [rowid for rowid, _ in ranked]
    # the film's passages first, then the director's biography (reached through passage 1),
    # which never names the film; the painter's passage only through the common city, last
    assert set(order[:2]) == {1, 4} and order[2] == 2, ranked
    assert order.index(2) < order.index(3)
    scores = dict(ranked)
    assert all(score > 0 for score in scores.values())


def test_a_rare_entity_weighs_more_than_a_common_one(walk: GraphWalk) -> None:
    # the mother (one passage) and the city (five) are linked alike: the mother's passage
    # leads by far, as specificity divides each seed by the passages that mention it
    scores = dict(walk.rank({"mother": 1.0, "city": 1.0}, 10))
    assert max(scores, key=scores.__getitem__) == 2
    assert scores[2] > 2 * scores[5], scores  # passage 5 names the city alone


def test_no_known_seed_gives_no_passages(walk: GraphWalk) -> None:
    assert walk.rank({"nobody": 1.0}, 5) == []
    assert walk.rank({}, 5) == []
