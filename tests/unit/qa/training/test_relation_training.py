"""``kgqa train relations`` end to end on a tiny encoder: the classifier learns the labelled
pairs through the shared training loop and loads back as the relation classifier."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

SENTENCES = [
    ("Ada works for Acme .", [("Ada", "Peop"), ("Acme", "Org")], "Work_For"),
    ("Bob works for Initech .", [("Bob", "Peop"), ("Initech", "Org")], "Work_For"),
    ("Cy lives in Paris .", [("Cy", "Peop"), ("Paris", "Loc")], "Live_In"),
    ("Dee lives in Rome .", [("Dee", "Peop"), ("Rome", "Loc")], "Live_In"),
    ("Eve met Globex .", [("Eve", "Peop"), ("Globex", "Org")], None),
    ("Fay visited Oslo .", [("Fay", "Peop"), ("Oslo", "Loc")], None),
]


def write_jsonl(path: Path) -> Path:
    lines = []
    for text, ents, label in SENTENCES:
        entities = [{"start": text.index(w), "end": text.index(w) + len(w), "label": t}
                    for w, t in ents]
        relations = [] if label is None else [{"head": 0, "tail": 1, "label": label}]
        lines.append(json.dumps({"text": text, "entities": entities, "relations": relations}))
    path.write_text("\n".join(lines) + "\n")
    return path


def tiny_encoder(folder: Path) -> Path:
    from tests.conftest import build_word_model

    texts = [text for text, _, _ in SENTENCES] + ["person organization location"]
    return build_word_model(folder, texts, hidden=32, question_answering=False)


def test_a_tiny_relation_classifier_learns_its_labelled_pairs(tmp_path: Path) -> None:
    from kgqa.flows.cli import app
    from kgqa.kg.relations import RelationClassifier

    data = write_jsonl(tmp_path / "train.jsonl")
    out = tmp_path / "relations"
    result = CliRunner().invoke(app, [
        "train", "relations", "--data", str(data), "--out", str(out),
        "--base-model", str(tiny_encoder(tmp_path / "base")), "--epochs", "60",
        "--ner-epochs", "0", "--learning-rate", "3e-3", "--batch-size", "4", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "step 100/" in result.output, "the shared loop reports its progress"
    schema = json.loads((out / "schema.json").read_text())
    assert schema["labels"] == ["none", "Live_In", "Work_For"]
    assert (out / "classifier" / "model.safetensors").is_file()
    assert "kgqa train relations" in (out / "README.md").read_text()

    classifier = RelationClassifier(out, "cpu", "fp32")
    found = classifier.predict_many([
        (text, [(text.index(w), text.index(w) + len(w), t) for w, t in ents])
        for text, ents, _ in SENTENCES])
    assert [[label for _, _, label, _ in f] for f in found] == [
        ["Work_For"], ["Work_For"], ["Live_In"], ["Live_In"], [], []]

    missing = CliRunner().invoke(app, ["train", "relations", "--data", str(tmp_path / "no.jsonl")])
    assert missing.exit_code != 0 and "no.jsonl: no such file (--data)" in missing.output
