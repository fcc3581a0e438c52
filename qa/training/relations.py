"""Training the joint entity and relation model (``kgqa.kg.joint``) through the shared training
loop: span classification with sampled negative spans, relation classification over pairs of
gold entities with sampled negative pairs (SpERT's scheme), a dev evaluation after every
epoch, the best epoch kept, resumable from the last epoch's checkpoint.

Sentences come from CoNLL04 (labels for its five relations only: the schema's other relations
are left unsupervised on its pairs, except where a CoNLL04 "no" implies a "no", as no Live_In
implies no Born_In) and from kgqa JSONL files (``--extra``: every relation of the schema is
supervised on their entity pairs).
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgqa.kg.joint import (
    DEFAULT_SCHEMA,
    JointModel,
    Schema,
    Words,
    blank_tokenizer,
    build_net,
    encode_words,
    tokenizer_words,
)
from kgqa.kg.models import resolve_model
from kgqa.kg.relations import CONLL04_LABELS, Sentence, evaluate_relations, load_sentences
from kgqa.kg.types import KGError
from kgqa.qa.training.loop import Optimisation, TrainingLoop, seed_everything


@dataclass
class Example:
    """One training sentence as words, its entities (first word, end word, type), its related
    pairs (head, tail: indexes into entities; labels with the labels they imply), which
    relations its labels speak for (None: all), and spans that must not be sampled as
    non-entities (mentions of types the schema lacks)."""

    words: Words
    entities: list[tuple[int, int, str]]
    relations: dict[tuple[int, int], set[str]]
    supervised: set[str] | None
    unsure: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class RelationTraining:
    """What ``kgqa train relations`` trains from and how."""

    data: Path
    extra: list[Path]
    dev: Path | None
    out: Path
    base_model: str
    epochs: int
    learning_rate: float
    batch_size: int
    seed: int
    command: str
    device: str
    layers: int = 0  # 0: all of the encoder's layers
    init: Path | None = None  # a joint model folder whose weights to start from
    extra_per_epoch: int = 0  # extra sentences drawn per epoch (0: all)
    negative_spans: int = 100
    negative_pairs: int = 50
    keep_epochs: bool = False  # also save each epoch's weights in out/epoch-N
    bf16: bool = False  # bfloat16 autocast (a CPU with native bf16, or a GPU)


def to_example(s: Sentence, schema: Schema, supervised: set[str] | None) -> Example | None:
    """A labelled sentence on words; None when no entity lines up with its words."""
    words = Words(s.text, s.words) if s.words else tokenizer_words(s.text, blank_tokenizer())
    ents: list[tuple[int, int, str]] = []
    index: dict[int, int] = {}
    unsure = []
    for n, (a, b, label) in enumerate(s.entities):
        span = words.word_span(a, b)
        if span is None:
            continue
        if label not in schema.entity_types:
            unsure.append(span)
            continue
        index[n] = len(ents)
        ents.append((span[0], span[1], label))
    rels: dict[tuple[int, int], set[str]] = {}
    for h, t, label in s.relations:
        if h in index and t in index and label in schema.relation_names:
            labels = schema.with_implied({label})
            rels.setdefault((index[h], index[t]), set()).update(labels)
            if schema.relation(label).symmetric:
                rels.setdefault((index[t], index[h]), set()).update(labels)
    return Example(words, ents, rels, supervised, unsure)


def conll04_supervised(schema: Schema) -> set[str]:
    """The relations a CoNLL04 sentence's labels speak for: its own five, and those implying
    one of them (no Live_In means no Born_In)."""
    return {r.name for r in schema.relations if schema.with_implied({r.name}) & set(CONLL04_LABELS)}


def load_examples(
    path: Path, schema: Schema, supervised: set[str] | None, progress: Callable[[str], None]
) -> list[Example]:
    sentences = load_sentences(path)
    out = [e for e in (to_example(s, schema, supervised) for s in sentences) if e is not None]
    dropped = sum(len(s.entities) for s in sentences) - sum(
        len(e.entities) + len(e.unsure) for e in out
    )
    progress(
        f"{len(out)} sentences from {path}"
        + (f" ({dropped} entities not on word boundaries, left out)" if dropped else "")
    )
    return out


Pair = tuple[int, int, int, int, list[float], list[float]]


def targets(
    example: Example, schema: Schema, rng: random.Random, negative_spans: int, negative_pairs: int
) -> tuple[list[tuple[int, int, int]], list[Pair]]:
    """Entity spans with their class (0: none) and relation pairs (head span, tail span,
    target, mask) of one example: gold ones plus sampled negatives."""
    types = schema.entity_types
    n = len(example.words.spans)
    gold = {(i, j): types.index(t) + 1 for i, j, t in example.entities}
    unsure = example.unsure

    def clashes(i: int, j: int) -> bool:
        return any(i < b and a < j for a, b in unsure)

    negatives = [
        (i, i + w)
        for i in range(n)
        for w in range(1, schema.max_width + 1)
        if i + w <= n and (i, i + w) not in gold and not clashes(i, i + w)
    ]
    spans = [(i, j, c) for (i, j), c in gold.items()]
    spans += [(i, j, 0) for i, j in rng.sample(negatives, min(negative_spans, len(negatives)))]
    names = schema.relation_names
    supervised = example.supervised
    mask = [1.0 if supervised is None or r in supervised else 0.0 for r in names]
    pairs = []
    others = []
    for x, (_hi, _hj, ht) in enumerate(example.entities):
        for y, (_ti, _tj, tt) in enumerate(example.entities):
            if x == y or not schema.joinable(ht, tt):
                continue
            labels = example.relations.get((x, y))
            if labels:
                pairs.append((x, y, [1.0 if r in labels else 0.0 for r in names], mask))
            else:
                others.append((x, y, [0.0] * len(names), mask))
    pairs += rng.sample(others, min(negative_pairs, len(others)))
    ents = example.entities
    return spans, [(ents[x][0], ents[x][1], ents[y][0], ents[y][1], t, m) for x, y, t, m in pairs]


def train_relation_model(
    config: RelationTraining, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Train the joint model into ``config.out``; evaluate on ``config.dev`` after each epoch,
    keep the best epoch, write ``metrics.json`` and the card. Resumes from
    ``config.out/checkpoint`` when one is there."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModel, AutoTokenizer

    schema = DEFAULT_SCHEMA
    seed_everything(config.seed)
    # CoNLL04 JSON speaks for its five relations; kgqa JSONL for the whole schema
    train = load_examples(
        config.data,
        schema,
        None if str(config.data).endswith(".jsonl") else conll04_supervised(schema),
        progress,
    )
    extra: list[Example] = []
    for path in config.extra:
        extra += load_examples(path, schema, None, progress)
    dev = load_sentences(config.dev) if config.dev else []
    per_extra = config.extra_per_epoch or len(extra)
    per_epoch = (
        len(train) + min(per_extra, len(extra)) + config.batch_size - 1
    ) // config.batch_size
    total = per_epoch * config.epochs
    base = resolve_model(config.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base)
    encoder = AutoModel.from_pretrained(base, dtype=torch.float32)
    if config.layers:
        encoder.encoder.layer = encoder.encoder.layer[: config.layers]
        encoder.config.num_hidden_layers = config.layers
    net = build_net(encoder, len(schema.entity_types), len(schema.relations), schema.max_width)
    if config.init is not None:
        from safetensors.torch import load_file

        if not (config.init / "model.safetensors").is_file():
            raise KGError(f"--init {config.init}: no joint model there (model.safetensors)")
        net.load_state_dict(
            {k: v.float() for k, v in load_file(str(config.init / "model.safetensors")).items()}
        )
        progress(f"starting from the weights of {config.init}")
    net.to(config.device)
    loop = TrainingLoop(
        net,
        Optimisation(
            total_steps=total,
            learning_rate=config.learning_rate,
            weight_decay=0.01,
            warmup_fraction=0.1,
            device=config.device,
            bf16=config.bf16,
            log_every=50,
        ),
        progress,
    )
    out = config.out
    out.mkdir(parents=True, exist_ok=True)
    ckpt = out / "checkpoint"
    history: list[dict[str, Any]] = []
    best: dict[str, Any] = {}
    started = time.monotonic()
    elapsed_before = 0.0
    if (ckpt / "state.json").is_file():
        from safetensors.torch import load_file

        state = json.loads((ckpt / "state.json").read_text())
        net.load_state_dict(load_file(str(ckpt / "model.safetensors")))
        loop.load_state_dict(torch.load(ckpt / "optimizer.pt", weights_only=False))
        loop.step, history, best = state["step"], state["history"], state["best"]
        elapsed_before = state["seconds"]
        progress(f"resumed at step {loop.step} of {total}")
    progress(
        f"{len(train)} CoNLL04 sentences, {len(extra)} extra ({per_extra} a epoch), "
        f"{per_epoch} steps an epoch, {total} steps"
    )

    orders: dict[int, list[Example]] = {}

    def epoch_examples(epoch: int) -> list[Example]:
        if epoch not in orders:
            rng = random.Random(config.seed + epoch)
            chosen = train + rng.sample(extra, min(per_extra, len(extra)))
            rng.shuffle(chosen)
            orders.clear()
            orders[epoch] = chosen
        return orders[epoch]

    def batch_at(step: int) -> tuple[list[Example], int]:
        epoch, within = divmod(step, per_epoch)
        items = epoch_examples(epoch)
        return items[within * config.batch_size : (within + 1) * config.batch_size], step

    def loss_of(batch: tuple[list[Example], int]) -> Any:
        items, step = batch
        rng = random.Random(config.seed * 100_003 + step)
        enc, index, n_words = encode_words(tokenizer, [e.words.words() for e in items])
        enc = {k: v.to(config.device) for k, v in enc.items()}
        words, cls = net.words(enc, index.to(config.device), n_words)
        table = net.span_table(words)
        span_rows, pair_rows = [], []
        for b, e in enumerate(items):
            spans, pairs = targets(e, schema, rng, config.negative_spans, config.negative_pairs)
            span_rows += [(b, i, j, c) for i, j, c in spans if j <= n_words]
            pair_rows += [(b, *p) for p in pairs if p[1] <= n_words and p[3] <= n_words]
        s = torch.tensor([r[:3] for r in span_rows], device=config.device)
        labels = torch.tensor([r[3] for r in span_rows], device=config.device)
        logits = net.entity_logits(net.spans(table, s[:, 0], s[:, 1], s[:, 2]), cls[s[:, 0]])
        loss = torch.nn.functional.cross_entropy(logits, labels)
        if pair_rows:
            bi = torch.tensor([r[0] for r in pair_rows], device=config.device)
            hs, he, ts, te = (
                torch.tensor([r[k] for r in pair_rows], device=config.device) for k in (1, 2, 3, 4)
            )
            y = torch.tensor([r[5] for r in pair_rows], device=config.device)
            m = torch.tensor([r[6] for r in pair_rows], device=config.device)
            rel = net.relation_logits(
                net.spans(table, bi, hs, he),
                net.spans(table, bi, ts, te),
                net.context(words, bi, torch.minimum(he, te), torch.maximum(hs, ts)),
            )
            bce = torch.nn.functional.binary_cross_entropy_with_logits(rel, y, reduction="none")
            loss = loss + (bce * m).sum() / m.sum().clamp(min=1.0)
        return loss

    def save_weights(folder: Path, fp16: bool) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        state = {
            k: (v.half() if fp16 and v.is_floating_point() else v).contiguous().cpu()
            for k, v in net.state_dict().items()
        }
        save_file(state, str(folder / "model.safetensors"))
        encoder.config.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
        (folder / "schema.json").write_text(json.dumps(schema.to_json(), indent=2))

    def after_step(step: int) -> None:
        nonlocal best
        if step % per_epoch and step != total:
            return
        epoch = (step + per_epoch - 1) // per_epoch
        row: dict[str, Any] = {
            "epoch": epoch,
            "step": step,
            "loss": round(loop.loss_avg, 4),
            "seconds": round(elapsed_before + time.monotonic() - started),
        }
        if dev:
            net.eval()
            model = JointModel.of_net(net, tokenizer, schema, config.device)
            row["dev"] = evaluate_relations(model, dev, conll04=True)
            r, e = row["dev"]["relations"], row["dev"]["entities"]
            progress(
                f"epoch {epoch}: dev relations F1 {r['f1']:.1f} (P {r['precision']:.1f} "
                f"R {r['recall']:.1f}), entities F1 {e['f1']:.1f}"
            )
            if not best or r["f1"] > best["dev"]["relations"]["f1"]:
                best = row
                save_weights(out, fp16=True)
        history.append(row)
        if config.keep_epochs:
            save_weights(out / f"epoch-{epoch}", fp16=True)
        tmp = out / "checkpoint.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        save_weights(tmp, fp16=False)
        torch.save(loop.state_dict(), tmp / "optimizer.pt")
        (tmp / "state.json").write_text(
            json.dumps({"step": step, "history": history, "best": best, "seconds": row["seconds"]})
        )
        shutil.rmtree(ckpt, ignore_errors=True)
        tmp.rename(ckpt)

    loop.run(batch_at, loss_of, after_step)
    if not dev:
        save_weights(out, fp16=True)
    chosen = choose_threshold(out, dev, config.device, progress) if dev else None
    metrics = {
        "command": config.command,
        "train": str(config.data),
        "extra": [str(p) for p in config.extra],
        "train_sentences": len(train),
        "extra_sentences": len(extra),
        "extra_per_epoch": per_extra,
        "dev_file": str(config.dev) if config.dev else None,
        "layers": config.layers or encoder.config.num_hidden_layers,
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "learning_rate": config.learning_rate,
        "device": config.device,
        "bf16": config.bf16,
        "seconds": round(elapsed_before + time.monotonic() - started),
        "history": history,
        "best": best,
        "threshold": chosen,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    write_relations_card(out, metrics, config.base_model, schema)
    shutil.rmtree(ckpt, ignore_errors=True)
    return metrics


THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def choose_threshold(
    folder: Path, dev: list[Sentence], device: str, progress: Callable[[str], None]
) -> dict[str, Any]:
    """The relation threshold with the best dev relation F1 for the model in ``folder`` (as
    shipped: fp16 weights read back in fp32), written into its ``schema.json``."""
    model = JointModel(folder, device, "fp32")
    model.warm_up()
    scores = {}
    for t in THRESHOLDS:
        model.relation_threshold = t
        scores[t] = evaluate_relations(model, dev, conll04=True)["relations"]
        progress(f"threshold {t}: dev relation F1 {scores[t]['f1']:.2f}")
    best = max(THRESHOLDS, key=lambda t: (scores[t]["f1"], -abs(t - 0.5)))
    schema = json.loads((folder / "schema.json").read_text())
    schema["relation_threshold"] = best
    (folder / "schema.json").write_text(json.dumps(schema, indent=2))
    return {"chosen": best, "dev_relations": {str(t): scores[t] for t in THRESHOLDS}}


def write_relations_card(
    out: Path, metrics: dict[str, Any], base_model: str, schema: Schema
) -> None:
    """The model card: what it is, data, command, time, per-epoch dev figures, licences."""
    rows = []
    for h in metrics["history"]:
        d = h.get("dev")
        if d:
            r, e = d["relations"], d["entities"]
            rows.append(
                f"| {h['epoch']} | {h['loss']:.3f} | {r['precision']:.1f} | "
                f"{r['recall']:.1f} | {r['f1']:.1f} | {e['f1']:.1f} | {h['seconds']} |"
            )
    relations = "\n".join(
        f"| {r.name} | {', '.join(r.head)} | {', '.join(r.tail)} | {r.implies or ''} | {r.phrase} |"
        for r in schema.relations
    )
    best = metrics.get("best") or {}
    chosen = metrics.get("threshold") or {}
    sweep = ", ".join(f"{t}: {r['f1']:.1f}" for t, r in chosen.get("dev_relations", {}).items())
    card = f"""# kgqa joint entity and relation model

