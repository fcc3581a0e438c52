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

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from kgqa.kg.graph import (
    CORPUS_RULES,
    EvidenceRow,
    MentionRow,
    MergeRules,
    NodeResolver,
    _base,
    edge_attributes,
    edge_key,
    is_lone_surname,
    node_attributes,
    person_surname,
)
from kgqa.qa.store.entity_vectors import EntityChange, context_vector, passages_key
from kgqa.qa.store.graph_tables import (
    EVIDENCE_COLUMNS,
    MENTIONS,
    TRIPLES,
    EdgeKey,
    Pair,
    StoreResolver,
    Triple,
    never_ids,
    pairs_in,
    pairs_of,
    preimage_of,
    resolver_with,
    triples_after,
    votes_of,
    where_in,
)


def _keys_touched(triples: Iterable[Triple]) -> set[str]:
    """The corpus-wide map's keys whose entry the appearance or disappearance of these mention
    triples can change: acronyms and short names they define, and the lone surnames of the
    persons they hold."""
    keys: set[str] = set()
    for node, own, rule in triples:
        if rule in CORPUS_RULES and own:
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
            triples = set(where_in(base_db, TRIPLES, "doc_id", changed)) | set(
                where_in(db, TRIPLES, "doc_id", changed)
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
                for p in pairs_of(source, changed_keys | never_ids(new))
                if old.resolve(*p) != new.resolve(*p)
            }
            return _update_from(base_db, db, changed, old, new, moved, None, reconstruct)
    base_triples = set(base_db.execute(TRIPLES))
    triples = triples_after(base_db, base_triples, db, changed)
    old = resolver_with(base_triples, rules, votes_of(base_db, base_triples))
    new_votes = votes_of(db, triples)
    new = (
        old
        if triples == base_triples and new_votes == votes_of(base_db, base_triples)
        else resolver_with(triples, rules, new_votes)
    )
    every_pair: set[Pair] | None = None  # read only where the resolvers cannot narrow it

    def all_pairs() -> set[Pair]:
        nonlocal every_pair
        if every_pair is None:
            every_pair = pairs_in(db, triples)
        return every_pair

    moved = set()
    if old.state() != new.state():
        if old.always or new.always or old.never != new.never or old.type_map != new.type_map:
            candidates = all_pairs() | pairs_in(base_db, base_triples)
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
                for p in pairs_of(source, changed_keys | never_ids(new))
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
            return found | new.type_sources(found) | never_ids(new)
        raw = preimage_of(new, targets)
        if raw is None:
            assert all_pairs is not None
            raw = {p[0] for p in all_pairs() if new.resolve(*p)[0] in targets}
        return raw

    nodes = {n for p in moved for n in (old.resolve(*p)[0], new.resolve(*p)[0])}
    keys: set[EdgeKey] = set()
    for source, resolver in ((base_db, old), (db, new)):
        for node_id, own in where_in(
            source, "SELECT node_id, own_node FROM mentions", "doc_id", changed
        ):
            nodes.add(resolver.resolve(node_id, own)[0])
        evidence = [
            EvidenceRow(*r)
            for r in where_in(source, f"SELECT {EVIDENCE_COLUMNS} FROM evidence", "doc_id", changed)
        ]
        if moved:
            raw = {node for node, _ in moved}
            for column in ("head", "tail"):
                evidence += [
                    e
                    for e in (
                        EvidenceRow(*r)
                        for r in where_in(
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
    for row in where_in(db, MENTIONS, "m.node_id", raw_nodes):
        m = MentionRow(*row[:6])
        node, rule = new.resolve(m.node_id, m.own_node)
        if node in nodes:
            mentions[node].append((m, rule))
            passages[node].add(int(row[6]))
    # the edges: every evidence row that now counts for one of them
    grouped: dict[EdgeKey, list[EvidenceRow]] = defaultdict(list)
    heads = {k[0] for k in keys}
    raw_heads = preimage(heads)
    for row in where_in(db, f"SELECT {EVIDENCE_COLUMNS} FROM evidence", "head", raw_heads):
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
