"""The store on its own: commits, checks on load, fallback, the writer lock."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from kgqa.kg.graph import EvidenceRow, MentionRow
from kgqa.qa.ingest.loaders import content_hash
from kgqa.qa.store import (
    LAYOUT_VERSION,
    PassageMention,
    ProcessedDocument,
    Store,
    StoreError,
)
from kgqa.qa.types import Document, Passage

DIM = 8
MODELS = {"embedder": "test-embedder", "embedding_dimension": DIM}


def processed(doc_id: str, text: str, seed: int = 0) -> ProcessedDocument:
    doc = Document(doc_id, text, f"/src/{doc_id}", content_hash(text))
    passages = [Passage(f"{doc_id}#0", doc_id, 0, 0, len(text), text)]
    rng = np.random.default_rng(seed)
    vec = rng.normal(size=(1, DIM)).astype(np.float32)
    vec /= np.linalg.norm(vec)
    head, tail = f"{doc_id}-a:PERSON", f"{doc_id}-b:GPE"
    mentions = [
        PassageMention(f"{doc_id}#0", MentionRow(head, "A", "PERSON", doc_id), "A", 0, 1),
        PassageMention(f"{doc_id}#0", MentionRow(tail, "B", "GPE", doc_id), "B", 2, 3),
    ]
    evidence = [
        EvidenceRow(
            head, tail, "born_in", 0.6, "dependency", doc_id, f"{doc_id}#0", 0, len(text), text
        )
    ]
    return ProcessedDocument(doc, passages, vec, mentions, evidence)


def commit(store: Store, removed: list[str], added: list[ProcessedDocument], keep: int = 3) -> None:
    with store.writer_lock():
        store.commit(removed, added, models=MODELS, settings={}, keep=keep)


def test_commit_then_open_sees_everything(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    commit(
        store, [], [processed("a", "alpha words here", 1), processed("b", "beta words there", 2)]
    )
    gen = store.open(embedder="test-embedder", dimension=DIM)
    assert gen.name == "gen-000001"
    assert gen.manifest.counts["documents"] == 2
    assert gen.dense.size == 2 and gen.bm25.size == 2
    assert gen.graph.number_of_edges() == 2
    hits = gen.bm25.search("alpha", 5)
    assert [gen.passages_by_rowid([i])[i].doc_id for i, _ in hits] == ["a"]


def test_replacing_and_removing_documents_retracts_vectors_terms_and_edges(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    commit(store, [], [processed("a", "alpha words", 1), processed("b", "beta words", 2)])
    commit(store, ["b"], [processed("a", "gamma words", 3)])
    gen = store.open()
    assert gen.manifest.counts == {
        **gen.manifest.counts,
        "documents": 1,
        "passages": 1,
        "vectors": 1,
        "edges": 1,
    }
    assert gen.bm25.search("beta", 5) == [] and gen.bm25.search("alpha", 5) == []
    assert len(gen.bm25.search("gamma", 5)) == 1
    assert not any(d for _, _, d in gen.graph.edges(data=True) if "b" in d["documents"])
    ids = {i for i, _ in gen.dense.search(np.ones(DIM, dtype=np.float32), 10)}
    assert ids == set(gen.passages_by_rowid(ids))


def test_old_generations_are_pruned_to_keep(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    for i in range(5):
        commit(store, [], [processed(f"d{i}", f"text {i}", i)])
    assert store.generations() == [3, 4, 5]
    assert store.open().manifest.counts["documents"] == 5


def test_damaged_current_generation_falls_back_with_a_warning(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    commit(store, [], [processed("a", "alpha", 1)])
    commit(store, [], [processed("b", "beta", 2)])
    faiss_file = tmp_path / "s" / "gen-000002" / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:-10])
    with pytest.warns(UserWarning, match="checksum mismatch for dense.faiss"):
        gen = store.open()
    assert gen.name == "gen-000001"


def test_other_layout_version_gets_a_clear_message(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    commit(store, [], [processed("a", "alpha", 1)])
    manifest = tmp_path / "s" / "gen-000001" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["layout_version"] = LAYOUT_VERSION + 1
    manifest.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="layout version .* re-ingest"):
        store.open()


def test_embedder_mismatch_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    commit(store, [], [processed("a", "alpha", 1)])
    with pytest.raises(StoreError, match="built with embedder 'test-embedder'"):
        store.open(embedder="another-model")
    with pytest.raises(StoreError, match="8-dimensional"):
        store.open(dimension=384)


def test_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="kgqa ingest"):
        Store(tmp_path / "none").open()


def test_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    with store.writer_lock():
        with pytest.raises(StoreError, match="another kgqa ingest is writing"):
            with Store(tmp_path / "s").writer_lock(wait_seconds=0.3):
                pass


def test_interrupted_commit_at_every_rename_leaves_a_loadable_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: stop the commit at each of its os.replace steps in turn (folder rename,
    CURRENT swap, removal of an old generation)."""
    real_replace = os.replace
    for fail_at in range(3):
        store = Store(tmp_path / f"s{fail_at}")
        commit(store, [], [processed("a", "alpha", 1)])
        calls = {"n": 0}

        def flaky(
            src: object, dst: object, _fail_at: int = fail_at, calls: dict[str, int] = calls
        ) -> None:
            if calls["n"] == _fail_at:
                raise OSError("simulated crash")
            calls["n"] += 1
            real_replace(src, dst)

        monkeypatch.setattr(os, "replace", flaky)
        with pytest.raises(OSError, match="simulated crash"):
            commit(store, [], [processed("b", "beta", 2)], keep=1)
        monkeypatch.setattr(os, "replace", real_replace)
        gen = store.open()
        ids = {r[0] for r in gen.db.execute("SELECT doc_id FROM documents")}
        assert "a" in ids
        commit(store, [], [processed("c", "gamma", 3)])
        assert not any(p.name.endswith(".tmp") for p in (tmp_path / f"s{fail_at}").iterdir())
        assert "c" in {r[0] for r in store.open().db.execute("SELECT doc_id FROM documents")}


def test_sqlite_is_the_only_database_format(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    commit(store, [], [processed("a", "alpha", 1)])
    files = sorted(p.name for p in (tmp_path / "s" / "gen-000001").rglob("*") if p.is_file())
    assert not [f for f in files if f.endswith((".pkl", ".pickle"))]
    db = sqlite3.connect(tmp_path / "s" / "gen-000001" / "passages.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
