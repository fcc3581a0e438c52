"""Supervised relations: data layouts, the schema, strict scoring, and the shipped joint model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from kgqa.kg.joint import DEFAULT_SCHEMA
from tests.conftest import REPO, SHARED

CONLL04_DEV = SHARED / "data" / "conll04_dev.json"
SHIPPED = REPO / "data" / "relations"


@pytest.mark.slow
@pytest.mark.skipif(not CONLL04_DEV.is_file(), reason="needs ../shared/data/conll04_dev.json")
def test_shipped_model_on_a_slice_of_conll04_dev() -> None:
    result = CliRunner().invoke(
        app, ["eval", "relations", "--conll04", str(CONLL04_DEV), "--limit", "60", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    m = json.loads(result.stdout)
    assert m["sentences"] == 60
    assert m["relations"]["f1"] >= 50 and m["entities"]["f1"] >= 75


@pytest.mark.slow
def test_extract_gives_offsets_into_each_text(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    texts = ["John Smith , a spokesman for Acme Corp in Boston , said nothing .", "Nothing here ."]
    lines.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    result = CliRunner().invoke(app, ["extract", str(lines)])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["0", "1"]
    first = records[0]
    for e in first["entities"]:
        assert texts[0][e["start"] : e["end"]] == e["text"]
    spans = {(e["start"], e["end"]) for e in first["entities"]}
    for r in first["relations"]:
        assert (r["head"]["start"], r["head"]["end"]) in spans
        assert (r["tail"]["start"], r["tail"]["end"]) in spans
        assert r["label"] in DEFAULT_SCHEMA.relation_names and 0 < r["score"] <= 1
    assert {(e["text"], e["label"]) for e in first["entities"]} >= {
        ("John Smith", "Peop"),
        ("Acme Corp", "Org"),
        ("Boston", "Loc"),
    }


def _conll04_item(tokens: list[str], entities: list[tuple[int, int, str]]) -> dict[str, object]:
    tags = ["O"] * len(tokens)
    for start, end, label in entities:
        if end - start == 1:
            tags[start] = f"U-{label}"
        else:
            tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 2) + [f"L-{label}"]
    return {"tokens": tokens, "tags": tags, "relations": []}


@pytest.mark.slow
def test_names_at_a_glued_full_stop_or_between_lowercase_words_are_found(tmp_path: Path) -> None:
    # CoNLL04 writes a sentence's full stop glued to its last word; a title before a name is
    # no part of it, nor is a common noun after a place. Sentences written for this test.
    sentences = [
        (["The", "aid", "flights", "to", "the", "north", "were", "halted", "by", "Ethiopia."],
         [(9, 10, "Loc")]),
        (["Reporters", "waited", "for", "first", "lady", "Imelda", "Marcos", "at", "the",
          "airport", "."], [(5, 7, "Peop")]),
        (["The", "mayor", "of", "Lyon", "met", "Nadia", "Ferrand", "in", "Marseille."],
         [(3, 4, "Loc"), (5, 7, "Peop"), (8, 9, "Loc")]),
        (["Troops", "held", "the", "Gallipoli", "peninsula", "for", "four", "months", "."],
         [(3, 4, "Loc"), (6, 8, "Other")]),
        (["Fires", "burned", "in", "the", "Sierra", "Nevada", "foothills", "all", "week", "."],
         [(4, 6, "Loc")]),
    ]  # fmt: skip
    data = tmp_path / "written.json"
    data.write_text(json.dumps([_conll04_item(t, e) for t, e in sentences]))
    result = CliRunner().invoke(app, ["eval", "relations", "--conll04", str(data), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["entities"]["recall"] == 100.0
