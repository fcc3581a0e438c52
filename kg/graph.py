"""The knowledge graph: a NetworkX MultiDiGraph derived from mention and evidence rows.

The rows (in the store's SQLite) are the source of truth; the graph is rebuilt from them on each
commit, so an edge whose last evidence was retracted disappears, and parallel evidence for the
same (head, predicate, tail) is counted on one edge keyed by the predicate.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx


@dataclass(frozen=True)
class MentionRow:
    node_id: str
    name: str
    label: str
    doc_id: str


@dataclass(frozen=True)
class EvidenceRow:
    head: str
    tail: str
    label: str
    confidence: float
    extractor: str
    doc_id: str
    passage_id: str
    start: int
    end: int
    sentence: str


def build_graph(mentions: Iterable[MentionRow], evidence: Iterable[EvidenceRow]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    docs: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for m in mentions:
        names[m.node_id][m.name] += 1
        docs[m.node_id].add(m.doc_id)
        labels[m.node_id] = m.label
    for node, counter in names.items():
        # The most frequent surface form names the node; ties go to the alphabetically first.
        name = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        graph.add_node(node, label=name, type=labels[node], mention_count=sum(counter.values()),
                       document_count=len(docs[node]), aliases=sorted(counter))
    grouped: dict[tuple[str, str, str], list[EvidenceRow]] = defaultdict(list)
    for e in evidence:
        grouped[(e.head, e.tail, e.label)].append(e)
    for (head, tail, label), rows in sorted(grouped.items()):
        rows.sort(key=lambda r: (-r.confidence, r.doc_id, r.start))
        graph.add_edge(
            head, tail, key=label, label=label, type=label,
            confidence=max(r.confidence for r in rows),
            evidence_count=len(rows),
            extractors=sorted({r.extractor for r in rows}),
            documents=sorted({r.doc_id for r in rows}),
            example=rows[0].sentence,
            evidence=[{"doc_id": r.doc_id, "passage_id": r.passage_id, "start": r.start,
                       "end": r.end, "extractor": r.extractor, "confidence": r.confidence}
                      for r in rows],
        )
    return graph


def save_graph(graph: nx.MultiDiGraph, path: Path) -> None:
    data = nx.node_link_data(graph, edges="edges")
    path.write_text(json.dumps(data, ensure_ascii=False))


def load_graph(path: Path) -> nx.MultiDiGraph:
    data: dict[str, Any] = json.loads(path.read_text())
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
