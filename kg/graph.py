"""The knowledge graph: a NetworkX MultiDiGraph derived from mention and evidence rows.

The rows (in the store's SQLite) are the source of truth; the graph is rebuilt from them on each
commit, so an edge whose last evidence was retracted disappears, and parallel evidence for the
same (head, predicate, tail) is counted on one edge keyed by the predicate.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx


@dataclass(frozen=True)
class MentionRow:
    """A mention's node after the document's alias rules (``node_id``), the node its own name
    gives (``own_node``, empty when the same) and the rule that moved it (``rule``)."""

    node_id: str
    name: str
    label: str
    doc_id: str
    own_node: str = ""
    rule: str = ""


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
    head_own: str = ""
    tail_own: str = ""


@dataclass(frozen=True)
class MergeRules:
    """Corrections from settings: ``always`` maps a name to the name it must merge into;
    ``never`` lists (alias, target) name pairs that must stay apart."""

    always: dict[str, str]
    never: list[tuple[str, str]]


def _base(node: str) -> str:
    return node.rsplit(":", 1)[0]


def person_surname(node: str) -> str | None:
    """The last word of a person node of two words or more (what a lone surname matches)."""
    words = _base(node).split("-")
    return words[-1] if node.endswith(":PERSON") and len(words) >= 2 else None


def is_lone_surname(node: str) -> bool:
    """Whether ``node`` is a person of one word, which may stand for a person it is the
    surname of."""
    return node.endswith(":PERSON") and "-" not in _base(node)


# Document rules that hold in every document when they send a name to one node only: an
# acronym defined for one organisation, a short name ("Harbor Lights") given to one
# organisation with a legal form ("Harbor Lights Ltd"), the leading words of one organisation's
# name ("Lindgren Institute" of "Lindgren Institute for Marine Research"); in this order of
# precedence. A one-word short name ("Acme" of "Acme Robotics") holds in its document only:
# "Microsoft" may be Microsoft Research in one document and Microsoft in the others; but the
# short name of a legal name holds in all ("short-name-corpus": "Meridian" of "Meridian
# Logistics N.V.").
CORPUS_RULES = {
    "acronym": "acronym-corpus",
    "legal-form": "legal-form-corpus",
    "leading-words": "leading-words-corpus",
}


# Extractors whose relations type both their ends (their votes count in type merges).
TYPED_EXTRACTORS = ("joint",)
# Which type a name takes when its votes tie: people and organisations are named most.
TYPE_ORDER = (
    "PERSON",
    "ORG",
    "GPE",
    "LOC",
    "FAC",
    "PRODUCT",
    "WORK_OF_ART",
    "NORP",
    "EVENT",
    "LAW",
)


def type_clashes(nodes: Iterable[str]) -> dict[str, list[str]]:
    """Names (node id bases) that more than one node type holds, with those nodes."""
    by_base: dict[str, list[str]] = defaultdict(list)
    for node in sorted(set(nodes)):
        by_base[_base(node)].append(node)
    return {base: found for base, found in by_base.items() if len(found) > 1}


def type_votes(mention_nodes: Iterable[str], typed_ends: Iterable[str]) -> Counter[str]:
    """A node's votes for its type: one per mention, two per typed relation it takes part in
    (the joint model typed both ends of each)."""
    votes: Counter[str] = Counter(mention_nodes)
    for node in typed_ends:
        votes[node] += 2
    return votes


# a legal form ending a node id's name ("meridian-logistics-n-v:ORG")
_LEGAL_ENDINGS = re.compile(
    r"-(?:ltd|limited|inc|incorporated|corp|corporation|llc|llp|plc|gmbh|ag|s-?a|n-?v|b-?v|pty|"
    r"s-?p-?a|s-?r-?l|oy|ab|asa)$"
)


def _legal_name(node: str) -> bool:
    """Whether ``node`` is an organisation's name with its legal form."""
    return node.endswith(":ORG") and bool(_LEGAL_ENDINGS.search(_base(node)))


def type_winner(nodes: list[str], votes: dict[str, int]) -> str:
    """Of nodes of one name, the one whose type has the most votes (ties: ``TYPE_ORDER``)."""

    def rank(node: str) -> tuple[int, int, str]:
        kind = node.rsplit(":", 1)[-1]
        order = TYPE_ORDER.index(kind) if kind in TYPE_ORDER else len(TYPE_ORDER)
        return (-votes.get(node, 0), order, node)

    return min(nodes, key=rank)


