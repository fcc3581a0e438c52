"""A commit that reuses the SQLite file of a generation it would prune (brought forward by
replaying the change logs in between) must leave exactly what copying the current one leaves,
and must never take a generation that someone is reading or that is damaged."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import warnings
from pathlib import Path

import numpy as np
import pytest

import kgqa.qa.store.deltas as deltas
import kgqa.qa.store.reuse as reuse
from kgqa.kg.graph import MergeRules
from kgqa.qa.store import ProcessedDocument, Store, StoreWarning
from kgqa.qa.store.entity_vectors import EntityChange, entity_vectors_of
from kgqa.qa.store.index import BM25Delta, BM25Index, DenseDelta, DenseOptions
from kgqa.qa.store.tables import indexed_texts
from tests.unit.random_documents import MODELS, document

RULES = MergeRules({"Varsovie": "Warsaw"}, [("Curie", "Marie Curie")])


def tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the current generation, row ids included (which must pass
    its checks: no warning that an older generation is used instead)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", StoreWarning)
        gen = store.open()
    try:
        out = {
            t: gen.db.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall()
            for t in reuse.TRACKED
        }
        # ingestion times are the clock's, not the content's
        out["documents"] = [row[:-1] for row in out["documents"]]
        out["sqlite_sequence"] = gen.db.execute(
            "SELECT * FROM sqlite_sequence ORDER BY name"
        ).fetchall()
        out["manifest"] = [(gen.manifest.content_digest, sorted(gen.manifest.counts.items()))]
        return out
    finally:
        gen.close()


def commit(store: Store, removed: list[str], added: list, keep: int) -> None:  # type: ignore[type-arg]
    with store.writer_lock():
        store.commit(
            removed, added, models=MODELS, settings={"index_title": True}, keep=keep, rules=RULES
        )


@pytest.mark.parametrize("chunk", [4096, 1 << 20])
def test_reusing_an_old_generation_gives_the_rows_a_copy_gives(
    tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with one-page chunks most of the file's checksums are carried over, not recomputed
    monkeypatch.setattr(reuse, "CHUNK", chunk)
    rng = random.Random(11)
    copying, reusing = Store(tmp_path / "copy"), Store(tmp_path / "reuse")
    live: set[str] = set()
    reused = []
    for step in range(30):
        # one document of an id per commit, as ingestion gives
        added = list(
            {
                d.document.doc_id: d
                for d in (document(f"d{rng.randrange(25)}", rng) for _ in range(rng.randint(0, 3)))
            }.values()
        )
        removed = rng.sample(sorted(live), k=min(len(live), rng.choice([0, 1, 2])))
        if not added and not removed:
            added = [document(f"d{rng.randrange(25)}", rng)]
        commit(copying, removed, added, keep=100)
        commit(reusing, removed, added, keep=2 if step < 15 else 3)
        assert copying.recycled is None
        reused.append(reusing.recycled)
        live = (live - set(removed)) | {d.document.doc_id for d in added}
        assert tables(reusing) == tables(copying), f"the stores differ after step {step}"
        assert len(reusing.generations()) == min(step + 1, 2 if step < 15 else 3)
    # Step s commits generation s + 1. Every commit that pruned a generation reused it: all
    # but the first two (nothing to prune) and the first with keep 3; with keep 3 each commit
    # reused the generation before last, replaying two change logs.
    assert [i for i, n in enumerate(reused) if n is None] == [0, 1, 15], reused
    assert reused[2:15] == list(range(1, 14)) and reused[16:] == list(range(14, 28)), reused
    gen = reusing.open()
    assert gen.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_generation_being_read_is_copied_past_not_reused(tmp_path: Path) -> None:
    rng = random.Random(5)
    store = Store(tmp_path / "s")
    for i in range(3):
        commit(store, [], [document(f"d{i}", rng)], keep=2)
    reader = store.open()  # gen 3, which the next commit but one would prune
    passages = reader.db.execute("SELECT passage_id, text FROM passages ORDER BY id").fetchall()
    commit(store, [], [document("d7", rng)], keep=2)
    assert store.recycled == 2
    commit(store, ["d0"], [document("d8", rng)], keep=2)
    assert store.recycled is None  # gen 3 is read: the commit copied gen 4 instead
    assert (
        reader.db.execute("SELECT passage_id, text FROM passages ORDER BY id").fetchall()
        == passages
    )
    reader.close()
    commit(store, [], [document("d9", rng)], keep=2)
    assert store.recycled == 4
    ids = {r[0] for r in store.open().db.execute("SELECT doc_id FROM documents")}
    assert ids == {"d1", "d2", "d7", "d8", "d9"}


def test_a_damaged_old_generation_is_not_reused(tmp_path: Path) -> None:
    rng = random.Random(9)
    store = Store(tmp_path / "s")
    for i in range(2):
        commit(store, [], [document(f"d{i}", rng)], keep=2)
    old = tmp_path / "s" / "gen-000001" / "passages.sqlite"
    data = bytearray(old.read_bytes())
    data[len(data) // 2] ^= 0xFF
    old.write_bytes(bytes(data))
    commit(store, [], [document("d2", rng)], keep=2)
    assert store.recycled is None
    db = sqlite3.connect(tmp_path / "s" / "gen-000003" / "passages.sqlite")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert {r[0] for r in db.execute("SELECT doc_id FROM documents")} == {"d0", "d1", "d2"}


def manifest(store: Store, number: int) -> dict:  # type: ignore[type-arg]
    return json.loads((store.root / f"gen-{number:06d}" / "manifest.json").read_text())


def test_damage_in_a_reused_file_is_never_checksummed_as_good(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reused file's chunks that the commit does not write keep their old checksums, so
    damage there still shows when the new generation is opened; a chunk it writes is checked
    first, and damage there makes the commit copy instead."""
    monkeypatch.setattr(reuse, "CHUNK", 4096)
    rng = random.Random(4)
    store = Store(tmp_path / "s")
    commit(store, [], [document(f"d{j}", rng) for j in range(150)], keep=2)
    commit(store, [], [document("d140", rng)], keep=2)
    edit = [document("d3", rng)]
    # A dry run on a copy of the store tells which chunks this commit writes.
    shutil.copytree(tmp_path / "s", tmp_path / "dry")
    dry = Store(tmp_path / "dry")
    commit(dry, [], edit, keep=2)
    assert dry.recycled == 1
    before = manifest(store, 1)["chunked"]["passages.sqlite"]["sha256"]
    after = manifest(dry, 3)["chunked"]["passages.sqlite"]["sha256"]
    kept = [i for i in range(1, len(before)) if after[i] == before[i]]
    written = [i for i in range(1, len(before)) if after[i] != before[i]]
    assert kept and written

    outcomes = []
    for chunk in [written[0]] + kept[:: max(1, len(kept) // 8)]:
        root = tmp_path / f"damaged-{chunk}"
        shutil.copytree(tmp_path / "s", root)
        old = root / "gen-000001" / "passages.sqlite"
        data = bytearray(old.read_bytes())
        data[chunk * 4096 + 100] ^= 0xFF
        old.write_bytes(bytes(data))
        damaged = Store(root)
        commit(damaged, [], edit, keep=2)
        outcomes.append(damaged.recycled is not None)
        if damaged.recycled is not None:
            # the damage came along unread, and the new generation says so when opened
            with pytest.warns(StoreWarning, match="gen-000003: checksum mismatch"):
                assert damaged.open().name == "gen-000002"
        else:
            # checked or read: the commit copied generation 2's file instead
            assert tables(damaged) == tables(dry)
        shutil.rmtree(root)
    assert outcomes[0] is False  # a chunk the commit writes is always checked
    assert True in outcomes[1:]  # and some chunks it neither writes nor reads came along


@pytest.mark.parametrize("delta_min", [1000, 4])
def test_vectors_kept_as_a_delta_are_the_documents_vectors(
    tmp_path: Path, delta_min: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small commit copies the base's vector index, entity vectors and BM25 files as they are
    and writes the change beside them; whatever the history, the vectors a reader gets and its
    search are those of the live documents' passages, the entity vectors a recomputation's and
    BM25 scores a rebuild's (with 4, most commits write them whole again)."""
    monkeypatch.setattr(deltas, "DELTA_MIN", delta_min)
    rng = random.Random(21)
    store = Store(tmp_path / "s")
    live: dict[str, ProcessedDocument] = {}
    pending, entity_pending, bm25_pending = [], [], []
    for step in range(25):
        added = list(
            {
                d.document.doc_id: d
                for d in (document(f"d{rng.randrange(25)}", rng) for _ in range(rng.randint(0, 3)))
            }.values()
        )
        removed = rng.sample(sorted(live), k=min(len(live), rng.choice([0, 1, 2])))
        if not added and not removed:
            added = [document(f"d{rng.randrange(25)}", rng)]
        commit(store, removed, added, keep=3)
        for doc_id in removed:
            del live[doc_id]
        live.update({d.document.doc_id: d for d in added})
        expected = {p.passage_id: v for d in live.values() for p, v in zip(d.passages, d.vectors)}
        for options in (None, DenseOptions.of({"dense_mmap": True})):
            gen = Store(store.root, options).open()
            by_rowid = {rowid: pid for pid, rowid in gen.rowids.items()}
            ids, vectors = gen.dense.vectors()
            assert sorted(by_rowid[int(i)] for i in ids) == sorted(expected), f"step {step}"
            for i, vector in zip(ids, vectors):
                np.testing.assert_allclose(vector, expected[by_rowid[int(i)]], atol=1e-6)
            query = rng.random() * np.ones(8, np.float32)
            exact = sorted(expected, key=lambda pid: -float(expected[pid] @ query))[:3]
            assert [by_rowid[i] for i, _ in gen.dense.search(query, 3)] == exact
            # the entity vectors, kept as a change the same way, are a recomputation's
            index, matrix = gen.entity_vectors()
            expected_index, expected_matrix = entity_vectors_of(gen.db, gen.dense, RULES, None)
            assert (index["nodes"], index["keys"]) == (
                expected_index["nodes"],
                expected_index["keys"],
            ), f"step {step}"
            np.testing.assert_allclose(matrix, expected_matrix, atol=1e-6)
            # and BM25, kept as a delta too, scores as an index built from every passage
            built = BM25Index.build(*indexed_texts(gen.db, True))
            for words in ("radium physics", "health museum river", "Curie"):
                assert gen.bm25.search(words, 10) == built.search(words, 10), f"step {step}"
            gen.close()
        folder = store.root / store.current_name()
        pending.append((folder / DenseDelta.FILES[0]).is_file())
        entity_pending.append((folder / EntityChange.FILES[1]).is_file())
        bm25_pending.append((folder / BM25Delta.FOLDER).is_dir())
    for kept in (pending, entity_pending, bm25_pending):
        if delta_min == 1000:
            assert all(kept[1:])  # every commit after the first kept its change apart
        else:
            assert True in kept and False in kept[1:]  # and past the limit, wrote it whole
