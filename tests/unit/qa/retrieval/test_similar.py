"""kgqa similar over a store whose vectors are made by hand, so the right neighbour is known."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kgqa.qa.retrieval.embed import PassageEmbedder
from kgqa.qa.retrieval.similar import Similarity, UnknownItem
from kgqa.qa.types import InputError, Passage
from tests.unit.tiny import DIM, document, tiny_store


def near(vector: np.ndarray, noise: float, seed: int) -> np.ndarray:
    out = vector + noise * np.random.default_rng(seed).normal(size=vector.shape)
    return (out / np.linalg.norm(out)).astype(np.float32)


def two_passages(
    doc_id: str,
    texts: tuple[str, str],
    vectors: tuple[np.ndarray, np.ndarray],
    entities: list[tuple[str, str]] = (),
):
    """A document of two passages with the given vectors (and mentions in the first)."""
    first = document(doc_id, texts[0], entities)
    second = Passage(
        f"{doc_id}#1", doc_id, 1, len(texts[0]) + 1, len(texts[0]) + 1 + len(texts[1]), texts[1]
    )
    text = texts[0] + "\n" + texts[1]
    doc = first.document.__class__(doc_id, text, f"/src/{doc_id}", first.document.content_hash)
    return first.__class__(
        doc, [first.passages[0], second], np.stack(vectors), first.mentions, first.evidence
    )


@pytest.fixture
def store(tmp_path: Path):
    rng = np.random.default_rng(7)
    topics = [v / np.linalg.norm(v) for v in rng.normal(size=(4, DIM))]
    docs = [
        # a and b: the same two topics (b a paraphrase of a); c: two other topics; d: a's copy
        two_passages(
            "a.txt",
            ("Ada met Babbage in London.", "The engine computed tables."),
            (near(topics[0], 0.05, 1), near(topics[1], 0.05, 2)),
            [("Ada", "PERSON"), ("London", "GPE")],
        ),
        two_passages(
            "b.txt",
            ("Babbage was visited by Ada.", "Tables came from the engine."),
            (near(topics[0], 0.1, 3), near(topics[1], 0.1, 4)),
            [("Ada", "PERSON")],
        ),
        two_passages(
            "c.txt",
            ("Curie studied in Paris.", "Radium glows in the dark."),
            (near(topics[2], 0.05, 5), near(topics[3], 0.05, 6)),
            [("Curie", "PERSON"), ("Paris", "GPE")],
        ),
        two_passages(
            "d.txt",
            ("Ada met Babbage in London!", "Unrelated words here."),
            (near(topics[0], 0.0001, 1), near(topics[3], 0.3, 8)),
            [("London", "GPE")],
        ),
    ]
    return tiny_store(tmp_path / "store", docs)


def derived_here(generation) -> tuple[list[str], np.ndarray]:
    """Entity context vectors computed in the test, from the resolved mentions and the dense
    index: the unit mean of the vectors of each node's passages."""
    passages: dict[str, set[int]] = {}
    for mention in generation.resolved_mentions():
        passages.setdefault(mention.node, set()).add(generation.rowids[mention.passage_id])
    ids, vectors = generation.dense.vectors()
    row = {int(i): n for n, i in enumerate(ids)}
    nodes = sorted(passages)
    means = np.stack([vectors[[row[r] for r in passages[n]]].mean(axis=0) for n in nodes])
    return nodes, means / np.linalg.norm(means, axis=1, keepdims=True)


def similarity(generation) -> Similarity:
    return Similarity(generation, PassageEmbedder("unused", "cpu", 8, "fp32"))


def test_nearest_passages_documents_and_duplicates(store) -> None:
    s = similarity(store)
    passages = s.passages("a.txt#0", 3).results
    assert [r["passage_id"] for r in passages][:2] == ["d.txt#0", "b.txt#0"]
    assert all(r["passage_id"] != "a.txt#0" for r in passages), "never itself"
    assert passages[0]["score"] >= passages[1]["score"] >= passages[2]["score"]
    assert [r["doc_id"] for r in s.documents("a.txt", 3, "mean").results][0] == "b.txt"
    assert [r["doc_id"] for r in s.documents("a.txt", 3, "max").results][0] == "d.txt"
    duplicates = s.duplicates(0.99).results
    assert [(r["a"]["passage_id"], r["b"]["passage_id"]) for r in duplicates] == [
        ("a.txt#0", "d.txt#0")
    ]
    assert s.duplicates(0.9).results[0]["score"] >= 0.99


def test_duplicates_at_any_threshold_are_bounded_by_neighbours_and_paged(tmp_path: Path) -> None:
    """60 one-passage documents, all near one direction: at threshold 0.05 every pair of the
    1,770 qualifies, but only each passage's k nearest are looked at, and a page is a page."""
    base = np.ones(DIM, dtype=np.float32) / np.sqrt(DIM)
    docs = []
    for i in range(60):
        doc = document(f"d{i:02d}.txt", f"Passage number {i} about the same thing.", [])
        docs.append(
            doc.__class__(
                doc.document, doc.passages, near(base, 0.3, i)[None, :], doc.mentions, doc.evidence
            )
        )
    s = similarity(tiny_store(tmp_path / "s", docs))
    first = s.duplicates(0.05, neighbours=3, limit=25).to_json()
    assert 60 * 3 / 2 <= first["pairs"] <= 60 * 3, "each passage's 3 nearest, each pair once"
    assert len(first["results"]) == 25 and first["offset"] == 0 and first["limit"] == 25
    second = s.duplicates(0.05, neighbours=3, limit=25, offset=25).to_json()
    everything = s.duplicates(0.05, neighbours=3, limit=10_000).to_json()["results"]
    assert first["results"] + second["results"] == everything[:50]
    scores = [r["score"] for r in everything]
    assert scores == sorted(scores, reverse=True) and len(everything) == first["pairs"]
    assert {r["a"]["doc_id"] != r["b"]["doc_id"] for r in everything} == {True}
    with pytest.raises(InputError, match="--limit"):
        s.duplicates(0.5, limit=0)


