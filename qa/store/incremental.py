"""The knowledge graph and the entity vectors of a new generation, updated from its base's when
a commit changed a few documents.

Only what the changed documents touch is recomputed from the rows: the graph nodes their
mentions (old or new) resolve to, the edges their evidence (old or new) counts for, and, when
the corpus-wide name resolution changed (an acronym defined, a surname now shared), every node
and edge of a mention whose resolution moved. The rest of the base's graph and vectors is kept.
The result equals a rebuild from every row (tests/unit/qa/store/test_incremental.py checks
that on random edits); ``benchmarks/commit.py`` measures what it saves.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from kgqa.kg.graph import (
    TYPED_EXTRACTORS,
    EvidenceRow,
    MentionRow,
    MergeRules,
    NodeResolver,
    _base,
    build_graph,
    edge_attributes,
    edge_key,
    is_lone_surname,
    node_attributes,
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
_MENTIONS = (
    "SELECT m.node_id, m.name, m.label, m.doc_id, m.own_node, m.rule, p.id "
    "FROM mentions m JOIN passages p USING (passage_id)"
)
Pair = tuple[str, str]
EdgeKey = tuple[str, str, str]


Triple = tuple[str, str, str]  # a mention's (node, own node, rule): all a NodeResolver reads
_TRIPLES = "SELECT DISTINCT node_id, own_node, rule FROM mentions"


def _resolver(
    triples: Iterable[Triple], rules: MergeRules | None, votes: dict[str, int]
) -> NodeResolver:
    return NodeResolver(
        [MentionRow(node, "", "", "", own, rule) for node, own, rule in triples], rules, votes
    )


def _votes(db: sqlite3.Connection, triples: Iterable[Triple]) -> dict[str, int]:
    """Type votes (``kgqa.kg.graph.type_votes``) of the nodes whose name another type also
    holds: their mentions, and the typed evidence rows they are an end of."""
    clashing = {
        n for found in type_clashes(n for t in triples for n in t[:2] if n).values() for n in found
    }
    if not clashing:
        return {}
    mentions = [
        node
        for node, count in _where_in(
            db, "SELECT node_id, COUNT(*) FROM mentions", "node_id", clashing, group="node_id"
        )
        for _ in range(count)
    ]
    typed = "','".join(TYPED_EXTRACTORS)
    ends = [
        node
        for column in ("head", "tail")
        for node, count in _where_in(
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
    triples = list(db.execute(_TRIPLES))
    return _resolver(triples, rules, _votes(db, triples))


def _triples_after(
    base_db: sqlite3.Connection, base: set[Triple], db: sqlite3.Connection, changed: set[str]
) -> set[Triple]:
    """The distinct triples of ``db``'s mentions, from its base's (``base``) and the mentions of
    the documents ``changed``: a triple only they held in the base goes unless another mention
    still holds it (one look-up in the mentions_resolution index each)."""
    before = set(_where_in(base_db, _TRIPLES, "doc_id", changed))
    after = set(_where_in(db, _TRIPLES, "doc_id", changed))
    gone = {
        t
        for t in before - after
        if not db.execute(
            "SELECT 1 FROM mentions WHERE node_id = ? AND own_node = ? AND rule = ? LIMIT 1", t
        ).fetchone()
    }
    return (base - gone) | after


def _pairs(db: sqlite3.Connection, triples: set[Triple] | None = None) -> set[Pair]:
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


def _where_in(
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


def context_vector(reconstruct: Any, passages: set[int]) -> np.ndarray:
    """A node's context vector: the unit mean of its passages' stored vectors."""
    mean = reconstruct(sorted(passages)).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean


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


def _never_ids(resolver: NodeResolver) -> set[str]:
    return {node for pair in resolver.never for node in pair}


def _pairs_of(db: sqlite3.Connection, nodes: set[str]) -> set[Pair]:
    """The (node, own node) pairs of the mentions and evidence ends whose node is one of
    ``nodes`` (index look-ups)."""
    pairs = set(_where_in(db, "SELECT node_id, own_node FROM mentions", "node_id", nodes))
    for end in ("head", "tail"):
        pairs.update(_where_in(db, f"SELECT {end}, {end}_own FROM evidence", end, nodes))
    return pairs


def _preimage(resolver: NodeResolver, targets: set[str]) -> set[str] | None:
    """Every node a mention or evidence end that resolves to one of ``targets`` can hold
    (a superset): the targets, the keys the corpus-wide map sends to them, and the nodes of
    never-merge rules (whose own node then decides). None when always-merge rules are set:
    they look at the own node first, so every pair must be read."""
    if resolver.always:
        return None
    found = set(targets) | {
        k for k, (target, _) in resolver.global_map.items() if target in targets
    }
    return found | resolver.type_sources(found) | _never_ids(resolver)


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
    """NodeResolver's ``global_map`` (an acronym defined for exactly one organisation; a lone
    surname that fits exactly one person of the corpus), looked up key by key in the tables
    instead of built from every mention."""

    def _look_up(self, key: str) -> tuple[str, str] | None:
        targets = [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT node_id FROM mentions WHERE own_node = ? AND rule = 'acronym'",
                (key,),
            )
        ]
        if len(targets) == 1:
            return targets[0], "acronym-corpus"
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
        for alias, rule in _where_in(
            self.db, "SELECT DISTINCT own_node, rule FROM mentions", "node_id", targets
        ):
            if rule == "acronym" and alias and self.get(alias, ("", ""))[0] in targets:
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
        best = type_winner(found, _votes(self.db, [(n, "", "") for n in found]))
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


def _keys_touched(triples: Iterable[Triple]) -> set[str]:
    """The corpus-wide map's keys whose entry the appearance or disappearance of these mention
    triples can change: acronyms they define, and the lone surnames of the persons they hold."""
    keys: set[str] = set()
    for node, own, rule in triples:
        if rule == "acronym" and own:
            keys.add(own)
        for name in (node, own):
            surname = person_surname(name)
            if surname is not None:
                keys.add(f"{surname}:PERSON")
            elif is_lone_surname(name):
                keys.add(name)
    return keys


def update_derived(
    base_db: sqlite3.Connection,
    db: sqlite3.Connection,
    changed: set[str],
    rules: MergeRules | None,
    reconstruct: Any,
) -> EntityChange:
    """Update the graph tables of ``db`` (the new generation's rows, with the base's graph
    tables) after the documents ``changed`` were retracted or replaced, and return the change
    to the base's entity vectors (built with the same ``rules``): the nodes recomputed and the
    nodes dropped. ``reconstruct`` gives the stored vectors of passage row ids."""
    old: NodeResolver
    new: NodeResolver
    if StoreResolver.usable(base_db) and StoreResolver.usable(db):
        # Resolution looked up in the tables, key by key; only the keys the changed
        # documents' mentions touch can have moved.
        old, new = StoreResolver(base_db, rules), StoreResolver(db, rules)
        if not (old.always or new.always) and old.never == new.never:
            triples = set(_where_in(base_db, _TRIPLES, "doc_id", changed)) | set(
                _where_in(db, _TRIPLES, "doc_id", changed)
            )
            touched = _keys_touched(triples)
            changed_keys = {k for k in touched if old.global_map.get(k) != new.global_map.get(k)}
            # a changed document's names: their nodes of every type may merge differently
            variants = {
                n
                for t in triples
                for name in t[:2]
                if name
                for n in (
                    set(old.nodes_with_base(_base(name))) | set(new.nodes_with_base(_base(name)))
                )
            }
            changed_keys |= {k for k in variants if old.type_map.get(k) != new.type_map.get(k)}
            moved = {
                p
                for source in (base_db, db)
                for p in _pairs_of(source, changed_keys | _never_ids(new))
                if old.resolve(*p) != new.resolve(*p)
            }
            return _update_from(base_db, db, changed, old, new, moved, None, reconstruct)
    base_triples = set(base_db.execute(_TRIPLES))
    triples = _triples_after(base_db, base_triples, db, changed)
    old = _resolver(base_triples, rules, _votes(base_db, base_triples))
    new_votes = _votes(db, triples)
    new = (
        old
        if triples == base_triples and new_votes == _votes(base_db, base_triples)
        else _resolver(triples, rules, new_votes)
    )
    every_pair: set[Pair] | None = None  # read only where the resolvers cannot narrow it

    def all_pairs() -> set[Pair]:
        nonlocal every_pair
        if every_pair is None:
            every_pair = _pairs(db, triples)
        return every_pair

    moved = set()
    if old.state() != new.state():
        if old.always or new.always or old.never != new.never or old.type_map != new.type_map:
            candidates = all_pairs() | _pairs(base_db, base_triples)
        else:
            # Only the corpus-wide map changed: a pair moved only if the node it is looked
            # up under (its node, or its own node where a never-merge rule applies) is a key
            # whose entry changed.
            changed_keys = {
                k
                for k in old.global_map.keys() | new.global_map.keys()
                if old.global_map.get(k) != new.global_map.get(k)
            }
            candidates = {
                p
                for source in (base_db, db)
                for p in _pairs_of(source, changed_keys | _never_ids(new))
            }
        moved = {p for p in candidates if old.resolve(*p) != new.resolve(*p)}
    return _update_from(base_db, db, changed, old, new, moved, all_pairs, reconstruct)


def _update_from(
    base_db: sqlite3.Connection,
    db: sqlite3.Connection,
    changed: set[str],
    old: NodeResolver,
    new: NodeResolver,
    moved: set[Pair],
    all_pairs: Callable[[], set[Pair]] | None,
    reconstruct: Any,
) -> EntityChange:
    """update_derived's work once the resolvers and the pairs that moved are known:
    ``all_pairs`` gives every pair where a resolver cannot name the raw nodes that resolve to
    a node (None: ``new`` is a StoreResolver, which can)."""

    def preimage(targets: set[str]) -> set[str]:
        if isinstance(new, StoreResolver):
            found = set(targets) | new.corpus.keys_to(targets)
            return found | new.type_sources(found) | _never_ids(new)
        raw = _preimage(new, targets)
        if raw is None:
            assert all_pairs is not None
            raw = {p[0] for p in all_pairs() if new.resolve(*p)[0] in targets}
        return raw

    nodes = {n for p in moved for n in (old.resolve(*p)[0], new.resolve(*p)[0])}
    keys: set[EdgeKey] = set()
    for source, resolver in ((base_db, old), (db, new)):
        for node_id, own in _where_in(
            source, "SELECT node_id, own_node FROM mentions", "doc_id", changed
        ):
            nodes.add(resolver.resolve(node_id, own)[0])
        evidence = [
            EvidenceRow(*r)
            for r in _where_in(
                source, f"SELECT {EVIDENCE_COLUMNS} FROM evidence", "doc_id", changed
            )
        ]
        if moved:
            raw = {node for node, _ in moved}
            for column in ("head", "tail"):
                evidence += [
                    e
                    for e in (
                        EvidenceRow(*r)
                        for r in _where_in(
                            source, f"SELECT {EVIDENCE_COLUMNS} FROM evidence", column, raw
                        )
                    )
                    if (e.head, e.head_own) in moved or (e.tail, e.tail_own) in moved
                ]
        keys |= {k for k in (edge_key(resolver, e) for e in evidence) if k is not None}

    # the nodes: every mention that now resolves to one of them
    mentions: dict[str, list[tuple[MentionRow, str]]] = defaultdict(list)
    passages: dict[str, set[int]] = defaultdict(set)
    raw_nodes = preimage(nodes)
    for row in _where_in(db, _MENTIONS, "m.node_id", raw_nodes):
        m = MentionRow(*row[:6])
        node, rule = new.resolve(m.node_id, m.own_node)
        if node in nodes:
            mentions[node].append((m, rule))
            passages[node].add(int(row[6]))
    # the edges: every evidence row that now counts for one of them
    grouped: dict[EdgeKey, list[EvidenceRow]] = defaultdict(list)
    heads = {k[0] for k in keys}
    raw_heads = preimage(heads)
    for row in _where_in(db, f"SELECT {EVIDENCE_COLUMNS} FROM evidence", "head", raw_heads):
        e = EvidenceRow(*row)
        key = edge_key(new, e)
        if key in keys:
            grouped[key].append(e)

    db.executemany(
        "DELETE FROM graph_edges WHERE head = ? AND tail = ? AND label = ?", sorted(keys)
    )
    db.executemany(
        "INSERT INTO graph_edges VALUES (?, ?, ?, ?)",
        [
            (h, t, label, json.dumps(edge_attributes(label, rows), ensure_ascii=False))
            for (h, t, label), rows in sorted(grouped.items())
        ],
    )
    db.executemany("DELETE FROM graph_nodes WHERE node = ?", [(n,) for n in sorted(nodes)])
    db.executemany(
        "INSERT INTO graph_nodes VALUES (?, ?)",
        [
            (n, json.dumps(node_attributes(n, rows), ensure_ascii=False))
            for n, rows in sorted(mentions.items())
        ],
    )

    fresh = sorted(passages)
    vectors = np.zeros((len(fresh), reconstruct([]).shape[1]), dtype=np.float32)
    for i, node in enumerate(fresh):
        vectors[i] = context_vector(reconstruct, passages[node])
    return EntityChange(
        fresh,
        [passages_key(passages[node]) for node in fresh],
        vectors,
        nodes - set(fresh),
        len(fresh),
    )


@dataclass
class EntityChange:
    """The entity vectors commits recomputed (``nodes``, their passage-set ``keys``, their
    ``vectors``) and the nodes they ``dropped`` (no mention resolves to them any more), since
    a generation's entity_vectors files were written; ``computed``: how many vectors the last
    of those commits computed."""

    FILES = ("entity_delta.npy", "entity_delta.json")

    nodes: list[str]
    keys: list[str]
    vectors: np.ndarray
    dropped: set[str]
    computed: int = 0

    def applied(
        self, index: dict[str, Any], matrix: np.ndarray
    ) -> tuple[dict[str, Any], np.ndarray]:
        """The whole table (index, matrix), in node order, after this change."""
        gone = self.dropped | set(self.nodes)
        kept = [i for i, n in enumerate(index["nodes"]) if n not in gone]
        names = [index["nodes"][i] for i in kept] + self.nodes
        keys = [index["keys"][i] for i in kept] + self.keys
        order = sorted(range(len(names)), key=names.__getitem__)
        stacked = np.concatenate(
            [matrix[kept], self.vectors.reshape(len(self.nodes), matrix.shape[1])]
        )
        return (
            {
                "nodes": [names[i] for i in order],
                "keys": [keys[i] for i in order],
                "computed": self.computed,
            },
            np.ascontiguousarray(stacked[order], dtype=np.float32),
        )

    def then(self, later: EntityChange) -> EntityChange:
        """This change followed by ``later``."""
        rows = {n: (k, v) for n, k, v in zip(self.nodes, self.keys, self.vectors)}
        for node in later.dropped:
            rows.pop(node, None)
        rows.update({n: (k, v) for n, k, v in zip(later.nodes, later.keys, later.vectors)})
        names = sorted(rows)
        vectors = np.zeros((len(names), later.vectors.shape[1]), dtype=np.float32)
        for i, name in enumerate(names):
            vectors[i] = rows[name][1]
        return EntityChange(
            names,
            [rows[n][0] for n in names],
            vectors,
            (self.dropped | later.dropped) - set(rows),
            later.computed,
        )

    def __len__(self) -> int:
        return len(self.nodes) + len(self.dropped)

    def save(self, folder: Path) -> None:
        np.save(folder / self.FILES[0], self.vectors, allow_pickle=False)
        (folder / self.FILES[1]).write_text(
            json.dumps(
                {
                    "nodes": self.nodes,
                    "keys": self.keys,
                    "dropped": sorted(self.dropped),
                    "computed": self.computed,
                },
                ensure_ascii=False,
            )
        )

    @classmethod
    def load(cls, folder: Path, dimension: int) -> EntityChange:
        """The change stored in ``folder`` since its entity_vectors files (none: empty)."""
        if not (folder / cls.FILES[1]).is_file():
            return cls([], [], np.zeros((0, dimension), np.float32), set())
        data = json.loads((folder / cls.FILES[1]).read_text())
        return cls(
            data["nodes"],
            data["keys"],
            np.load(folder / cls.FILES[0], allow_pickle=False),
            set(data["dropped"]),
            data["computed"],
        )


def passages_key(passages: set[int]) -> str:
    """A short digest of a node's passage set: an entity vector is reused while it matches."""
    return hashlib.sha256(",".join(map(str, sorted(passages))).encode()).hexdigest()[:16]
