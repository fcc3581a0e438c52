"""Supervised relations without a model: the data layouts, the schema, strict scoring, and
the message for a missing model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from kgqa.kg.joint import DEFAULT_SCHEMA, Prediction, Schema, Words
from kgqa.kg.relations import CONLL04_LABELS, Sentence, evaluate_relations, load_conll04, load_jsonl
from kgqa.kg.types import KGError


class FixedModel:
    """Stands in for the joint model: gives fixed predictions on given words."""

    schema = DEFAULT_SCHEMA

    def __init__(self, output: list[Prediction]) -> None:
        self.output = output

    def predict(self, words: list[Words]) -> list[Prediction]:
        return self.output


def test_conll04_bilou_tags_become_character_spans(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text(
        json.dumps(
            [
                {
                    "tokens": [
                        "John",
                        "Smith",
                        "works",
                        "for",
                        "Acme",
                        "Corp",
                        "in",
                        "Boston",
                        ".",
                    ],
                    "tags": ["B-Peop", "L-Peop", "O", "O", "B-Org", "L-Org", "O", "U-Loc", "O"],
                    "relations": [
                        {"head": 0, "tail": 1, "type": "Work_For"},
                        {"head": 1, "tail": 2, "type": "OrgBased_In"},
                    ],
                }
            ]
        )
    )
    (s,) = load_conll04(f)
    assert s.text == "John Smith works for Acme Corp in Boston ."
    assert [s.text[a:b] for a, b, _ in s.entities] == ["John Smith", "Acme Corp", "Boston"]
    assert s.relations == [(0, 1, "Work_For"), (1, 2, "OrgBased_In")]


def test_jsonl_layout_checks_offsets(tmp_path: Path) -> None:
    f = tmp_path / "r.jsonl"
    f.write_text(
        json.dumps(
            {
                "text": "Ada met Babbage.",
                "entities": [
                    {"start": 0, "end": 3, "label": "Peop"},
                    {"start": 8, "end": 15, "label": "Peop"},
                ],
                "relations": [],
            }
        )
        + "\n"
        + json.dumps({"text": "x", "entities": [{"start": 0, "end": 9, "label": "Peop"}]})
        + "\n"
    )
    with pytest.raises(KGError, match=r"r.jsonl:2: entity span 0-9 is outside"):
        load_jsonl(f)


def test_schema_types_implications_and_symmetry() -> None:
    schema = Schema.from_json(json.loads(json.dumps(DEFAULT_SCHEMA.to_json())))
    assert schema.relation_names == DEFAULT_SCHEMA.relation_names
    assert schema.allows("Founded_By", "Org", "Peop") and not schema.allows(
        "Founded_By", "Peop", "Org"
    )
    assert not schema.joinable("Other", "Peop"), "dates join no relation"
    assert schema.with_implied({"Born_In"}) == {"Born_In", "Live_In"}
    assert schema.most_specific({"Leader_Of", "Work_For"}) == {"Leader_Of"}
    assert schema.relation("Spouse").symmetric
    assert set(CONLL04_LABELS) <= set(schema.relation_names)


def test_strict_scoring_needs_exact_spans_and_type_and_speaks_conll04() -> None:
    s = Sentence(
        "John Smith , born in Boston , works for Acme Corp .",
        [(0, 10, "Peop"), (21, 27, "Loc"), (40, 49, "Org")],
        [(0, 1, "Live_In"), (0, 2, "Work_For")],
        words=[
            (0, 4),
            (5, 10),
            (11, 12),
            (13, 17),
            (18, 20),
            (21, 27),
            (28, 29),
            (30, 35),
            (36, 39),
            (40, 44),
            (45, 49),
            (50, 51),
        ],
    )
    # John Smith, Boston, "Acme" one word short of "Acme Corp"
    pred = [
        Prediction(
            [(0, 2, "Peop", 0.9), (5, 6, "Loc", 0.9), (9, 10, "Org", 0.9)],
            [(0, 1, "Born_In", 0.8), (0, 2, "Work_For", 0.8)],
        )
    ]
    m = evaluate_relations(FixedModel(pred), [s], conll04=True)  # type: ignore[arg-type]
    assert m["relations"]["precision"] == 50.0, "Born_In counts as Live_In; the short tail is wrong"
    assert m["entities"]["precision"] == m["entities"]["recall"] == pytest.approx(66.67)
    plain = evaluate_relations(FixedModel(pred), [s])  # type: ignore[arg-type]
    assert plain["relations"]["precision"] == 0.0, "without CoNLL04 terms Born_In is not Live_In"


def test_missing_relation_model_names_the_setting(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2
    lines = tmp_path / "x.jsonl"
    lines.write_text(json.dumps({"id": 1, "text": "Hello ."}) + "\n")
    result = CliRunner().invoke(
        app, ["extract", str(lines), "--relation-model", str(tmp_path / "none")]
    )
    assert result.exit_code == 2 and "KGQA_RELATION_MODEL" in result.stderr


def test_name_swapped_variants_keep_types_offsets_and_repeated_names() -> None:
    import random

    from kgqa.qa.training.name_swap import swap_names

    text = "Halvor Lund founded Lundgrain in Bergen in 1990; Lund still runs Lundgrain."
    names = ["Halvor Lund", "Lundgrain", "Bergen", "1990", "Lund", "Lundgrain"]
    labels = ["Peop", "Org", "Loc", "Other", "Peop", "Org"]
    ents, pos = [], 0
    for name, label in zip(names, labels):
        start = text.index(name, pos)
        ents.append({"start": start, "end": start + len(name), "label": label})
        pos = start + len(name)
    seen = set()
    for seed in range(20):
        new, moved = swap_names(text, ents, random.Random(seed))
        got = [new[e["start"] : e["end"]] for e in moved]
        assert [e["label"] for e in moved] == labels
        assert got[1] == got[5], "a name said twice gets one replacement"
        assert len(got[4].split()) == 1, "a surname alone stays one word"
        assert got[3].isdigit() and 1900 <= int(got[3]) <= 2023
        assert new.endswith(" still runs " + got[5] + ".")
        seen.add(got[0])
    assert len(seen) > 10, "the names vary from variant to variant"
    text = "Its chief executive is Hanna Berg."
    ents = [{"start": 0, "end": 3, "label": "Org"}, {"start": 23, "end": 33, "label": "Peop"}]
    new, moved = swap_names(text, ents, random.Random(1))
    assert new.startswith("Its chief executive is ") and moved[0] == ents[0], "a pronoun stays"