A span-based joint model in the manner of SpERT (Eberts and Ulges 2020): `{base_model}`
({metrics["layers"]} layers) reads a sentence once; every span of up to {schema.max_width} words is
classified as an entity type or none (max-pooled word pieces, a width embedding, [CLS]); every
ordered pair of entities whose types a relation can join is classified by one sigmoid per
relation (both spans and the max-pooled words between them). Trained by `kgqa train relations`.

- Command: `{metrics["command"]}`
- Time: {metrics["seconds"]} s on {metrics.get("device", "cpu")}, \
{"bf16 autocast" if metrics.get("bf16") else "fp32"}.
- Data: `{metrics["train"]}` ({metrics["train_sentences"]} sentences, labels for CoNLL04's five
  relations) and {", ".join(f"`{p}`" for p in metrics["extra"]) or "no extra file"}
  ({metrics["extra_sentences"]} sentences, {metrics["extra_per_epoch"]} drawn each epoch,
  labelled with the whole schema), made by `kgqa train relation-data` from FewRel 1.0,
  2WikiMultiHopQA evidence triples, phrasings found in Wikipedia sentences and
  `data/relations/written.txt`.
- Schedule: {metrics["epochs"]} epochs, batch {metrics["batch_size"]}, learning rate
  {metrics["learning_rate"]}, 100 negative spans and 50 negative pairs per sentence; the epoch
  with the best dev relation F1 (epoch {best.get("epoch", "n/a")}) is the one shipped (fp16).

