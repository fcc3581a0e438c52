"""Ingestion with the real packaged models, through ``pipeline.run`` (no Prefect server)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kgqa.qa.ingest import pipeline
from kgqa.qa.settings import Settings
from kgqa.qa.store.generations import Store

pytestmark = pytest.mark.slow


def run(paths: list[Path], store: Path, prune: bool = False, **settings: object) -> dict:
    return pipeline.run(paths, Settings(store=store, **settings), prune=prune).to_json()


def rows(store: Path, sql: str) -> list[tuple]:
    gen = Store(store).open()
    try:
        return gen.db.execute(sql).fetchall()
    finally:
        gen.close()


def test_sample_store_has_passages_entities_and_evidence(sample_store: Path) -> None:
    gen = Store(sample_store).open()
    c = gen.manifest.counts
    assert c["documents"] == 23 and c["passages"] >= 23 and c["nodes"] > 50 and c["edges"] > 20
    # "the University of Paris" and "The University of Paris" are one node
    assert "university-of-paris:ORG" in gen.graph
    edge = gen.graph.get_edge_data("marie-curie:PERSON", "warsaw:GPE")
    assert edge is not None and "Born_In" in edge
    ev = edge["Born_In"]["evidence"][0]
    doc_text = gen.db.execute(
        "SELECT text FROM documents WHERE doc_id = ?", (ev["doc_id"],)
    ).fetchone()[0]
    assert "born in Warsaw" in doc_text[ev["start"] : ev["end"]]
    passage = gen.db.execute(
        'SELECT start, "end" FROM passages WHERE passage_id = ?', (ev["passage_id"],)
    ).fetchone()
    assert passage[0] <= ev["start"] and ev["end"] <= passage[1]
    # JSONL ids are kept as document ids
    assert {"thomas-edison", "lise-meitner"} <= {
        r[0] for r in gen.db.execute("SELECT doc_id FROM documents")
    }


def test_reingesting_unchanged_corpus_changes_and_rewrites_nothing(sample_store_copy: Path) -> None:
    from tests.conftest import SAMPLE

    def data_files() -> dict[Path, int]:
        """Everything but the lock and the per-run reports."""
        return {
            p: p.stat().st_mtime_ns
            for p in sample_store_copy.rglob("*")
            if p.is_file() and p.name != "LOCK" and "reports" not in p.parts
        }

    before = data_files()
    report = run([SAMPLE], sample_store_copy)
    assert (report["new"], report["changed"], report["unchanged"]) == (0, 0, 23)
    assert not report["committed"]
    assert data_files() == before


def test_editing_one_file_replaces_only_its_passages_and_evidence(
    tmp_path: Path, corpus_copy: Path
) -> None:
    store = tmp_path / "store"
    run([corpus_copy], store)
    passages_before = rows(store, "SELECT id, passage_id FROM passages ORDER BY id")
    evidence_before = rows(store, "SELECT doc_id, head, tail, label FROM evidence ORDER BY id")
    assert Store(store).open().graph.has_edge("pierre-curie:PERSON", "paris:GPE", "Died_In")
    target = corpus_copy / "pierre_curie.txt"
    target.write_text(
        target.read_text().replace(
            "Pierre Curie died in Paris in 1906", "Pierre Curie died in Lyon in 1906"
        )
    )
    report = run([corpus_copy], store)
    assert (report["new"], report["changed"], report["unchanged"]) == (0, 1, 22)
    passages_after = rows(store, "SELECT id, passage_id FROM passages ORDER BY id")
    unchanged = [p for p in passages_before if not p[1].startswith("pierre_curie.txt#")]
    assert [p for p in passages_after if not p[1].startswith("pierre_curie.txt#")] == unchanged
    assert all(
        p[0] > passages_before[-1][0]
        for p in passages_after
        if p[1].startswith("pierre_curie.txt#")
    ), "the edited document got new rows"
    evidence_after = rows(store, "SELECT doc_id, head, tail, label FROM evidence ORDER BY id")
    assert [e for e in evidence_after if e[0] != "pierre_curie.txt"] == [
        e for e in evidence_before if e[0] != "pierre_curie.txt"
    ]
    texts = rows(store, "SELECT text FROM passages WHERE doc_id = 'pierre_curie.txt'")
    assert any("Lyon" in t for (t,) in texts)
    # the edge whose only evidence was the edited sentence is gone; the new fact is there
    graph = Store(store).open().graph
    assert not graph.has_edge("pierre-curie:PERSON", "paris:GPE", "Died_In")
    assert graph.has_edge("pierre-curie:PERSON", "lyon:GPE", "Died_In")


def test_prune_retracts_documents_whose_files_are_gone(tmp_path: Path, corpus_copy: Path) -> None:
    store = tmp_path / "store"
    run([corpus_copy], store)
    gen = Store(store).open()
    only_from_tesla = [
        (u, v, k)
        for u, v, k, d in gen.graph.edges(keys=True, data=True)
        if d["documents"] == ["thomas-edison"]
    ]
    assert only_from_tesla, "the sample has edges supported only by the Edison article"
    lines = (corpus_copy / "more_people.jsonl").read_text().splitlines()
    (corpus_copy / "more_people.jsonl").write_text(
        "\n".join(line for line in lines if "thomas-edison" not in line) + "\n"
    )
    (corpus_copy / "warsaw.md").unlink()
    report = run([corpus_copy], store, prune=True)
    assert report["removed"] == 2
    gen = Store(store).open()
    docs = {r[0] for r in gen.db.execute("SELECT doc_id FROM documents")}
    assert "thomas-edison" not in docs and "warsaw.md" not in docs and "marie_curie.md" in docs
    for u, v, k in only_from_tesla:
        assert not gen.graph.has_edge(u, v, k)
    hits = gen.bm25.search("Menlo Park phonograph Edison", 20)
    assert all(gen.passages_by_rowid([i])[i].doc_id != "thomas-edison" for i, _ in hits)


def test_bad_inputs_are_quarantined_and_the_rest_is_committed(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text(
        "Ada Lovelace was born in London. She worked with Charles Babbage."
    )
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(os.urandom(64) + b"\x00" * 64)
    (corpus / "latin1.txt").write_bytes("Café crème in Paris".encode("latin-1"))
    (corpus / "table.csv").write_text("name,role\nAda,engineer\n")
    with (corpus / "huge.txt").open("w") as fh:
        line = "This sentence repeats to make a fifty megabyte file of text. " * 16 + "\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    (corpus / "docs.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Grace Hopper worked at Yale University."})
        + "\n"
        + "this is not json\n"
        + json.dumps({"id": "j2", "title": "no text"})
        + "\n"
    )
    store = tmp_path / "store"
    report = run([corpus, tmp_path / "does-not-exist"], store)
    reasons = {f["where"]: f["reason"] for f in report["failed"]}
    assert report["committed"] and report["new"] == 3
    assert "empty" in reasons[str(corpus / "empty.txt")]
    assert "binary" in reasons[str(corpus / "binary.txt")]
    assert str(corpus / "latin1.txt") not in reasons, "Latin-1 text is read, and named"
    assert any("latin1.txt as cp1252" in w for w in report["warnings"])
    assert any("passed over (.csv 1)" in w for w in report["warnings"]), report["warnings"]
    assert "KGQA_MAX_DOCUMENT_BYTES" in reasons[str(corpus / "huge.txt")]
    assert "not valid JSON" in reasons[f"{corpus / 'docs.jsonl'}:2"]
    assert '"text" is missing' in reasons[f"{corpus / 'docs.jsonl'}:3"]
    assert "no such file" in reasons[str(tmp_path / "does-not-exist")]
    docs = {r[0] for r in rows(store, "SELECT doc_id FROM documents")}
    assert docs == {"good.txt", "j1", "latin1.txt"}
    quarantined = [json.loads(x) for x in (store / "quarantine.jsonl").read_text().splitlines()]
    assert len(quarantined) == 6


def test_a_committed_document_that_turns_bad_keeps_its_old_version(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Alan Turing worked at Bletchley Park.")
    (corpus / "b.txt").write_text("Tim Berners-Lee worked at CERN.")
    store = tmp_path / "store"
    run([corpus], store)
    (corpus / "a.txt").write_bytes(b"\xff\xfe broken")
    report = run([corpus], store, prune=True)
    assert report["removed"] == 0 and len(report["failed"]) == 1
    texts = {r[0]: r[1] for r in rows(store, "SELECT doc_id, text FROM documents")}
    assert texts["a.txt"] == "Alan Turing worked at Bletchley Park."


def test_a_long_document_is_processed_in_pieces_as_one_document(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE

    paragraphs = [
        (SAMPLE / name).read_text(encoding="utf-8").strip()
        for name in sorted(os.listdir(SAMPLE))
        if name.endswith((".txt", ".md"))
    ]
    text = "\n\n".join(paragraphs)
    assert len(text) > 6_000
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "all.txt").write_text(text, encoding="utf-8")
    seen: list[tuple[int, int]] = []
    report = pipeline.run(
        [corpus],
        Settings(store=tmp_path / "store", document_piece_chars=2_000),
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert report.committed and not report.failed
    pieces = seen[-1][1]
    assert pieces >= len(text) // 2_000 and seen[-1] == (pieces, pieces)  # progress by piece
    passages = rows(
        tmp_path / "store", 'SELECT ordinal, start, "end", text FROM passages ORDER BY ordinal'
    )
    ordinals = [p[0] for p in passages]
    assert list(ordinals) == list(range(len(ordinals)))
    assert all(text[s:e] == t for _, s, e, t in passages)  # offsets into the whole document
    mentions = rows(tmp_path / "store", 'SELECT text, start, "end" FROM mentions')
    assert len(mentions) > 50 and all(text[s:e] == m for m, s, e in mentions)
    gen = Store(tmp_path / "store").open()
    assert gen.graph.has_edge("marie-curie:PERSON", "warsaw:GPE")  # relations in every piece
    gen.close()
