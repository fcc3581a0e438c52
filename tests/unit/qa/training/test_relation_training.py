"""``kgqa train relations`` end to end on a tiny encoder: the joint model learns the labelled
entities and pairs through the shared training loop and loads back as the relation model."""

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
        entities = [
            {"start": text.index(w), "end": text.index(w) + len(w), "label": t} for w, t in ents
        ]
        relations = [] if label is None else [{"head": 0, "tail": 1, "label": label}]
        lines.append(json.dumps({"text": text, "entities": entities, "relations": relations}))
    path.write_text("\n".join(lines) + "\n")
    return path


def tiny_encoder(folder: Path) -> Path:
    from tests.conftest import build_word_model

    texts = [text for text, _, _ in SENTENCES] + ["person organization location"]
    return build_word_model(folder, texts, hidden=32, question_answering=False)


def test_a_tiny_joint_model_learns_its_labelled_entities_and_pairs(tmp_path: Path) -> None:
    from kgqa.flows.cli import app
    from kgqa.kg.joint import JointModel

    data = write_jsonl(tmp_path / "train.jsonl")
    out = tmp_path / "relations"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "relations",
            "--data",
            str(data),
            "--dev",
            str(data),
            "--out",
            str(out),
            "--base-model",
            str(tiny_encoder(tmp_path / "base")),
            "--epochs",
            "40",
            "--learning-rate",
            "3e-3",
            "--batch-size",
            "2",
            "--seed",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "step 50/" in result.output, "the shared loop reports its progress"
    assert "epoch 40: dev relations F1" in result.output
    assert (out / "model.safetensors").is_file() and not (out / "checkpoint").exists()
    card = (out / "README.md").read_text()
    assert "kgqa train relations" in card and "| 40 |" in card

    model = JointModel(out, "cpu", "fp32")
    found = model.predict([model.words_of(text) for text, _, _ in SENTENCES])
    words = [model.words_of(text).words() for text, _, _ in SENTENCES]
    got = [[(" ".join(w[i:j]), kind) for i, j, kind, _ in f.entities] for w, f in zip(words, found)]
    assert got[:4] == [ents for _, ents, _ in SENTENCES[:4]], "the related pairs' entities"
    assert sum(e in g for (_, ents, _), g in zip(SENTENCES, got) for e in ents) >= 11
    assert all(e in [x for _, ents, _ in SENTENCES for x in ents] for g in got for e in g)
    assert [[label for _, _, label, _ in f.relations] for f in found] == [
        ["Work_For"],
        ["Work_For"],
        ["Live_In"],
        ["Live_In"],
        [],
        [],
    ]

    missing = CliRunner().invoke(app, ["train", "relations", "--data", str(tmp_path / "no.jsonl")])
    assert missing.exit_code != 0 and "no.jsonl: no such file (--data)" in missing.output


def test_an_encoder_saved_in_half_precision_trains_in_full_precision(tmp_path: Path) -> None:
    """Shipped checkpoints are fp16 (half the size); loaded as they are, training on the CPU
    diverged at once (loss nan, nothing learnt)."""
    import math

    import torch
    from transformers import AutoModel

    from kgqa.flows.cli import app

    base = tiny_encoder(tmp_path / "base")
    AutoModel.from_pretrained(base).to(torch.float16).save_pretrained(base)
    data = write_jsonl(tmp_path / "train.jsonl")
    out = tmp_path / "relations"
    result = CliRunner().invoke(
        app,
        ["train", "relations", "--data", str(data), "--dev", str(data), "--out", str(out),
         "--base-model", str(base), "--epochs", "3", "--learning-rate", "3e-3",
         "--batch-size", "2", "--seed", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    losses = [row["loss"] for row in json.loads((out / "metrics.json").read_text())["history"]]
    assert len(losses) == 3 and all(math.isfinite(x) for x in losses), losses
    assert losses[-1] < losses[0]
