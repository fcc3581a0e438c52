"""Graph analysis for people who read the graph: stats, entity lookup, neighbourhoods, pictures."""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx

from kgqa.kg.canonical import canonical_key, slug
from kgqa.kg.types import KGError


def find_nodes(graph: nx.MultiDiGraph, name: str) -> list[str]:
    """Nodes whose id, name or an alias matches ``name`` (case and determiners ignored);
    exact id first, then by mention count."""
    if name in graph:
        return [name]
    key = canonical_key(name)
    found = [
        n
        for n, d in graph.nodes(data=True)
        if key in name_keys(d) or n.rsplit(":", 1)[0] == slug(key)
    ]
    return sorted(found, key=lambda n: -graph.nodes[n].get("mention_count", 0))


def name_keys(data: dict[str, Any], label: str = "") -> list[str]:
    """The canonical keys of a node's name (``label`` when it has none) and its aliases."""
    return [canonical_key(x) for x in [data.get("label", label), *data.get("aliases", [])]]


def search_nodes(graph: nx.MultiDiGraph, query: str) -> list[str]:
    """Nodes whose name or an alias contains ``query`` (case and determiners ignored), ranked
    by how they match, then by mentions: a node id given exactly; then the query's words as
    whole words of the name or an alias ("Veltrani" in "Veltrani Robotics"; an exact name first
    when the mentions tie); then the query inside a word ("Veltranis")."""
    key = canonical_key(query)
    if not key:
        return []
    words = key.split()
    ranked = []
    for node, data in graph.nodes(data=True):
        names = name_keys(data)
        if node == query:
            tier = 0
        elif any(_has_words(name.split(), words) for name in names):
            tier = 1
        elif any(key in name for name in names):
            tier = 2
        else:
            continue
        exact = key in names
        ranked.append((tier, -data.get("mention_count", 0), not exact, node))
    return [node for *_, node in sorted(ranked)]


