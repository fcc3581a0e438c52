"""Training the relation model: the schema NER (spaCy) and the relation classifier (a transformer
over the sentence with typed entity markers, through the shared training loop), from labelled
sentences in either layout that ``kgqa.kg.relations.load_sentences`` reads."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgqa.kg.models import resolve_model
from kgqa.kg.relations import (
    NONE,
    SchemaExtractor,
    Sentence,
    evaluate_relations,
    load_sentences,
    pair_examples,
)
from kgqa.qa.training.loop import Optimisation, TrainingLoop, seed_everything


@dataclass(frozen=True)
class RelationTraining:
    """What ``kgqa train relations`` trains from: labelled sentences, the encoder and spaCy
    pipeline to start from, and the schedule."""

    data: Path
    dev: Path | None
    out: Path
    base_model: str
    ner_base: str
    epochs: int
    ner_epochs: int
    learning_rate: float
    batch_size: int
    seed: int
    signatures: dict[str, set[tuple[str, str]]] | None
    command: str
    device: str


def train_relation_model(config: RelationTraining, progress: Callable[[str], None] = print
                         ) -> dict[str, Any]:
    """Train the relation classifier and (with ``ner_epochs``) the schema NER into
    ``config.out``, measure them on ``config.dev``, and write ``metrics.json`` and the card."""
    train = load_sentences(config.data)
    config.out.mkdir(parents=True, exist_ok=True)
    progress(f"{len(train)} training sentences from {config.data}")
    started = time.monotonic()
    train_classifier(train, config.out, config, progress)
    if config.ner_epochs:
        train_ner(train, config.out, config.ner_base, config.ner_epochs, config.seed,
                  progress=progress)
    metrics: dict[str, Any] = {"train": str(config.data), "train_sentences": len(train),
                               "seconds": round(time.monotonic() - started, 1),
                               "command": config.command}
    if config.dev is not None and config.ner_epochs:
        metrics["dev"] = evaluate_relations(SchemaExtractor(str(config.out), config.device, "fp32"),
                                            load_sentences(config.dev))
        metrics["dev_file"] = str(config.dev)
    (config.out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    write_relations_card(config.out, metrics, config.base_model, config.ner_base)
    return metrics


def train_classifier(train: list[Sentence], out: Path, config: RelationTraining,
                     progress: Callable[[str], None]) -> None:
    """Fine-tune a sequence classifier on marked pairs; writes ``out/classifier``."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    seed_everything(config.seed)
    examples = pair_examples(train, config.signatures)
    labels = [NONE] + sorted({label for _, label in examples if label != NONE})
    index = {label: i for i, label in enumerate(labels)}
    base_model = resolve_model(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    model = AutoModelForSequenceClassification.from_pretrained(
        base_model, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=index)
    model.to(config.device)
    per_epoch = (len(examples) + config.batch_size - 1) // config.batch_size
    steps = config.epochs * per_epoch
    progress(f"{len(examples)} candidate pairs ({sum(l != NONE for _, l in examples)} related), "
             f"{steps} steps")
    loop = TrainingLoop(model, Optimisation(
        total_steps=steps, learning_rate=config.learning_rate, weight_decay=0.01,
        warmup_fraction=0.1, device=config.device, bf16=False, log_every=100), progress)
    orders: dict[int, list[int]] = {}

    def batch_at(step: int) -> list[tuple[str, str]]:
        epoch, within = divmod(step, per_epoch)
        if epoch not in orders:
            orders[epoch] = list(range(len(examples)))
            random.Random(config.seed + epoch).shuffle(orders[epoch])
        return [examples[i] for i in
                orders[epoch][within * config.batch_size : (within + 1) * config.batch_size]]

    def loss_of(chunk: list[tuple[str, str]]) -> Any:
        enc = tokenizer([t for t, _ in chunk], truncation=True, max_length=192, padding=True,
                        return_tensors="pt").to(config.device)
        target = torch.tensor([index[l] for _, l in chunk], device=config.device)
        return model(**enc, labels=target).loss

    loop.run(batch_at, loss_of)
    model.to(torch.float16).save_pretrained(out / "classifier", safe_serialization=True)
    tokenizer.save_pretrained(out / "classifier")
    (out / "schema.json").write_text(json.dumps({
        "labels": labels,
        "signatures": {k: sorted(v) for k, v in (config.signatures or {}).items()},
        "entity_labels": sorted({e[2] for s in train for e in s.entities}),
    }, indent=2))


def train_ner(train: list[Sentence], out: Path, base: str, epochs: int, seed: int,
              progress: Callable[[str], None] = print) -> None:
    """A spaCy NER for the schema's entity labels, starting from ``base``'s NER weights;
    writes ``out/ner`` (a spaCy pipeline with a sentencizer-free tokenizer and the NER)."""
    import spacy
    from spacy.training import Example
    from spacy.util import minibatch

    random.seed(seed)
    spacy.util.fix_random_seed(seed)
    source = spacy.load(base)
    nlp = spacy.blank("en")
    nlp.add_pipe("ner", source=source)
    ner: Any = nlp.get_pipe("ner")
    labels = sorted({e[2] for s in train for e in s.entities})
    for label in labels:
        ner.add_label(label)
    examples = []
    for s in train:
        doc = nlp.make_doc(s.text)
        spans = [(a, b, l) for a, b, l in s.entities]
        examples.append(Example.from_dict(doc, {"entities": spans}))
    optimizer = nlp.resume_training()
    for epoch in range(epochs):
        random.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        progress(f"ner epoch {epoch + 1}/{epochs} loss {losses.get('ner', 0):.1f}")
    nlp.meta["name"] = "kgqa_relations_ner"
    nlp.meta["labels"] = {"ner": labels}
    nlp.to_disk(out / "ner")


def write_relations_card(out: Path, metrics: dict[str, Any], base_model: str, ner_base: str) -> None:
    """The model card: data, command, metrics, license."""
    dev = metrics.get("dev") or {}

    def f(part: str, key: str) -> str:
        return f"{dev[part][key]:.1f}" if part in dev else "n/a"

    schema = json.loads((out / "schema.json").read_text())
    card = f"""# kgqa relation model

A schema NER (spaCy, started from the NER weights of `{ner_base}`) and a relation classifier
(`{base_model}` fine-tuned as a sequence classifier over the sentence with typed entity
markers, `@ person : X @ ... # organization : Y #`), trained by `kgqa train relations`.

- Training data: `{metrics['train']}`, {metrics['train_sentences']} sentences.
- Command: `{metrics.get('command', 'kgqa train relations')}` ({metrics.get('seconds', 0):.0f} s on a 2-core CPU)
- Relation labels: {', '.join(l for l in schema['labels'] if l != 'none')}; entity labels:
  {', '.join(schema['entity_labels'])}. Only entity-type pairs that a relation of the schema
  can join are classified.

## Metrics on `{metrics.get('dev_file', 'no dev file')}` (strict: exact spans and type)

| | precision | recall | F1 |
|---|---|---|---|
| relations | {f('relations', 'precision')} | {f('relations', 'recall')} | {f('relations', 'f1')} |
| entities | {f('entities', 'precision')} | {f('entities', 'recall')} | {f('entities', 'f1')} |

## License

CoNLL04 (Roth and Yih, 2004, news sentences) in the SpERT JSON layout, as provided in the kgqa
project's `../shared/data` (its README names no license; the corpus is distributed for research
use). The classifier derives from all-MiniLM-L6-v2 (Apache-2.0) and the NER from
en_core_web_sm (MIT). Use the weights under those terms.
"""
    (out / "README.md").write_text(card)
