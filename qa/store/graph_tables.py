"""The graph's tables in a generation's SQLite file: how mentions resolve to nodes (merge
rules, type votes, surnames), and the graph written to and read from graph_nodes and
graph_edges."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import networkx as nx

from kgqa.kg.graph import (
    CORPUS_RULES,
    TYPED_EXTRACTORS,
    EvidenceRow,
    MentionRow,
    MergeRules,
    NodeResolver,
    _base,
    build_graph,
    is_lone_surname,
    person_surname,
    type_clashes,
    type_votes,
    type_winner,
)

# the columns of EvidenceRow's and MentionRow's fields, in their order
EVIDENCE_COLUMNS = (
    'head, tail, label, confidence, extractor, doc_id, passage_id, start, "end", '
    "sentence, head_own, tail_own"
)
MENTION_COLUMNS = "node_id, name, label, doc_id, own_node, rule"
# a mention row (MentionRow's fields) and the row id of its passage
MENTIONS = (
    "SELECT m.node_id, m.name, m.label, m.doc_id, m.own_node, m.rule, p.id "
    "FROM mentions m JOIN passages p USING (passage_id)"
)
Pair = tuple[str, str]
EdgeKey = tuple[str, str, str]


Triple = tuple[str, str, str]  # a mention's (node, own node, rule): all a NodeResolver reads
TRIPLES = "SELECT DISTINCT node_id, own_node, rule FROM mentions"


def resolver_with(
    triples: Iterable[Triple], rules: MergeRules | None, votes: dict[str, int]
) -> NodeResolver:
    return NodeResolver(
        [MentionRow(node, "", "", "", own, rule) for node, own, rule in triples], rules, votes
    )


def votes_of(db: sqlite3.Connection, triples: Iterable[Triple]) -> dict[str, int]:
    """Type votes (``kgqa.kg.graph.type_votes``) of the nodes whose name another type also
    holds: their mentions, and the typed evidence rows they are an end of."""
    clashing = {
        n for found in type_clashes(n for t in triples for n in t[:2] if n).values() for n in found
    }
    if not clashing:
        return {}
    mentions = [
        node
        for node, count in where_in(
            db, "SELECT node_id, COUNT(*) FROM mentions", "node_id", clashing, group="node_id"
        )
        for _ in range(count)
    ]
    typed = "','".join(TYPED_EXTRACTORS)
    ends = [
        node
        for column in ("head", "tail")
        for node, count in where_in(
            db,
            f"SELECT {column}, COUNT(*) FROM evidence",
            column,
            clashing,
            group=column,
            extra=f"extractor IN ('{typed}')",
        )
        for _ in range(count)
    ]
    return dict(type_votes(mentions, ends))


def resolver_of(db: sqlite3.Connection, rules: MergeRules | None) -> NodeResolver:
    """The store's name resolver, from the distinct (node, own node, rule) triples of its
    mentions and the type votes of names typed more than one way."""
    triples = list(db.execute(TRIPLES))
    return resolver_with(triples, rules, votes_of(db, triples))


def triples_after(
    base_db: sqlite3.Connection, base: set[Triple], db: sqlite3.Connection, changed: set[str]
) -> set[Triple]:
    """The distinct triples of ``db``'s mentions, from its base's (``base``) and the mentions of
    the documents ``changed``: a triple only they held in the base goes unless another mention
    still holds it (one look-up in the mentions_resolution index each)."""
    before = set(where_in(base_db, TRIPLES, "doc_id", changed))
    after = set(where_in(db, TRIPLES, "doc_id", changed))
    gone = {
        t
        for t in before - after
        if not db.execute(
            "SELECT 1 FROM mentions WHERE node_id = ? AND own_node = ? AND rule = ? LIMIT 1", t
        ).fetchone()
    }
    return (base - gone) | after


def pairs_in(db: sqlite3.Connection, triples: set[Triple] | None = None) -> set[Pair]:
    """Every (node, own node) a mention or an evidence row holds (each query reads an index;
    the mentions' come from their ``triples`` when given)."""
    pairs: set[Pair] = set()
    queries = [
        "SELECT DISTINCT head, head_own FROM evidence",
        "SELECT DISTINCT tail, tail_own FROM evidence",
    ]
    if triples is None:
        queries.append("SELECT DISTINCT node_id, own_node FROM mentions")
    else:
        pairs.update((node, own) for node, own, _ in triples)
    for query in queries:
        pairs.update(db.execute(query))
    return pairs


def where_in(
    db: sqlite3.Connection,
    query: str,
    column: str,
    values: Iterable[Any],
    chunk: int = 500,
    group: str = "",
    extra: str = "",
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``query`` (a SELECT without WHERE) whose ``column`` is one of ``values`` (and
    that meet the condition ``extra``), grouped by ``group`` within each chunk (so a group must
    be a value of ``column``)."""
    values = sorted(set(values))
    for i in range(0, len(values), chunk):
        part = values[i : i + chunk]
        where = f"{column} IN ({','.join('?' * len(part))})" + (f" AND {extra}" if extra else "")
        yield from db.execute(
            f"{query} WHERE {where}" + (f" GROUP BY {group}" if group else ""), part
        )


def graph_of(
    db: sqlite3.Connection, rules: MergeRules | None, resolver: NodeResolver | None = None
) -> nx.MultiDiGraph:
    """The graph built from every mention and evidence row (the rebuild an update must equal)."""
    return build_graph(
        (MentionRow(*r) for r in db.execute(f"SELECT {MENTION_COLUMNS} FROM mentions")),
        (EvidenceRow(*r) for r in db.execute(f"SELECT {EVIDENCE_COLUMNS} FROM evidence")),
        rules,
        resolver or resolver_of(db, rules),
    )


def write_graph(db: sqlite3.Connection, graph: nx.MultiDiGraph) -> None:
    """Replace the graph tables with ``graph`` (nodes without mentions, which only name an
    edge's end, are not stored: loading the edges brings them back)."""
    db.execute("DELETE FROM graph_nodes")
    db.execute("DELETE FROM graph_edges")
    db.executemany(
        "INSERT INTO graph_nodes VALUES (?, ?)",
        [(n, json.dumps(d, ensure_ascii=False)) for n, d in graph.nodes(data=True) if d],
    )
    db.executemany(
        "INSERT INTO graph_edges VALUES (?, ?, ?, ?)",
        [
            (h, t, k, json.dumps(d, ensure_ascii=False))
            for h, t, k, d in graph.edges(keys=True, data=True)
        ],
    )


def read_graph(db: sqlite3.Connection) -> nx.MultiDiGraph:
    """The graph the tables hold, nodes and edges in sorted order (the same graph loads the
    same way, whatever history wrote it)."""
    graph = nx.MultiDiGraph()
    for node, attributes in db.execute("SELECT node, attributes FROM graph_nodes ORDER BY node"):
        graph.add_node(node, **json.loads(attributes))
    for head, tail, label, attributes in db.execute(
        "SELECT head, tail, label, attributes FROM graph_edges ORDER BY head, tail, label"
    ):
        graph.add_edge(head, tail, key=label, **json.loads(attributes))
    return graph


def graph_counts(db: sqlite3.Connection) -> dict[str, int]:
    """Nodes (those with mentions and those only an edge names) and edges in the tables."""
    (nodes,) = db.execute(
        "SELECT (SELECT COUNT(*) FROM graph_nodes) + (SELECT COUNT(*) FROM (SELECT head AS n "
        "FROM graph_edges UNION SELECT tail FROM graph_edges) WHERE n NOT IN "
        "(SELECT node FROM graph_nodes))"
    ).fetchone()
    (edges,) = db.execute("SELECT COUNT(*) FROM graph_edges").fetchone()
    return {"nodes": int(nodes), "edges": int(edges)}


def never_ids(resolver: NodeResolver) -> set[str]:
    return {node for pair in resolver.never for node in pair}


def pairs_of(db: sqlite3.Connection, nodes: set[str]) -> set[Pair]:
    """The (node, own node) pairs of the mentions and evidence ends whose node is one of
    ``nodes`` (index look-ups)."""
    pairs = set(where_in(db, "SELECT node_id, own_node FROM mentions", "node_id", nodes))
    for end in ("head", "tail"):
        pairs.update(where_in(db, f"SELECT {end}, {end}_own FROM evidence", end, nodes))
    return pairs


def preimage_of(resolver: NodeResolver, targets: set[str]) -> set[str] | None:
    """Every node a mention or evidence end that resolves to one of ``targets`` can hold
    (a superset): the targets, the keys the corpus-wide map sends to them, and the nodes of
    never-merge rules (whose own node then decides). None when always-merge rules are set:
    they look at the own node first, so every pair must be read."""
    if resolver.always:
        return None
    found = set(targets) | {
        k for k, (target, _) in resolver.global_map.items() if target in targets
    }
    return found | resolver.type_sources(found) | never_ids(resolver)


def _is_node(db: sqlite3.Connection, node: str) -> bool:
    """Whether a mention holds ``node`` as its node or its own node (NodeResolver's nodes)."""
    return bool(
        db.execute(
            "SELECT EXISTS (SELECT 1 FROM mentions WHERE node_id = ?1) "
            "OR EXISTS (SELECT 1 FROM mentions WHERE own_node = ?1)",
            (node,),
        ).fetchone()[0]
    )


def update_person_surnames(db: sqlite3.Connection, nodes: Iterable[str] | None) -> None:
    """Bring the person_surnames table (surname -> person nodes of two words or more that a
    mention holds) up to date for ``nodes``, or fill it from every mention (None)."""
    if nodes is None:
        db.execute("DELETE FROM person_surnames")
        nodes = {
            n
            for (n,) in db.execute(
                "SELECT DISTINCT node_id FROM mentions UNION SELECT DISTINCT own_node FROM mentions"
            )
        }
    for node in sorted(set(nodes)):
        surname = person_surname(node)
        if surname is None:
            continue
        if _is_node(db, node):
            db.execute("INSERT OR IGNORE INTO person_surnames VALUES (?, ?)", (surname, node))
        else:
            db.execute(
                "DELETE FROM person_surnames WHERE surname = ? AND node = ?", (surname, node)
            )


class _LookedUp(Mapping[str, Any]):
    """A mapping looked up key by key in the tables (``_look_up``, cached), never listed."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._cache: dict[str, Any] = {}

    def _look_up(self, key: str) -> Any:
        raise NotImplementedError

    def _entry(self, key: str) -> Any:
        if key not in self._cache:
            self._cache[key] = self._look_up(key)
        return self._cache[key]

    def __getitem__(self, key: str) -> Any:
        entry = self._entry(key)
        if entry is None:
            raise KeyError(key)
        return entry

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._entry(key) is not None

    def __iter__(self) -> Iterator[str]:
        raise TypeError(f"{type(self).__name__} is looked up key by key, never listed")

    def __len__(self) -> int:
        raise TypeError(f"{type(self).__name__} is looked up key by key, never listed")


class _CorpusMap(_LookedUp):
    """NodeResolver's ``global_map`` (an acronym or a short name defined for exactly one
    organisation; a lone surname that fits exactly one person of the corpus), looked up key
    by key in the tables instead of built from every mention."""

    def _look_up(self, key: str) -> tuple[str, str] | None:
        for rule, corpus_rule in CORPUS_RULES.items():
            targets = [
                r[0]
                for r in self.db.execute(
                    "SELECT DISTINCT node_id FROM mentions WHERE own_node = ? AND rule = ?",
                    (key, rule),
                )
            ]
            if len(targets) == 1:
                return targets[0], corpus_rule
        if is_lone_surname(key) and _is_node(self.db, key):
            people = [
                r[0]
                for r in self.db.execute(
                    "SELECT node FROM person_surnames WHERE surname = ?", (_base(key),)
                )
            ]
            if len(people) == 1:
                return people[0], "surname-corpus"
        return None

    def keys_to(self, targets: set[str]) -> set[str]:
        """The keys whose entry sends them to one of ``targets``."""
        out: set[str] = set()
        for alias, rule in where_in(
            self.db, "SELECT DISTINCT own_node, rule FROM mentions", "node_id", targets
        ):
            if rule in CORPUS_RULES and alias and self.get(alias, ("", ""))[0] in targets:
                out.add(alias)
        for target in targets:
            surname = person_surname(target)
            if surname is not None and self.get(f"{surname}:PERSON", ("", ""))[0] == target:
                out.add(f"{surname}:PERSON")
        return out


class _TypeMap(_LookedUp):
    """NodeResolver's ``type_map`` (a node whose name another type holds with more votes, to
    that node), looked up key by key in the tables."""

    def __init__(self, db: sqlite3.Connection, nodes_with_base: Any) -> None:
        super().__init__(db)
        self.nodes_with_base = nodes_with_base

    def _look_up(self, key: str) -> str | None:
        found = self.nodes_with_base(_base(key))
        if len(found) < 2 or key not in found:
            return None
        best = type_winner(found, votes_of(self.db, [(n, "", "") for n in found]))
        return best if best != key else None


class StoreResolver(NodeResolver):
    """A NodeResolver that reads the store's tables for the keys it is asked about (indexes
    on the mentions, the person_surnames table), so that building it costs nothing like
    reading every mention. It resolves exactly as ``resolver_of`` on the same tables."""

    def __init__(self, db: sqlite3.Connection, rules: MergeRules | None) -> None:
        self.rules = rules or MergeRules({}, [])
        self.corpus = _CorpusMap(db)
        self.global_map = self.corpus  # type: ignore[assignment]

        def nodes_with_base(base: str) -> list[str]:
            found: set[str] = set()
            for column in ("node_id", "own_node"):
                found.update(
                    r[0]
                    for r in db.execute(
                        f"SELECT DISTINCT {column} FROM mentions WHERE {column} >= ? "
                        f"AND {column} < ?",
                        (base + ":", base + ";"),
                    )
                )
            return sorted(n for n in found if _base(n) == base)

        self.nodes_with_base = nodes_with_base
        self.type_map = _TypeMap(db, nodes_with_base)
        self._apply_rules(nodes_with_base)

    def type_sources(self, targets: set[str]) -> set[str]:
        return {
            n
            for t in targets
            for n in self.nodes_with_base(_base(t))
            if self.type_map.get(n) in targets
        }

    @staticmethod
    def usable(db: sqlite3.Connection) -> bool:
        """Whether the tables have what it reads (stores from before it lack them)."""
        return {
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE name IN ('person_surnames', 'mentions_own')"
            )
        } == {"person_surnames", "mentions_own"}