def test_entities_are_alike_by_their_contexts_and_by_the_graph(store) -> None:
    s = similarity(store)
    alike = s.entities("Ada", 5).results
    assert alike[0]["id"] == "london:GPE"
    assert {r["id"] for r in alike} == {"london:GPE", "curie:PERSON", "paris:GPE"}
    blended = s.entities("Curie", 5, graph_weight=0.5)
    assert blended.to_json()["graph_weight"] == 0.5
    assert blended.results[0]["id"] == "paris:GPE"


def test_unknown_items_and_bad_options_say_what_to_give(store) -> None:
    s = similarity(store)
    with pytest.raises(UnknownItem, match="DOC#N"):
        s.passages("nope#0", 3)
    with pytest.raises(UnknownItem, match="no document"):
        s.documents("nope.txt", 3)
    with pytest.raises(InputError, match="valid: mean, max"):
        s.documents("a.txt", 3, "median")
    with pytest.raises(InputError, match="0.95"):
        s.duplicates(1.5)


def test_similar_from_the_cli_and_the_api(tiny_settings, tmp_path: Path, monkeypatch) -> None:
    from kgqa.flows.cli import app
    from kgqa.qa.ingest import pipeline
    from kgqa.qa.serve.api import create_app
    from kgqa.qa.serve.service import QAService
    from tests.unit.tiny import write_corpus

    corpus = write_corpus(tmp_path / "docs")
    (corpus / "copy.txt").write_text((corpus / "curie.txt").read_text())
    pipeline.run([corpus], tiny_settings)
    for name in ("store", "spacy_model", "embedder"):
        monkeypatch.setenv(f"KGQA_{name.upper()}", str(getattr(tiny_settings, name)))
    result = CliRunner().invoke(app, ["similar", "--passage", "curie.txt#0", "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["kind"] == "passage" and record["results"][0]["doc_id"] == "copy.txt"
    assert record["results"][0]["score"] == pytest.approx(1.0, abs=1e-4)
    text = CliRunner().invoke(
        app, ["similar", "--text", (corpus / "pierre.txt").read_text(), "--json"]
    )
    assert json.loads(text.stdout)["results"][0]["doc_id"] == "pierre.txt"
    dupes = CliRunner().invoke(app, ["similar", "--duplicates"])
    assert dupes.exit_code == 0 and "copy.txt#0" in dupes.stdout
    both = CliRunner().invoke(app, ["similar", "--doc", "curie.txt", "--text", "x"])
    assert both.exit_code == 2 and "exactly one of" in both.stderr

    http = TestClient(
        create_app(tiny_settings, QAService(tiny_settings)), base_url="http://localhost"
    )
    got = http.get("/similar", params={"doc": "curie.txt", "k": 1})
    assert got.status_code == 200 and got.json()["results"][0]["doc_id"] == "copy.txt"
    assert http.get("/similar", params={"passage": "nope#0"}).status_code == 404
    assert http.get("/similar").status_code == 422
    pairs = http.get("/similar/duplicates", params={"threshold": 0.99}).json()["results"]
    assert {pairs[0]["a"]["doc_id"], pairs[0]["b"]["doc_id"]} == {"curie.txt", "copy.txt"}


def test_entity_vectors_are_stored_with_the_generation_and_match_its_passages(store) -> None:
    stored = store.entity_vectors()
    assert stored is not None and "entity_vectors.npy" in store.manifest.files
    nodes, matrix = stored[0]["nodes"], stored[1]
    derived_nodes, derived = derived_here(store)
    assert nodes == derived_nodes and set(nodes) <= set(store.graph)
    assert np.allclose(matrix, derived, atol=1e-5)


def test_a_commit_computes_only_the_entity_vectors_whose_passages_changed(store, tmp_path) -> None:
    from kgqa.qa.store import Store

    before_index, before = store.entity_vectors()
    assert before_index["computed"] == len(before_index["nodes"]), "a new store computes all"
    writer = Store(store.path.parent)
    extra = document(
        "e.txt", "Curie wrote to Ada.", [("Curie", "PERSON"), ("Ada", "PERSON")], seed=11
    )
    with writer.writer_lock():
        writer.commit(
            [],
            [extra],
            models={"embedder": "test-embedder", "embedding_dimension": DIM},
            settings={},
            keep=3,
        )
    after_index, after = writer.open().entity_vectors()
    assert after_index["computed"] == 2, "only Ada and Curie gained a passage"
    kept = [n for n in after_index["nodes"] if n not in ("ada:PERSON", "curie:PERSON")]
    for node in kept:
        assert np.array_equal(
            after[after_index["nodes"].index(node)], before[before_index["nodes"].index(node)]
        )
    fresh_nodes, fresh = derived_here(writer.open())
    assert fresh_nodes == after_index["nodes"] and np.allclose(after, fresh, atol=1e-5)
