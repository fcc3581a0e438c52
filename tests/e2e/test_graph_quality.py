"""The graph of our own small corpus (tests/data/graph_corpus: company pages, biographies,
news; all names invented) against its gold triples, through `kgqa eval graph`: triple
precision and recall, node purity, no name split across types, and the hard cases (one surname
for two people, a pronoun after two names, a product named after a person)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from kgqa.qa.ingest import pipeline
from kgqa.qa.settings import Settings
from tests.conftest import REPO

CORPUS = REPO / "tests" / "data" / "graph_corpus"
# the targets; the shipped model measured 0.901 precision and 0.763 recall here
# (2026-12-04, data/relations/README.md)
PRECISION, RECALL = 0.85, 0.65


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("graph_corpus") / "store"
    report = pipeline.run([str(CORPUS / "docs")], Settings(store=store))
    assert report.committed and report.counts["documents"] == 20
    return store


@pytest.mark.slow
def test_the_corpus_graph_meets_its_gold(corpus_store: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "graph",
            "--gold",
            str(CORPUS / "gold.json"),
            "--store",
            str(corpus_store),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    m = json.loads(result.stdout)
    t, n = m["triples"], m["nodes"]
    print(
        f"triples P {t['precision']} ({t['right']}/{t['predicted']}) R {t['recall']} "
        f"({t['found']}/{t['gold']}); purity {n['purity']} ({n['pure']}/{n['matching']})"
    )
    assert t["gold"] == 80
    assert t["precision"] >= PRECISION and t["recall"] >= RECALL
    assert n["purity"] >= 0.95
    assert n["split_by_type"] == {}, "one name, one node: types are merged with a recorded rule"


@pytest.mark.slow
def test_a_pronoun_after_two_people_gives_no_evidence(corpus_store: Path) -> None:
    # "Jakob Lund is the father of Maren Lund. He is married to Sigrid Lund.": two people (one
    # surname) before "He", so the sentence is evidence for nobody's marriage
    out = json.loads(
        CliRunner()
        .invoke(app, ["entity", "Sigrid Lund", "--store", str(corpus_store), "--json"])
        .stdout
    )
    assert not [e for e in out["edges"] if e["label"] == "Spouse"]


@pytest.mark.slow
def test_entity_lists_every_node_a_name_matches(corpus_store: Path) -> None:
    # "North" alone (the title "Two engineers named North", "North told reporters ..." after
    # Anna North and David North) matches more than one node: every one is listed, with its
    # type and mention count, the best first
    result = CliRunner().invoke(app, ["entity", "North", "--store", str(corpus_store)])
    assert result.exit_code == 0, result.output
    assert "'North' matches" in result.output and "showing the first" in result.output
    out = json.loads(
        CliRunner().invoke(app, ["entity", "North", "--store", str(corpus_store), "--json"]).stdout
    )
    assert len(out["matches"]) >= 2 and out["matches"][0]["id"] == out["id"]
    assert all(m["type"] and m["mention_count"] >= 1 for m in out["matches"])
    assert any(m["name"] == "David North" and m["type"] == "PERSON" for m in out["matches"])
