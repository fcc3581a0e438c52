"""``kgqa train relations-soup``: the weights of joint models fine-tuned from one start,
averaged into one model that loads and predicts like any other."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.unit.qa.training.test_relation_training import tiny_encoder, write_jsonl


def test_a_soup_is_the_mean_of_its_models_and_loads_as_a_relation_model(tmp_path: Path) -> None:
    from safetensors.torch import load_file

    from kgqa.flows.cli import app
    from kgqa.kg.joint import JointModel

    data = write_jsonl(tmp_path / "train.jsonl")
    out = tmp_path / "relations"
    trained = CliRunner().invoke(
        app,
        ["train", "relations", "--data", str(data), "--dev", str(data), "--out", str(out),
         "--base-model", str(tiny_encoder(tmp_path / "base")), "--epochs", "30",
         "--learning-rate", "3e-3", "--batch-size", "2", "--seed", "1", "--keep-epochs"],
    )  # fmt: skip
    assert trained.exit_code == 0, trained.output
    ingredients = [out / "epoch-29", out / "epoch-30"]
    soup = tmp_path / "soup"
    result = CliRunner().invoke(
        app,
        ["train", "relations-soup", *map(str, ingredients), "--out", str(soup), "--dev", str(data)],
    )
    assert result.exit_code == 0, result.output
    assert "averaged 2 models" in result.output and "dev relations P" in result.output

    a, b = (load_file(str(f / "model.safetensors")) for f in ingredients)
    mean = load_file(str(soup / "model.safetensors"))
    changed = [k for k in a if a[k].is_floating_point() and not a[k].equal(b[k])]
    assert changed, "the two epochs' weights differ"
    for k in changed:
        expected = (a[k].float() + b[k].float()) / 2
        assert (mean[k].float() - expected).abs().max() < 1e-2 * (1 + expected.abs().max())
    metrics = json.loads((soup / "metrics.json").read_text())
    assert metrics["ingredients"] == [str(f) for f in ingredients]
    chosen = metrics["threshold"]["chosen"]
    assert json.loads((soup / "schema.json").read_text())["relation_threshold"] == chosen

    model = JointModel(soup, "cpu", "fp32")
    words = model.words_of("Ada works for Acme .")
    found = model.predict([words])[0]
    assert [(words.words()[i], kind) for i, _, kind, _ in found.entities] == [
        ("Ada", "Peop"),
        ("Acme", "Org"),
    ]
    assert model.relation_threshold == chosen


def test_a_soup_names_the_folder_it_cannot_use(tmp_path: Path) -> None:
    from kgqa.flows.cli import app

    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(
        app,
        ["train", "relations-soup", str(tmp_path / "empty"), str(tmp_path / "empty"),
         "--out", str(tmp_path / "soup")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "empty: no joint model there" in result.output
    one = CliRunner().invoke(
        app, ["train", "relations-soup", str(tmp_path / "empty"), "--out", str(tmp_path / "s")]
    )
    assert one.exit_code != 0 and "two or more" in one.output
