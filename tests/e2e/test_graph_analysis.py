"""Graph analysis from the CLI on the sample store: stats, entity lookup, neighbourhood pictures."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


def test_graph_stats_reports_types_components_rank_and_communities(sample_store: Path) -> None:
    result = runner.invoke(app, ["graph", "stats", "--store", str(sample_store), "--json"])
    assert result.exit_code == 0, result.stderr
    r = json.loads(result.stdout)
    assert r["nodes_by_type"]["PERSON"] >= 15 and sum(r["nodes_by_type"].values()) == r["nodes"]
    assert r["components"] >= 1 and r["largest_components"][0] >= 5
    names = [x["name"] for x in r["top_degree"]]
    assert "Albert Einstein" in names or "Marie Curie" in names
    assert r["top_pagerank"][0]["pagerank"] > 0
    assert r["communities"] and r["communities"][0]["size"] >= 3


def test_entity_shows_aliases_mentions_and_edges_with_evidence(sample_store: Path) -> None:
    result = runner.invoke(app, ["entity", "marie curie", "--store", str(sample_store), "--json"])
    assert result.exit_code == 0, result.stderr
    e = json.loads(result.stdout)
    assert e["id"] == "marie-curie:PERSON" and e["type"] == "PERSON"
    assert any(m["doc_id"] == "marie_curie.md" for m in e["mentions"])
    born = [x for x in e["edges"] if x["label"] == "Born_In" and x["other_name"] == "Warsaw"]
    assert born and born[0]["evidence"][0]["doc_id"] == "marie_curie.md"
    result = runner.invoke(app, ["entity", "Nobody Atall", "--store", str(sample_store)])
    assert result.exit_code == 2 and "no entity named" in result.stderr


@pytest.mark.parametrize("fmt", ["png", "html", "graphml"])
def test_neighbourhood_export_draws_or_writes_the_subgraph(
    sample_store: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"n.{fmt}"
    result = runner.invoke(
        app,
        [
            "export",
            "--around",
            "Marie Curie",
            "--hops",
            "1",
            "--format",
            fmt,
            "--out",
            str(out),
            "--store",
            str(sample_store),
        ],
    )
    assert result.exit_code == 0, result.stderr
    if fmt == "png":
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    elif fmt == "html":
        page = out.read_text()
        assert "Marie Curie" in page and "Born_In" in page and "http" not in page.split("<svg")[1]
    else:
        g = nx.read_graphml(out, force_multigraph=True)
        assert "marie-curie:PERSON" in g and 2 <= g.number_of_nodes() < 40
        assert all(nx.has_path(g.to_undirected(), "marie-curie:PERSON", n) for n in g)