def entity_summary(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    """A node as entity lists show it: id, name, type, mentions, edges."""
    data = graph.nodes[node]
    return {
        "id": node,
        "name": data.get("label", node),
        "type": data.get("type"),
        "mention_count": data.get("mention_count", 0),
        "degree": graph.degree(node),
    }


def _has_words(parts: list[str], words: list[str]) -> bool:
    k = len(words)
    return any(parts[i : i + k] == words for i in range(len(parts) - k + 1))


def resolve_entity(graph: nx.MultiDiGraph, name: str) -> str:
    nodes = find_nodes(graph, name)
    if not nodes:
        close = sorted(
            n
            for n, d in graph.nodes(data=True)
            if canonical_key(name) in canonical_key(d.get("label", ""))
        )[:8]
        hint = f"; similar: {', '.join(close)}" if close else ""
        raise KGError(f"no entity named {name!r} in the graph{hint}")
    return nodes[0]


def neighbourhood(graph: nx.MultiDiGraph, center: str, hops: int) -> nx.MultiDiGraph:
    """The subgraph of nodes within ``hops`` of ``center``, edges in either direction."""
    near = nx.single_source_shortest_path_length(
        graph.to_undirected(as_view=True), center, cutoff=hops
    )
    return graph.subgraph(near).copy()


def graph_report(graph: nx.MultiDiGraph, top: int = 10, seed: int = 7) -> dict[str, Any]:
    """Counts by type, connected components, top entities by degree and PageRank, communities."""
    types = Counter(d.get("type", "") for _, d in graph.nodes(data=True))
    predicates = Counter(d.get("label", "") for _, _, d in graph.edges(data=True))
    undirected = nx.Graph(graph.to_undirected())
    components = sorted((len(c) for c in nx.connected_components(undirected)), reverse=True)
    degree = sorted(graph.degree(), key=lambda kv: (-kv[1], kv[0]))[:top]
    rank = nx.pagerank(nx.DiGraph(graph)) if graph.number_of_edges() else {}
    top_rank = sorted(rank.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    communities = (
        nx.community.louvain_communities(undirected, seed=seed)
        if undirected.number_of_edges()
        else []
    )
    communities = sorted((sorted(c) for c in communities if len(c) > 1), key=len, reverse=True)

    def name(n: str) -> str:
        return graph.nodes[n].get("label", n)

    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "nodes_by_type": dict(types.most_common()),
        "edges_by_predicate": dict(predicates.most_common()),
        "components": len(components),
        "largest_components": components[:5],
        "isolated_nodes": sum(1 for n in undirected if undirected.degree(n) == 0),
        "top_degree": [{"id": n, "name": name(n), "degree": d} for n, d in degree],
        "top_pagerank": [{"id": n, "name": name(n), "pagerank": round(r, 5)} for n, r in top_rank],
        "communities": [
            {"size": len(c), "members": [name(n) for n in c[:8]]} for c in communities[:top]
        ],
    }


def layout(graph: nx.MultiDiGraph, seed: int = 3) -> dict[str, tuple[float, float]]:
    if graph.number_of_nodes() == 1:
        return {n: (0.0, 0.0) for n in graph}
    pos = nx.spring_layout(
        nx.Graph(graph.to_undirected()), seed=seed, k=1.8 / math.sqrt(graph.number_of_nodes())
    )
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


_TYPE_COLOURS = {
    "PERSON": "#4e79a7",
    "ORG": "#f28e2b",
    "GPE": "#59a14f",
    "LOC": "#76b7b2",
    "NORP": "#b07aa1",
    "FAC": "#9c755f",
    "EVENT": "#e15759",
    "WORK_OF_ART": "#edc948",
}


def draw_png(graph: nx.MultiDiGraph, out: Path, title: str = "") -> Path:
    """A readable picture: nodes coloured by type with their names, edges with predicates."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pos = layout(graph)
    size = max(8.0, min(22.0, 2.2 * math.sqrt(graph.number_of_nodes() + 1)))
    fig, ax = plt.subplots(figsize=(size * 1.3, size))
    simple = nx.DiGraph()
    labels: dict[tuple[str, str], list[str]] = {}
    for u, v, d in graph.edges(data=True):
        simple.add_edge(u, v)
        labels.setdefault((u, v), []).append(d.get("label", ""))
    simple.add_nodes_from(graph.nodes)
    colours = [_TYPE_COLOURS.get(graph.nodes[n].get("type", ""), "#bab0ac") for n in simple]
    nx.draw_networkx_edges(
        simple,
        pos,
        ax=ax,
        arrows=True,
        arrowsize=14,
        edge_color="#888888",
        node_size=900,
        connectionstyle="arc3,rad=0.08",
    )
    nx.draw_networkx_nodes(simple, pos, ax=ax, node_color=colours, node_size=900, alpha=0.9)
    nx.draw_networkx_labels(
        simple, pos, ax=ax, font_size=10, labels={n: graph.nodes[n].get("label", n) for n in simple}
    )
    nx.draw_networkx_edge_labels(
        simple,
        pos,
        ax=ax,
        font_size=8,
        font_color="#333333",
        edge_labels={k: ", ".join(sorted(set(v))) for k, v in labels.items()},
    )
    for kind, colour in _TYPE_COLOURS.items():
        if any(graph.nodes[n].get("type") == kind for n in graph):
            ax.scatter([], [], c=colour, label=kind, s=80)
    ax.legend(loc="lower right", fontsize=9, frameon=False)
    ax.set_title(title, fontsize=13)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def draw_html(graph: nx.MultiDiGraph, out: Path, title: str = "") -> Path:
    """A self-contained HTML page (inline SVG, no network): hover a node or an edge for its
    details and evidence."""
    pos = layout(graph)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    width, height, pad = 1100, 800, 90

    def px(n: str) -> tuple[float, float]:
        x, y = pos[n]
        sx = (x - min(xs)) / ((max(xs) - min(xs)) or 1)
        sy = (y - min(ys)) / ((max(ys) - min(ys)) or 1)
        return pad + sx * (width - 2 * pad), pad + sy * (height - 2 * pad)

    parts = []
    for u, v, d in graph.edges(data=True):
        (x1, y1), (x2, y2) = px(u), px(v)
        tip = (
            f"{graph.nodes[u].get('label')} {d.get('label')} {graph.nodes[v].get('label')}\n"
            f"confidence {d.get('confidence')}, evidence {d.get('evidence_count')}\n"
            f"{d.get('example', '')}"
        )
        parts.append(
            f'<g class="edge"><title>{html.escape(tip)}</title>'
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" marker-end="url(#a)"/>'
            f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 4:.1f}">'
            f"{html.escape(str(d.get('label', '')))}</text></g>"
        )
    for n, d in graph.nodes(data=True):
        x, y = px(n)
        colour = _TYPE_COLOURS.get(d.get("type", ""), "#bab0ac")
        tip = (
            f"{d.get('label')} ({d.get('type')})\nmentions {d.get('mention_count')}, "
            f"documents {d.get('document_count')}\naliases: {', '.join(d.get('aliases', []))}"
        )
        parts.append(
            f'<g class="node"><title>{html.escape(tip)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="14" fill="{colour}"/>'
            f'<text x="{x:.1f}" y="{y + 28:.1f}" text-anchor="middle">'
            f"{html.escape(str(d.get('label', n)))}</text></g>"
        )
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:1em}} line{{stroke:#999;stroke-width:1.4}}
.edge text{{font-size:11px;fill:#555}} .node text{{font-size:13px}}
g:hover line{{stroke:#d62728;stroke-width:3}} g:hover circle{{stroke:#000;stroke-width:2}}</style>
</head><body><h2>{html.escape(title)}</h2>
<p>{graph.number_of_nodes()} entities, {graph.number_of_edges()} relations. Hover for details.</p>
<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}">
<defs><marker id="a" viewBox="0 0 10 10" refX="22" refY="5" markerWidth="7" markerHeight="7"
orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#999"/></marker></defs>
{chr(10).join(parts)}
</svg>
<script type="application/json" id="graph">{
        html.escape(json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False))
    }</script>
</body></html>
"""
    out.write_text(page)
    return out