class NodeResolver:
    """Final node of each mention: the document's merges, then corpus-wide rules (one name
    typed differently across mentions is one node, of the type with the most votes; an
    acronym defined in one document holds in all, and so does an organisation's short name
    beside its legal form, and a one-word short name of a legal name; a lone surname that fits
    exactly one person
    of the corpus is that person), then the settings' never/always rules."""

    def __init__(
        self,
        mentions: list[MentionRow],
        rules: MergeRules | None,
        votes: dict[str, int] | None = None,
    ) -> None:
        """``votes``: each node's type votes (``type_votes``); only nodes whose name another
        type also holds need one."""
        self.rules = rules or MergeRules({}, [])
        self.global_map: dict[str, tuple[str, str]] = {}
        targets: dict[str, dict[str, set[str]]] = {rule: defaultdict(set) for rule in CORPUS_RULES}
        people: dict[str, set[str]] = defaultdict(set)
        nodes = {m.node_id for m in mentions} | {m.own_node for m in mentions if m.own_node}
        short: dict[str, set[str]] = defaultdict(set)
        for m in mentions:
            if m.rule in CORPUS_RULES and m.own_node:
                targets[m.rule][m.own_node].add(m.node_id)
            elif m.rule == "short-name" and m.own_node and _legal_name(m.node_id):
                short[m.own_node].add(m.node_id)
        for node in nodes:
            surname = person_surname(node)
            if surname is not None:
                people[surname].add(node)
        for rule, corpus_rule in CORPUS_RULES.items():  # an acronym first, then a legal form
            for alias, found in targets[rule].items():
                if len(found) == 1:
                    self.global_map.setdefault(alias, (next(iter(found)), corpus_rule))
        # a company's one-word short name beside its legal name ("Meridian" of "Meridian
        # Logistics N.V.") names it in every document, as "Microsoft" beside "Microsoft
        # Research" (no legal form: a part of the company) does not
        for alias, found in short.items():
            if len(found) == 1:
                self.global_map.setdefault(alias, (next(iter(found)), "short-name-corpus"))
        for node in nodes:
            base = _base(node)
            if is_lone_surname(node) and len(people.get(base, ())) == 1:
                self.global_map.setdefault(node, (next(iter(people[base])), "surname-corpus"))
        # one name, several types: the type with the most votes takes the others' mentions
        self.type_map: Mapping[str, str] = {
            node: winner
            for found in type_clashes(nodes).values()
            for winner in [type_winner(found, votes or {})]
            for node in found
            if node != winner
        }
        by_key: dict[str, list[str]] = defaultdict(list)
        for node in sorted(nodes):
            by_key[_base(node)].append(node)
        self._apply_rules(lambda base: by_key.get(base, []))

    def _apply_rules(self, nodes_with_base: Callable[[str], list[str]]) -> None:
        """The settings' never/always rules (``self.rules``), by name, as node pairs:
        ``nodes_with_base`` gives the corpus's nodes of a name's id form, sorted."""
        from kgqa.kg.canonical import canonical_key, slug

        def ids(name: str) -> list[str]:
            return [name] if ":" in name else nodes_with_base(slug(canonical_key(name)))

        self.never = {(a, b) for x, y in self.rules.never for a in ids(x) for b in ids(y)}
        self.never |= {(b, a) for a, b in self.never}
        self.always: dict[str, str] = {}
        for alias, target in self.rules.always.items():
            targets = ids(target)
            for a in ids(alias):
                if targets and a not in targets:
                    self.always[a] = targets[0]

    def resolve(self, node: str, own: str) -> tuple[str, str]:
        """(final node, rule that decided it, '' when none)."""
        own = own or node
        rule = "" if node == own else "document"
        if node != own and (own, node) in self.never:
            node, rule = own, "never-merge"
        merged = self.type_map.get(node)
        if (
            merged is not None
            and (own, merged) not in self.never
            and (node, merged) not in self.never
        ):
            node, rule = merged, "type-merge"
        if node in self.global_map:
            target, why = self.global_map[node]
            if (own, target) not in self.never and (node, target) not in self.never:
                node, rule = target, why
        for key in (own, node):
            if key in self.always:
                return self.always[key], "always-merge"
        return node, rule

    def type_sources(self, targets: set[str]) -> set[str]:
        """The nodes a type merge sends to one of ``targets``."""
        return {k for k, v in self.type_map.items() if v in targets}

    def state(self) -> tuple[Any, ...]:
        """What resolution depends on: two resolvers with equal states resolve every mention
        alike."""
        return (self.global_map, self.type_map, self.never, self.always)


