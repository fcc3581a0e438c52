"""Graph export for analysis, picked by format name: GraphML, GEXF, node-link JSON, Neo4j CSV."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from kgqa.kg.types import KGError

LIST_SEPARATOR = ";"  # neo4j-admin import's default array delimiter


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all scalars (what GraphML and GEXF can hold): lists are
    joined with ';' and the per-evidence records are summarised by their count and an example."""
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **_scalars(data))
    for u, v, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, **_scalars(data))
    return flat


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name == "evidence":
            continue
        if isinstance(value, (list, tuple, set)):
            value = LIST_SEPARATOR.join(str(v) for v in value)
        if value is None:
            value = ""
        out[name] = value
    return out


def export_graphml(graph: nx.MultiDiGraph, out: Path) -> list[Path]:
    nx.write_graphml(flat_graph(graph), out)
    return [out]


def export_gexf(graph: nx.MultiDiGraph, out: Path) -> list[Path]:
    nx.write_gexf(flat_graph(graph), out)
    return [out]


def export_json(graph: nx.MultiDiGraph, out: Path) -> list[Path]:
    out.write_text(json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False, indent=1))
    return [out]


def relationship_type(label: str) -> str:
    """A Neo4j relationship type from a predicate: ``born_in`` -> ``BORN_IN``."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", label).strip("_").upper() or "RELATED_TO"


def export_csv(graph: nx.MultiDiGraph, out: Path) -> list[Path]:
    """``nodes.csv`` and ``edges.csv`` in the folder ``out``, with neo4j-admin import headers."""
    out.mkdir(parents=True, exist_ok=True)
    nodes_path, edges_path = out / "nodes.csv", out / "edges.csv"
    with nodes_path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id:ID", "name", "type", "mention_count:int", "document_count:int",
                    "aliases:string[]", ":LABEL"])
        for node, d in graph.nodes(data=True):
            w.writerow([node, d.get("label", ""), d.get("type", ""), d.get("mention_count", 0),
                        d.get("document_count", 0), LIST_SEPARATOR.join(d.get("aliases", [])),
                        f"Entity{LIST_SEPARATOR}{relationship_type(d.get('type', 'ENTITY'))}"])
    with edges_path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([":START_ID", ":END_ID", ":TYPE", "predicate", "confidence:float",
                    "evidence_count:int", "extractors:string[]", "documents:string[]", "example"])
        for u, v, _, d in graph.edges(keys=True, data=True):
            w.writerow([u, v, relationship_type(d.get("label", "")), d.get("label", ""),
                        d.get("confidence", 0.0), d.get("evidence_count", 0),
                        LIST_SEPARATOR.join(d.get("extractors", [])),
                        LIST_SEPARATOR.join(d.get("documents", [])), d.get("example", "")])
    return [nodes_path, edges_path]


EXPORTERS: dict[str, Callable[[nx.MultiDiGraph, Path], list[Path]]] = {
    "graphml": export_graphml,
    "gexf": export_gexf,
    "json": export_json,
    "csv": export_csv,
}


def export_graph(graph: nx.MultiDiGraph, fmt: str, out: Path) -> list[Path]:
    """Write ``graph`` in format ``fmt``; returns the files written."""
    try:
        exporter = EXPORTERS[fmt]
    except KeyError:
        raise KGError(f"unknown export format {fmt!r}; valid: {', '.join(EXPORTERS)}") from None
    if fmt != "csv":
        out.parent.mkdir(parents=True, exist_ok=True)
    return exporter(graph, out)


def graph_stats(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Counts for ``kgqa stats``: nodes and edges, by type."""
    by_type: dict[str, int] = {}
    for _, d in graph.nodes(data=True):
        by_type[d.get("type", "")] = by_type.get(d.get("type", ""), 0) + 1
    by_label: dict[str, int] = {}
    for _, _, d in graph.edges(data=True):
        by_label[d.get("label", "")] = by_label.get(d.get("label", ""), 0) + 1
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
            "nodes_by_type": dict(sorted(by_type.items(), key=lambda kv: -kv[1])),
            "edges_by_label": dict(sorted(by_label.items(), key=lambda kv: -kv[1])[:20])}
