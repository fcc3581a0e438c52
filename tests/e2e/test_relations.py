"""Supervised relations: data layouts, markers, strict scoring, training, and the shipped model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from kgqa.kg.relations import (
    CONLL04_SIGNATURES,
    Sentence,
    candidate_pairs,
    evaluate_relations,
    load_conll04,
    load_jsonl,
    marked_text,
    pair_examples,
)
from kgqa.kg.types import KGError
from tests.conftest import REPO, SHARED

CONLL04_DEV = SHARED / "data" / "conll04_dev.json"
SHIPPED = REPO / "data" / "relations"


def test_conll04_bilou_tags_become_character_spans(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text(json.dumps([{
        "tokens": ["John", "Smith", "works", "for", "Acme", "Corp", "in", "Boston", "."],
        "tags": ["B-Peop", "L-Peop", "O", "O", "B-Org", "L-Org", "O", "U-Loc", "O"],
        "relations": [{"head": 0, "tail": 1, "type": "Work_For"},
                      {"head": 1, "tail": 2, "type": "OrgBased_In"}]}]))
    (s,) = load_conll04(f)
    assert s.text == "John Smith works for Acme Corp in Boston ."
    assert [s.text[a:b] for a, b, _ in s.entities] == ["John Smith", "Acme Corp", "Boston"]
    assert s.relations == [(0, 1, "Work_For"), (1, 2, "OrgBased_In")]


def test_jsonl_layout_checks_offsets(tmp_path: Path) -> None:
    f = tmp_path / "r.jsonl"
    f.write_text(json.dumps({"text": "Ada met Babbage.", "entities": [
        {"start": 0, "end": 3, "label": "Peop"}, {"start": 8, "end": 15, "label": "Peop"}],
        "relations": []}) + "\n" + json.dumps({"text": "x", "entities": [
            {"start": 0, "end": 9, "label": "Peop"}]}) + "\n")
    with pytest.raises(KGError, match=r"r.jsonl:2: entity span 0-9 is outside"):
        load_jsonl(f)


def test_markers_and_type_constraints() -> None:
    s = Sentence("John Smith works for Acme Corp .", [(0, 10, "Peop"), (21, 30, "Org")],
                 [(0, 1, "Work_For")])
    assert marked_text(s.text, s.entities[0], s.entities[1]) == \
        "@ person : John Smith @ works for # organization : Acme Corp # ."
    assert candidate_pairs(s.entities, CONLL04_SIGNATURES) == [(0, 1)]  # Org -> Peop joins nothing
    assert pair_examples([s], CONLL04_SIGNATURES) == [
        ("@ person : John Smith @ works for # organization : Acme Corp # .", "Work_For")]


def test_a_pair_can_be_read_with_a_window_of_its_sentence() -> None:
    text = ("In 1990 the small town of Springfield in Illinois was home to Homer Simpson, who "
            "worked for the Springfield Nuclear Plant owned by Mr Burns.")
    head = (text.index("Homer"), text.index("Homer") + len("Homer Simpson"), "Peop")
    tail_at = text.index("Springfield Nuclear")
    tail = (tail_at, tail_at + len("Springfield Nuclear Plant"), "Org")
    pair = ("@ person : Homer Simpson @, who worked for the # organization : Springfield "
            "Nuclear Plant #")
    # whole words around the pair, never a word cut in half, both entities always whole
    assert marked_text(text, head, tail, 20) == f"Illinois was home to {pair} owned by Mr Burns."
    assert marked_text(text, head, tail, 0) == pair
    assert marked_text(text, head, tail) == marked_text(text, head, tail, 1000) == \
        f"In 1990 the small town of Springfield in Illinois was home to {pair} owned by Mr Burns."


class FixedExtractor:
    def __init__(self, output: list[dict]) -> None:
        self.output = output

    def __call__(self, texts: list[str]) -> list[dict]:
        return self.output


def test_strict_scoring_needs_exact_spans_and_type() -> None:
    s = Sentence("John Smith works for Acme Corp .", [(0, 10, "Peop"), (21, 30, "Org")],
                 [(0, 1, "Work_For")])
    pred = [{"entities": [{"start": 0, "end": 10, "label": "Peop"},
                          {"start": 21, "end": 25, "label": "Org"}],
             "relations": [{"head": {"start": 0, "end": 10}, "tail": {"start": 21, "end": 25},
                            "label": "Work_For"}]}]
    m = evaluate_relations(FixedExtractor(pred), [s])  # type: ignore[arg-type]
    assert m["relations"]["f1"] == 0.0, "a tail span one token short is wrong"
    assert m["entities"]["precision"] == 50.0 and m["entities"]["recall"] == 50.0


@pytest.mark.slow
@pytest.mark.skipif(not CONLL04_DEV.is_file(), reason="needs ../shared/data/conll04_dev.json")
def test_shipped_model_on_a_slice_of_conll04_dev() -> None:
    result = CliRunner().invoke(app, ["eval", "relations", "--conll04", str(CONLL04_DEV),
                                      "--limit", "60", "--json"])
    assert result.exit_code == 0, result.stderr
    m = json.loads(result.stdout)
    assert m["sentences"] == 60
    assert m["relations"]["f1"] >= 40 and m["entities"]["f1"] >= 60


@pytest.mark.slow
def test_extract_gives_offsets_into_each_text(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    texts = ["John Smith , a spokesman for Acme Corp in Boston , said nothing .",
             "Nothing here ."]
    lines.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)))
    result = CliRunner().invoke(app, ["extract", str(lines)])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(x) for x in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["0", "1"]
    first = records[0]
    for e in first["entities"]:
        assert texts[0][e["start"]:e["end"]] == e["text"]
    spans = {(e["start"], e["end"]) for e in first["entities"]}
    for r in first["relations"]:
        assert (r["head"]["start"], r["head"]["end"]) in spans
        assert (r["tail"]["start"], r["tail"]["end"]) in spans
        assert r["label"] in CONLL04_SIGNATURES and 0 < r["score"] <= 1


def test_missing_relation_model_names_the_setting(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2
    lines = tmp_path / "x.jsonl"
    lines.write_text(json.dumps({"id": 1, "text": "Hello ."}) + "\n")
    result = CliRunner().invoke(app, ["extract", str(lines), "--relation-model",
                                      str(tmp_path / "none")])
    assert result.exit_code == 2 and "KGQA_RELATION_MODEL" in result.stderr
