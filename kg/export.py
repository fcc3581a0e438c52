"""Graph export for analysis, picked by format name: GraphML, GEXF, node-link JSON, Neo4j CSV."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgqa.kg.registry import Registry
from kgqa.kg.types import KGError

if TYPE_CHECKING:  # networkx loads when a graph is written, not when the CLI starts
    import networkx as nx

LIST_SEPARATOR = ";"  # neo4j-admin import's default array delimiter


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all scalars (what GraphML and GEXF can hold): lists are
    joined with ';' and the per-evidence records are summarised by their count and an example."""
    import networkx as nx

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
    import networkx as nx

    nx.write_graphml(flat_graph(graph), out)
    return [out]


def export_gexf(graph: nx.MultiDiGraph, out: Path) -> list[Path]:
    import networkx as nx

    nx.write_gexf(flat_graph(graph), out)
    return [out]


def export_json(graph: nx.MultiDiGraph, out: Path) -> list[Path]:
    import networkx as nx

    out.write_text(
        json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False, indent=1)
    )
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
        w.writerow(
            [
                "id:ID",
                "name",
                "type",
                "mention_count:int",
                "document_count:int",
                "aliases:string[]",
                ":LABEL",
            ]
        )
        for node, d in graph.nodes(data=True):
            w.writerow(
                [
                    node,
                    d.get("label", ""),
                    d.get("type", ""),
                    d.get("mention_count", 0),
                    d.get("document_count", 0),
                    LIST_SEPARATOR.join(d.get("aliases", [])),
                    f"Entity{LIST_SEPARATOR}{relationship_type(d.get('type', 'ENTITY'))}",
                ]
            )
    with edges_path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                ":START_ID",
                ":END_ID",
                ":TYPE",
                "predicate",
                "confidence:float",
                "evidence_count:int",
                "extractors:string[]",
                "documents:string[]",
                "example",
            ]
        )
        for u, v, _, d in graph.edges(keys=True, data=True):
            w.writerow(
                [
                    u,
                    v,
                    relationship_type(d.get("label", "")),
                    d.get("label", ""),
                    d.get("confidence", 0.0),
                    d.get("evidence_count", 0),
                    LIST_SEPARATOR.join(d.get("extractors", [])),
                    LIST_SEPARATOR.join(d.get("documents", [])),
                    d.get("example", ""),
                ]
            )
    return [nodes_path, edges_path]


# Formats for analysis tools (the demo writes them all; the HTTP API serves them).
EXPORTERS: Registry[Callable[[nx.MultiDiGraph, Path], list[Path]]] = Registry(
    "export format", error=KGError
)
EXPORTERS.register("graphml", export_graphml)
EXPORTERS.register("gexf", export_gexf)
EXPORTERS.register("json", export_json)
EXPORTERS.register("csv", export_csv)

# Pictures for people (a drawing stops being readable past MAX_DRAWN_NODES nodes).
PICTURES: Registry[Callable[[nx.MultiDiGraph, Path, str], Path]] = Registry(
    "picture format", error=KGError
)
PICTURES.register("png", lambda graph, out, title: _analysis().draw_png(graph, out, title))
PICTURES.register("html", lambda graph, out, title: _analysis().draw_html(graph, out, title))
MAX_DRAWN_NODES = 300


def _analysis() -> Any:
    from kgqa.kg import analysis  # matplotlib loads only when a picture is drawn

    return analysis


def export_formats() -> tuple[str, ...]:
    """Every format ``export_graph`` writes: the data formats, then the pictures."""
    return EXPORTERS.names() + PICTURES.names()


def export_graph(
    graph: nx.MultiDiGraph, fmt: str, out: Path, title: str = "kgqa graph"
) -> list[Path]:
    """Write ``graph`` in format ``fmt`` (a data format or a picture); returns the files
    written. ``title`` heads a picture."""
    if fmt in PICTURES:
        if graph.number_of_nodes() > MAX_DRAWN_NODES:
            raise KGError(
                f"the graph has {graph.number_of_nodes()} nodes, too many to draw "
                f"(at most {MAX_DRAWN_NODES}); draw a neighbourhood (--around ENTITY "
                "--hops N) or export a data format"
            )
        out.parent.mkdir(parents=True, exist_ok=True)
        return [PICTURES[fmt](graph, out, title)]
    if fmt not in EXPORTERS:
        raise KGError(f"unknown export format {fmt!r}; valid: {', '.join(export_formats())}")
    if fmt != "csv":
        out.parent.mkdir(parents=True, exist_ok=True)
    return EXPORTERS[fmt](graph, out)


def graph_stats(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Counts for ``kgqa stats``: nodes and edges, by type."""
    by_type: dict[str, int] = {}
    for _, d in graph.nodes(data=True):
        by_type[d.get("type", "")] = by_type.get(d.get("type", ""), 0) + 1
    by_label: dict[str, int] = {}
    for _, _, d in graph.edges(data=True):
        by_label[d.get("label", "")] = by_label.get(d.get("label", ""), 0) + 1
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "nodes_by_type": dict(sorted(by_type.items(), key=lambda kv: -kv[1])),
        "edges_by_label": dict(sorted(by_label.items(), key=lambda kv: -kv[1])[:20]),
    }