## Dev figures per epoch (`{metrics.get("dev_file")}`, strict: exact spans and types; a label
counts as the CoNLL04 labels it implies)

| epoch | loss | relation P | relation R | relation F1 | entity F1 | seconds |
|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Relation threshold: **{chosen.get("chosen", 0.5)}**, chosen on the same dev split after
training (dev relation F1 at each threshold tried: {sweep or "not chosen"}); the setting
`relation_threshold` overrides it.

## Schema

| relation | head types | tail types | implies | meaning |
|---|---|---|---|---|
{relations}

Entity types: {", ".join(schema.entity_types)} (Other: CoNLL04's dates, numbers and the like;
Work: works and products).

## Licences

CoNLL04 (Roth and Yih 2004) as provided in `../shared/data` (its README names no licence; the
corpus is distributed for research use). FewRel 1.0 (MIT; the sentences are Wikipedia text,
CC BY-SA). 2WikiMultiHopQA (Apache-2.0) and MuSiQue (CC BY 4.0) training paragraphs, and the
contexts of `../shared/data/qa/train.json` (SQuAD CC BY-SA 4.0, SQuADShifts CC BY 4.0, QED,
SubjQA: see its README); all the Wikipedia text is CC BY-SA. `written.txt`: written by the
kgqa developers. The encoder derives from all-MiniLM-L6-v2 (Apache-2.0). Use the weights under
those terms.
"""
    (out / "README.md").write_text(card)
