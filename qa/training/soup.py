"""A weight average ("model soup", Wortsman et al. 2022) of joint relation models fine-tuned
from one start: ``kgqa train relations-soup``. Fine-tunes of the same weights stay in one basin
of the loss, so the element-wise mean of their weights is a model of its own, often better than
each of them and less dependent on which epoch a dev split happened to favour. Every model is
weighed the same (a uniform soup): nothing is chosen per ingredient."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kgqa.kg.joint import JointModel
from kgqa.kg.relations import evaluate_relations, load_sentences
from kgqa.kg.types import KGError
from kgqa.qa.training.relations import choose_threshold

# what of an ingredient's folder is its own, not copied into the soup's
_OWN = {"model.safetensors", "metrics.json", "README.md"}


def soup_relation_models(
    folders: list[Path],
    out: Path,
    dev: Path | None,
    command: str,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """The mean of the weights of the joint models in ``folders`` saved in ``out`` (fp16, as
    shipped), its relation threshold chosen on ``dev`` when given, and ``metrics.json``."""
    from safetensors.torch import load_file, save_file

    if len(folders) < 2:
        raise KGError("a soup needs two or more joint model folders")
    started = time.monotonic()
    total: dict[str, Any] = {}
    relations = None
    for folder in folders:
        weights = folder / "model.safetensors"
        if not weights.is_file() or not (folder / "schema.json").is_file():
            raise KGError(
                f"{folder}: no joint model there (model.safetensors and schema.json); give "
                "folders made by kgqa train relations (OUT or OUT/epoch-N)"
            )
        state = load_file(str(weights))
        schema = json.loads((folder / "schema.json").read_text())
        if relations is None:
            relations = schema["relations"]
            total = {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
            continue
        if state.keys() != total.keys() or any(state[k].shape != total[k].shape for k in state):
            raise KGError(
                f"{folder}: its weights do not match those of {folders[0]} (names or shapes); "
                "a soup averages models of one architecture fine-tuned from one start"
            )
        if schema["relations"] != relations:
            raise KGError(f"{folder}: its schema's relations differ from those of {folders[0]}")
        for k, v in state.items():
            if v.is_floating_point():
                total[k] = total[k] + v.float()
    out.mkdir(parents=True, exist_ok=True)
    mean = {
        k: (v / len(folders)).half().contiguous() if v.is_floating_point() else v
        for k, v in total.items()
    }
    save_file(mean, str(out / "model.safetensors"))
    for f in folders[0].iterdir():  # its schema, encoder config and tokenizer files
        if f.is_file() and f.name not in _OWN and folders[0] != out:
            shutil.copy(f, out / f.name)
    progress(f"averaged {len(folders)} models into {out}")
    metrics: dict[str, Any] = {
        "command": command,
        "ingredients": [str(f) for f in folders],
        "dev_file": str(dev) if dev else None,
    }
    if dev is not None:
        sentences = load_sentences(dev)
        metrics["threshold"] = choose_threshold(out, sentences, "cpu", progress)
        model = JointModel(out, "cpu", "fp32")
        metrics["dev"] = evaluate_relations(model, sentences, conll04=True)
    metrics["seconds"] = round(time.monotonic() - started)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    return metrics
