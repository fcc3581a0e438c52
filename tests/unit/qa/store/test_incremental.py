"""A commit updates the graph, the entity vectors, BM25 and the content digest from its base's
instead of rebuilding them; whatever the edits, the result must be what a rebuild gives."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

import kgqa.qa.store.staging as staging
from kgqa.kg.graph import MergeRules
from kgqa.qa.store import Store
from kgqa.qa.store.entity_vectors import entity_vectors_of
from kgqa.qa.store.generation import Generation
from kgqa.qa.store.graph_tables import (
    StoreResolver,
    graph_counts,
    graph_of,
    pairs_in,
    resolver_of,
    update_person_surnames,
)
from kgqa.qa.store.index import BM25Index
from kgqa.qa.store.tables import content_digest_of, indexed_texts
from tests.unit.random_documents import MODELS, WORDS, document


def canonical(graph: nx.MultiDiGraph) -> dict[str, Any]:
    data = nx.node_link_data(graph, edges="edges")
    return {
        "nodes": sorted(data["nodes"], key=lambda n: n["id"]),
        "edges": sorted(data["edges"], key=lambda e: (e["source"], e["target"], e["key"])),
    }


def rebuilt(gen: Generation, rules: MergeRules | None) -> dict[str, Any]:
    """The graph, entity vectors and BM25 scores a rebuild from every row gives."""
    graph = graph_of(gen.db, rules)
    index, matrix = entity_vectors_of(gen.db, gen.dense, rules, None)
    bm25 = BM25Index.build(*indexed_texts(gen.db, True))
    return {"graph": canonical(graph), "index": index, "matrix": matrix, "bm25": bm25}


@pytest.mark.parametrize(
    "rules", [None, MergeRules({"Varsovie": "Warsaw"}, [("Curie", "Marie Curie")])]
)
def test_random_edits_give_what_a_rebuild_gives(
    tmp_path: Path, rules: MergeRules | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    updates = []
    original = staging.update_derived

    def counted(*args: Any, **kwargs: Any) -> Any:
        updates.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(staging, "update_derived", counted)
    rng = random.Random(7)
    store = Store(tmp_path / "s")
    live: set[str] = set()
    for step in range(25):
        added = [document(f"d{rng.randrange(30)}", rng) for _ in range(rng.randint(0, 3))]
        added = list({d.document.doc_id: d for d in added}.values())  # one commit, one of each
        removed = rng.sample(sorted(live), k=min(len(live), rng.choice([0, 0, 1])))
        if not added and not removed:
            added = [document(f"d{rng.randrange(30)}", rng)]
        with store.writer_lock():
            store.commit(
                removed, added, models=MODELS, settings={"index_title": True}, keep=2, rules=rules
            )
        live = (live - set(removed)) | {d.document.doc_id for d in added}
        gen = store.open()
        expected = rebuilt(gen, rules)
        assert canonical(gen.graph) == expected["graph"], f"graph differs after step {step}"
        index, matrix = gen.entity_vectors()
        assert index["nodes"] == expected["index"]["nodes"]
        assert index["keys"] == expected["index"]["keys"]
        np.testing.assert_allclose(matrix, expected["matrix"], atol=1e-6)
        for query in WORDS[:4] + ["Curie radium", "health health"]:
            assert gen.bm25.search(query, 10) == expected["bm25"].search(query, 10)
        # the counts and the content digest, updated from the changed rows, are a recount's
        recount = {
            t: gen.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("documents", "passages", "mentions", "evidence")
        }
        recount.update(vectors=gen.dense.size, **graph_counts(gen.db))
        assert gen.manifest.counts == recount, f"counts differ after step {step}"
        assert gen.manifest.content_digest == content_digest_of(gen.db)
        # the resolver that looks keys up in the tables resolves every pair as the one built
        # from every mention, and its surname table is what a fill from every mention gives
        full, looked_up = resolver_of(gen.db, rules), StoreResolver(gen.db, rules)
        for pair in sorted(pairs_in(gen.db)):
            assert looked_up.resolve(*pair) == full.resolve(*pair), f"{pair} after step {step}"
        assert (looked_up.never, looked_up.always) == (full.never, full.always)
        surnames = gen.db.execute("SELECT * FROM person_surnames ORDER BY 1, 2").fetchall()
        refill = sqlite3.connect(":memory:")
        gen.db.backup(refill)
        update_person_surnames(refill, None)
        assert refill.execute("SELECT * FROM person_surnames ORDER BY 1, 2").fetchall() == surnames
        gen.close()
    assert len(updates) >= 20  # the incremental path did the work (not the first commit)
    # the surname and acronym rules really moved nodes in this run
    merged = [d["merged"] for _, d in store.open().graph.nodes(data=True) if d.get("merged")]
    assert merged


def test_the_content_digest_depends_on_content_not_on_history(tmp_path: Path) -> None:
    rng = random.Random(3)
    docs = {f"d{i}": document(f"d{i}", rng) for i in range(6)}
    one, two = Store(tmp_path / "one"), Store(tmp_path / "two")
    with one.writer_lock():
        one.commit([], list(docs.values()), models=MODELS, settings={}, keep=2)
    with two.writer_lock():
        two.commit([], [docs["d5"], docs["d0"]], models=MODELS, settings={}, keep=2)
        two.commit(
            [],
            [document("d9", rng)] + [docs[d] for d in ("d3", "d1")],
            models=MODELS,
            settings={},
            keep=2,
        )
        two.commit(["d9"], [docs["d2"], docs["d4"]], models=MODELS, settings={}, keep=2)
    digest = [
        json.loads((s.root / s.current_name() / "manifest.json").read_text())["content_digest"]  # type: ignore[operator]
        for s in (one, two)
    ]
    assert digest[0] == digest[1]
    with two.writer_lock():
        changed = document("d4", rng)
        two.commit([], [changed], models=MODELS, settings={}, keep=2)
    assert two.open().manifest.content_digest != digest[0]


def test_a_store_written_before_the_term_count_index_still_searches(tmp_path: Path) -> None:
    rng = random.Random(5)
    store = Store(tmp_path / "s")
    with store.writer_lock():
        store.commit(
            [], [document(f"d{i}", rng) for i in range(4)], models=MODELS, settings={}, keep=2
        )
    gen = store.open()
    expected = gen.bm25.search("radium physics", 5)
    manifest = json.loads((gen.path / "manifest.json").read_text())
    for name in BM25Index.FILES:  # what an older kgqa left: a bm25s index, not these files
        (gen.path / "bm25" / name).unlink()
        del manifest["files"][f"bm25/{name}"]
    (gen.path / "manifest.json").write_text(json.dumps(manifest))
    assert Store(tmp_path / "s").open().bm25.search("radium physics", 5) == expected
