"""Scoring a store's graph against gold triples and entities (``kgqa eval graph --gold``).

The gold file (JSON) names the real things of a corpus and the typed facts its documents state:

    {"entities": {"id": {"name": "Britta Halvorsen", "type": "PERSON", "aliases": ["Halvorsen"]}},
     "triples": [["id", "Founded_By", "id"], ["id", "Work_For", "id", {"or": ["Leader_Of"]}],
                 ["id", "Live_In", "id", {"optional": true}]]}

A graph node stands for the gold entities its names (its name and its mentions' names) match,
case and determiners ignored; an alias that two entities share matches neither. Scores:

- triple precision: typed edges (relations of the joint model's schema) whose ends stand for
  one entity each and that a gold triple states, accepts ("or") or implies (a gold Leader_Of
  makes Work_For true, a gold Born_In Live_In: the schema's implications), over all typed
  edges;
- triple recall: gold triples (not ``optional``) found, over all of them;
- node purity: nodes standing for exactly one entity, over nodes standing for at least one;
- split entities: entities that more than one node stands for alone, and names held by nodes
  of different types (which a type merge should have joined).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from kgqa.kg.canonical import canonical_key
from kgqa.kg.joint import DEFAULT_SCHEMA
from kgqa.kg.types import KGError


def load_gold(path: Path) -> dict[str, Any]:
    try:
        gold = json.loads(Path(path).read_text())
        entities = gold["entities"]
        triples = gold["triples"]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as err:
        raise KGError(f"{path}: expected JSON with 'entities' and 'triples': {err}") from None
    relations = set(DEFAULT_SCHEMA.relation_names)
    for n, t in enumerate(triples):
        if not (isinstance(t, list) and len(t) in (3, 4)):
            raise KGError(f"{path}: triples[{n}] must be [head, relation, tail] or with options")
        if t[0] not in entities or t[2] not in entities:
            raise KGError(f"{path}: triples[{n}] names an entity id not in 'entities': {t[:3]}")
        labels = {t[1], *(t[3].get("or", []) if len(t) == 4 else [])}
        if labels - relations:
            raise KGError(
                f"{path}: triples[{n}]: relation {sorted(labels - relations)} is not "
                f"in the schema ({', '.join(sorted(relations))})"
            )
    return gold


def _name_index(entities: dict[str, Any]) -> dict[str, str]:
    """Name key -> entity id; aliases two entities share (or another's name) are left out."""
    index: dict[str, str] = {}
    names = {canonical_key(e["name"]): eid for eid, e in entities.items()}
    alias_owners: dict[str, set[str]] = defaultdict(set)
    for eid, e in entities.items():
        for alias in e.get("aliases", []):
            alias_owners[canonical_key(alias)].add(eid)
    for key, owners in alias_owners.items():
        if len(owners) == 1 and key not in names:
            index[key] = next(iter(owners))
    index.update(names)
    return index


def node_entities(graph: nx.MultiDiGraph, entities: dict[str, Any]) -> dict[str, set[str]]:
    """The gold entities each node's names match."""
    index = _name_index(entities)
    out: dict[str, set[str]] = {}
    for node, data in graph.nodes(data=True):
        names = {data.get("label", ""), *data.get("aliases", [])}
        out[node] = {index[k] for k in map(canonical_key, names) if k in index}
    return out


def evaluate_graph(graph: nx.MultiDiGraph, gold: dict[str, Any]) -> dict[str, Any]:
    entities = gold["entities"]
    stands = node_entities(graph, entities)
    one = {node: next(iter(found)) for node, found in stands.items() if len(found) == 1}
    typed = set(DEFAULT_SCHEMA.relation_names)
    symmetric = {r.name for r in DEFAULT_SCHEMA.relations if r.symmetric}

    def key(h: str, label: str, t: str) -> tuple[str, str, str]:
        return (min(h, t), label, max(h, t)) if label in symmetric else (h, label, t)

    accepted: dict[tuple[str, str, str], int] = {}
    implied: set[tuple[str, str, str]] = set()
    required: set[int] = set()
    for n, t in enumerate(gold["triples"]):
        options = t[3] if len(t) == 4 else {}
        for label in [t[1], *options.get("or", [])]:
            accepted[key(t[0], label, t[2])] = n
            implied |= {
                key(t[0], more, t[2]) for more in DEFAULT_SCHEMA.with_implied({label}) - {label}
            }
        if not options.get("optional"):
            required.add(n)
    predicted: dict[tuple[str, str, str], dict[str, Any]] = {}
    for u, v, data in graph.edges(data=True):
        label = data.get("label")
        if label not in typed:
            continue
        h, t = one.get(u, u), one.get(v, v)
        predicted.setdefault(
            key(h, label, t),
            {"example": data.get("example", ""), "confidence": data.get("confidence")},
        )
    right = {k for k in predicted if k in accepted or k in implied}
    found = {accepted[k] for k in right if k in accepted}
    wrong = sorted(set(predicted) - right)
    missed = sorted(required - found)
    purity_nodes = [n for n, f in stands.items() if f]
    pure = [n for n in purity_nodes if len(stands[n]) == 1]
    alone: dict[str, list[str]] = defaultdict(list)
    for node, eid in one.items():
        alone[eid].append(node)
    by_name: dict[str, list[str]] = defaultdict(list)
    for node in graph.nodes:
        by_name[node.rsplit(":", 1)[0]].append(node)

    def name(eid: str) -> str:
        return str(entities[eid]["name"]) if eid in entities else eid

    return {
        "triples": {
            "precision": round(len(right) / len(predicted), 4) if predicted else 0.0,
            "recall": round(len(required & found) / len(required), 4) if required else 0.0,
            "predicted": len(predicted),
            "right": len(right),
            "right_but_less_specific": len(right) - len({k for k in right if k in accepted}),
            "gold": len(required),
            "found": len(required & found),
            "wrong": [
                {
                    "head": name(h),
                    "relation": r,
                    "tail": name(t),
                    "example": predicted[(h, r, t)]["example"],
                }
                for h, r, t in wrong
            ],
            "missed": [
                {
                    "head": name(gold["triples"][n][0]),
                    "relation": gold["triples"][n][1],
                    "tail": name(gold["triples"][n][2]),
                }
                for n in missed
            ],
        },
        "nodes": {
            "purity": round(len(pure) / len(purity_nodes), 4) if purity_nodes else 0.0,
            "matching": len(purity_nodes),
            "pure": len(pure),
            "impure": [
                {"node": n, "stands_for": sorted(name(e) for e in stands[n])}
                for n in sorted(set(purity_nodes) - set(pure))
            ],
            "split_entities": {
                name(eid): sorted(nodes) for eid, nodes in sorted(alone.items()) if len(nodes) > 1
            },
            "split_by_type": {
                base: sorted(nodes) for base, nodes in sorted(by_name.items()) if len(nodes) > 1
            },
        },
    }
