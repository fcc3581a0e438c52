"""The plain encoder gives sentence-transformers' vectors without importing it."""

from __future__ import annotations

import json
from pathlib import Path

from kgqa.qa.retrieval.plain_encoder import plain_layout
from tests.unit.vectors import assert_same_vectors


def test_the_plain_encoder_gives_sentence_transformers_vectors(tiny_embedder: Path) -> None:
    """The version-6 layout of the test model; texts longer than the model's limit included.
    (tests/e2e/test_plain_encoder.py checks the default model's older layout.)"""
    assert_same_vectors(tiny_embedder)


def test_other_layouts_are_left_to_sentence_transformers(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    (folder / "1_Pooling").mkdir(parents=True)
    modules = [
        {"path": "", "type": "sentence_transformers.models.Transformer"},
        {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    ]
    (folder / "modules.json").write_text(json.dumps(modules))
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode": "max"}))
    assert plain_layout(folder) is None  # max pooling
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode": "mean"}))
    assert plain_layout(folder) is not None
    (folder / "config_sentence_transformers.json").write_text(
        json.dumps({"prompts": {"query": "query: "}, "default_prompt_name": None})
    )
    assert plain_layout(folder) is None  # prompts
    (folder / "config_sentence_transformers.json").unlink()
    dense = modules + [{"path": "2_Dense", "type": "sentence_transformers.models.Dense"}]
    (folder / "modules.json").write_text(json.dumps(dense))
    assert plain_layout(folder) is None  # a dense layer
    assert plain_layout(tmp_path / "nothing-here") is None