def node_attributes(node: str, mentions: list[tuple[MentionRow, str]]) -> dict[str, Any]:
    """A graph node's attributes from its mentions, each with the rule that resolved it."""
    names: Counter[str] = Counter()
    own_names: Counter[str] = Counter()
    docs: set[str] = set()
    merges: Counter[tuple[str, str]] = Counter()
    for m, rule in mentions:
        names[m.name] += 1
        if (m.own_node or m.node_id) == node:
            own_names[m.name] += 1
        docs.add(m.doc_id)
        if rule and rule != "never-merge":
            merges[(m.name, rule if rule != "document" else m.rule)] += 1
    # The most frequent name of the node's own mentions names it (aliases do not), written as
    # a name rather than in capitals ("Tom Reddy" over a transcript's "TOM REDDY") where the
    # node has both; ties go to the alphabetically first.
    pool = own_names or names
    written = Counter({n: c for n, c in pool.items() if not (n.isupper() and len(n) > 4)})
    name = min((written or pool).items(), key=lambda kv: (-kv[1], kv[0]))[0]
    kind = node.rsplit(":", 1)[-1]
    also: Counter[str] = Counter(m.label for m, _ in mentions if m.label and m.label != kind)
    return {
        "label": name,
        "type": kind,
        "also_typed": [f"{label} ({n}x)" for label, n in sorted(also.items())],
        "mention_count": sum(names.values()),
        "document_count": len(docs),
        "aliases": sorted(names),
        "merged": [f"{alias} ({rule}, {n}x)" for (alias, rule), n in sorted(merges.items())],
    }


def edge_attributes(label: str, rows: list[EvidenceRow]) -> dict[str, Any]:
    """An edge's attributes from its evidence rows (strongest first)."""
    rows = sorted(rows, key=lambda r: (-r.confidence, r.doc_id, r.start))
    return {
        "label": label,
        "type": label,
        # a relation of the joint model's schema, not an open predicate of the parse:
        # listed before open ones wherever edges are ranked
        "typed": any(r.extractor in TYPED_EXTRACTORS for r in rows),
        "confidence": max(r.confidence for r in rows),
        "evidence_count": len(rows),
        "extractors": sorted({r.extractor for r in rows}),
        "documents": sorted({r.doc_id for r in rows}),
        "example": rows[0].sentence,
        "evidence": [
            {
                "doc_id": r.doc_id,
                "passage_id": r.passage_id,
                "start": r.start,
                "end": r.end,
                "extractor": r.extractor,
                "confidence": r.confidence,
            }
            for r in rows
        ],
    }


def edge_key(resolver: NodeResolver, e: EvidenceRow) -> tuple[str, str, str] | None:
    """(head, tail, predicate) of the edge an evidence row counts for; None for a self-loop."""
    head = resolver.resolve(e.head, e.head_own)[0]
    tail = resolver.resolve(e.tail, e.tail_own)[0]
    return (head, tail, e.label) if head != tail else None


def build_graph(
    mentions: Iterable[MentionRow],
    evidence: Iterable[EvidenceRow],
    rules: MergeRules | None = None,
    resolver: NodeResolver | None = None,
) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    mentions = list(mentions)
    evidence = list(evidence)
    if resolver is None:
        clashing = {
            n for found in type_clashes(m.node_id for m in mentions).values() for n in found
        }
        votes = type_votes(
            (m.node_id for m in mentions if m.node_id in clashing),
            (
                end
                for e in evidence
                if e.extractor in TYPED_EXTRACTORS
                for end in (e.head, e.tail)
                if end in clashing
            ),
        )
        resolver = NodeResolver(mentions, rules, dict(votes))
    by_node: dict[str, list[tuple[MentionRow, str]]] = defaultdict(list)
    for m in mentions:
        node, rule = resolver.resolve(m.node_id, m.own_node)
        by_node[node].append((m, rule))
    for node, found in by_node.items():
        graph.add_node(node, **node_attributes(node, found))
    grouped: dict[tuple[str, str, str], list[EvidenceRow]] = defaultdict(list)
    for e in evidence:
        key = edge_key(resolver, e)
        if key is not None:
            grouped[key].append(e)
    for (head, tail, label), rows in sorted(grouped.items()):
        graph.add_edge(head, tail, key=label, **edge_attributes(label, rows))
    return graph


def save_graph(graph: nx.MultiDiGraph, path: Path) -> None:
    data = nx.node_link_data(graph, edges="edges")
    path.write_text(json.dumps(data, ensure_ascii=False))


def load_graph(path: Path) -> nx.MultiDiGraph:
    data: dict[str, Any] = json.loads(path.read_text())
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
