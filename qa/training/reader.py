"""Fine-tuning an extractive reader on SQuAD-format data (plain PyTorch, CPU or GPU).

The output folder holds the best checkpoint (safetensors weights, tokenizer, config), a model
card (README.md) with the data, the command and the dev metrics, ``dev.json`` (the held-out
articles, for ``kgqa eval reader``), ``metrics.json``, and while training ``checkpoint/`` (the
last state, to resume from after an interruption).
"""

from __future__ import annotations

import json
import math
import random
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kgqa.kg.models import resolve_model
from kgqa.qa.reader.extractive import ExtractiveReader
from kgqa.qa.squad import (
    SquadExample,
    is_squad2_part,
    load_squad,
    split_by_article,
    squad2_mix,
    squad_v2_metrics,
    write_squad,
)
from kgqa.qa.training.loop import Optimisation, TrainingLoop, seed_everything
from kgqa.qa.types import QAError


@dataclass
class TrainConfig:
    data: list[str]
    out: str
    base_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    epochs: float = 2.0
    learning_rate: float = 1e-4
    batch_size: int = 32
    max_seq_len: int = 256
    stride: int = 96
    dev_fraction: float = 0.05
    seed: int = 13
    data_seed: int | None = None
    warmup_fraction: float = 0.1
    weight_decay: float = 0.01
    max_answer_tokens: int = 30
    max_train_examples: int | None = None
    max_dev_examples: int | None = None
    # unanswerable pairs per answerable training question: the question with another paragraph
    # of its article that holds none of its answers, labelled no-answer
    negatives: float = 0.0
    save_every: int = 200
    # A SQuAD file whose articles are the dev split that chooses the checkpoint (instead of a
    # random dev_fraction of the articles); its articles are never trained on.
    dev_file: str | None = None
    # SQuAD files whose articles are never trained on; each is also reported at every evaluation
    # when listed in ``report``.
    exclude: list[str] = field(default_factory=list)
    report: list[str] = field(default_factory=list)
    # "squad2": every question of the SQuAD 2.0 part (24-hex ids) of the training articles, plus
    # ``others`` questions of the other sources per such question (drawn with ``seed``).
    focus: str | None = None
    others: float = 0.0
    # Freeze the embeddings and the first N encoder layers (no gradients, no optimiser state).
    freeze_layers: int = 0
    # Evaluate every N steps as well as at each epoch's end (0: at epochs' ends only).
    eval_every: int = 0
    fp16_weights: bool = True
    device: str = "cpu"
    bf16: bool = False
    command: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def build_features(
    tokenizer: Any, examples: list[SquadExample], max_seq_len: int, stride: int
) -> list[dict[str, Any]]:
    """Token windows with start/end labels; a window without the answer points at token 0."""
    features: list[dict[str, Any]] = []
    chunk = 2000
    for c in range(0, len(examples), chunk):
        part = examples[c : c + chunk]
        enc = tokenizer(
            [e.question for e in part],
            [e.context for e in part],
            truncation="only_second",
            max_length=max_seq_len,
            stride=stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
        )
        for i in range(len(enc["input_ids"])):
            ex = part[enc["overflow_to_sample_mapping"][i]]
            seq = enc.sequence_ids(i)
            offsets = enc["offset_mapping"][i]
            start = end = 0
            if ex.answers:
                text, char_start = ex.answers[0]
                char_end = char_start + len(text)
                ctx = [k for k, s in enumerate(seq) if s == 1]
                if ctx and offsets[ctx[0]][0] <= char_start and offsets[ctx[-1]][1] >= char_end:
                    start = next(k for k in ctx if offsets[k][1] > char_start)
                    end = next(k for k in reversed(ctx) if offsets[k][0] < char_end)
            feature = {
                "input_ids": enc["input_ids"][i],
                "attention_mask": enc["attention_mask"][i],
                "start_positions": start,
                "end_positions": end,
            }
            if "token_type_ids" in enc:
                feature["token_type_ids"] = enc["token_type_ids"][i]
            features.append(feature)
    return features


def _collate(features: list[dict[str, Any]], pad_id: int, use_types: bool) -> dict[str, Any]:
    import torch

    width = max(len(f["input_ids"]) for f in features)

    def pad(key: str, value: int) -> Any:
        return torch.tensor([f[key] + [value] * (width - len(f[key])) for f in features])

    batch = {
        "input_ids": pad("input_ids", pad_id),
        "attention_mask": pad("attention_mask", 0),
        "start_positions": torch.tensor([f["start_positions"] for f in features]),
        "end_positions": torch.tensor([f["end_positions"] for f in features]),
    }
    if use_types and "token_type_ids" in features[0]:
        batch["token_type_ids"] = pad("token_type_ids", 0)
    return batch


def evaluate(
    tokenizer: Any,
    model: Any,
    dev: list[SquadExample],
    mix: list[SquadExample],
    max_seq_len: int,
    stride: int,
    max_answer_tokens: int,
    threshold: float = 0.0,
    batch_pairs: int = 64,
    device: str = "cpu",
) -> tuple[dict[str, Any], dict[str, Any]]:
    """SQuAD v2.0 metrics of a model on ``dev`` and on ``mix`` (which holds every dev question,
    so each question is read once), each question read with its own paragraph."""
    import time

    from kgqa.qa.evaluation.evaluate import read_margins

    reader = ExtractiveReader.from_loaded(
        tokenizer,
        model,
        device=device,
        max_seq_len=max_seq_len,
        stride=stride,
        max_answer_tokens=max_answer_tokens,
        batch_size=64,
    )
    started = time.perf_counter()
    preds, margins = read_margins(reader, mix, batch_pairs)
    seconds = time.perf_counter() - started
    on_dev = squad_v2_metrics(dev, preds, margins, threshold)
    on_dev.update(questions=len(dev), seconds_per_question=seconds / max(1, len(mix)))
    return on_dev, squad_v2_metrics(mix, preds, margins, threshold)


def train_reader(config: TrainConfig, progress: Callable[[str], None] = print) -> dict[str, Any]:
    """Train, evaluate each epoch on held-out articles, keep the best; resumable."""
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    ckpt = out / "checkpoint"
    seed_everything(config.seed)
    examples = load_squad([Path(p) for p in config.data])
    if not examples:
        raise QAError(f"no questions in {', '.join(config.data)}")
    train, dev = _split(examples, config)
    reported = {Path(p).stem: load_squad([Path(p)]) for p in config.report}
    # partners drawn from every paragraph of the training articles, before any subsampling
    partners = (
        [e for e in squad2_mix(train, config.seed) if e.qid.endswith("-other")]
        if config.negatives > 0
        else []
    )
    if config.max_train_examples is not None:
        train = random.Random(config.seed).sample(train, min(len(train), config.max_train_examples))
    if config.focus == "squad2":
        focus = [e for e in train if is_squad2_part(e)]
        rest = [e for e in train if not is_squad2_part(e)]
        wanted = min(len(rest), round(config.others * len(focus)))
        train = focus + random.Random(config.seed + 2).sample(rest, wanted)
    elif config.focus is not None:
        raise QAError(f"unknown focus {config.focus!r} (known: squad2)")
    if partners:
        kept = {e.qid for e in train}
        pool = [p for p in partners if p.qid.removesuffix("-other") in kept]
        wanted = round(config.negatives * sum(1 for e in train if e.answers))
        train = train + random.Random(config.seed + 1).sample(pool, min(len(pool), wanted))
    if config.max_dev_examples is not None and len(dev) > config.max_dev_examples:
        dev = random.Random(config.seed).sample(dev, config.max_dev_examples)
    write_squad(dev, out / "dev.json")
    # the dev questions and as many unanswerable pairs; a chosen dev file has its own
    mix = squad2_mix(dev, config.seed) if config.dev_file is None else dev
    progress(
        f"{len(train)} training questions ({sum(e.is_impossible for e in train)} "
        f"unanswerable) and {len(dev)} dev questions "
        f"({len({e.title for e in dev})} held-out articles; {len(mix)} in the dev mix)"
    )

    resuming = (ckpt / "state.json").is_file()
    source = str(ckpt) if resuming else resolve_model(config.base_model)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForQuestionAnswering.from_pretrained(source, dtype=torch.float32)
    except Exception as err:
        raise QAError(
            f"cannot load the base model {config.base_model!r} from {source}: {err}"
        ) from None
    model.to(config.device)
    frozen = freeze_lower_layers(model, config.freeze_layers)
    if frozen:
        progress(
            f"froze the embeddings and {config.freeze_layers} lower layers ({frozen:,} parameters)"
        )
    features = build_features(tokenizer, train, config.max_seq_len, config.stride)
    use_types = "token_type_ids" in __import__("inspect").signature(model.forward).parameters
    steps_per_epoch = math.ceil(len(features) / config.batch_size)
    total_steps = max(1, int(steps_per_epoch * config.epochs))
    loop = TrainingLoop(
        model,
        Optimisation.of(config, total_steps),
        progress,
    )
    state: dict[str, Any] = {"step": 0, "best_f1": -1.0, "history": []}
    if resuming:
        state = json.loads((ckpt / "state.json").read_text())
        loop.load_state_dict(torch.load(ckpt / "optimizer.pt", weights_only=True))
        loop.step = state["step"]
        progress(f"resuming from step {state['step']} of {total_steps}")
    progress(f"{len(features)} training windows, {total_steps} steps of {config.batch_size}")

    def order(epoch: int) -> list[int]:
        # Shuffle, then sort within pools of 50 batches by length so that a batch pads little;
        # the batches are shuffled again, so no length comes in a run.
        data_seed = config.seed if config.data_seed is None else config.data_seed
        rng = random.Random(data_seed * 1000 + epoch)
        idx = list(range(len(features)))
        rng.shuffle(idx)
        pool = config.batch_size * 50
        batches: list[list[int]] = []
        for p in range(0, len(idx), pool):
            part = sorted(idx[p : p + pool], key=lambda i: len(features[i]["input_ids"]))
            batches += [
                part[b : b + config.batch_size] for b in range(0, len(part), config.batch_size)
            ]
        rng.shuffle(batches)
        return [i for batch in batches for i in batch]

    orders: dict[int, list[int]] = {}

    def batch_at(step: int) -> dict[str, Any]:
        epoch, within = divmod(step, steps_per_epoch)
        if epoch not in orders:
            orders[epoch] = order(epoch)
        idx = orders[epoch][within * config.batch_size : (within + 1) * config.batch_size]
        return {
            k: v.to(config.device)
            for k, v in _collate(
                [features[i] for i in idx], tokenizer.pad_token_id, use_types
            ).items()
        }

    def after_step(step: int) -> None:
        state["step"] = step
        end_of_epoch = step % steps_per_epoch == 0 or step == total_steps
        if end_of_epoch or (config.eval_every and step % config.eval_every == 0):
            model.eval()
            metrics, on_mix = evaluate(
                tokenizer,
                model,
                dev,
                mix,
                config.max_seq_len,
                config.stride,
                config.max_answer_tokens,
                device=config.device,
            )
            metrics["mix"] = {
                k: on_mix[k]
                for k in (
                    "f1",
                    "exact",
                    "HasAns_f1",
                    "NoAns_f1",
                    "best_f1",
                    "best_f1_thresh",
                    "total",
                )
            }
            metrics["step"] = step
            for name, questions in reported.items():
                # only the file's own questions are reported: read them, not their mix
                on_report, _ = evaluate(
                    tokenizer,
                    model,
                    questions,
                    questions,
                    config.max_seq_len,
                    config.stride,
                    config.max_answer_tokens,
                    device=config.device,
                )
                metrics[name] = {
                    k: on_report[k]
                    for k in ("f1", "exact", "HasAns_f1", "NoAns_f1", "best_f1", "total")
                }
                progress(
                    f"{name} after step {step}: F1 {on_report['f1']:.1f} "
                    f"(HasAns {on_report['HasAns_f1']:.1f}, NoAns {on_report['NoAns_f1']:.1f})"
                )
            state["history"].append(metrics)
            progress(
                f"dev after step {step}: F1 {metrics['f1']:.1f} EM {metrics['exact']:.1f} "
                f"HasAns F1 {metrics['HasAns_f1']:.1f} NoAns F1 {metrics['NoAns_f1']:.1f} "
                f"best F1 {metrics['best_f1']:.1f} at threshold {metrics['best_f1_thresh']:.2f}"
                f"; dev mix F1 {on_mix['f1']:.1f} (HasAns {on_mix['HasAns_f1']:.1f}, "
                f"NoAns {on_mix['NoAns_f1']:.1f})"
            )
            # Trained to abstain, a checkpoint is judged on both dev sets alike.
            # A chosen dev file holds its own unanswerable questions: its F1 at its best
            # no-answer threshold decides (answers are kept or dropped by a threshold chosen
            # afterwards, the verifier's, never at margin 0).
            if config.dev_file is not None:
                score = metrics["best_f1"]
            elif config.negatives > 0:
                score = (metrics["f1"] + on_mix["f1"]) / 2
            else:
                score = metrics["f1"]
            if score > state["best_f1"]:
                state["best_f1"] = score
                state["best"] = metrics
                _save_model(model, tokenizer, out, config.fp16_weights)
        if step % config.save_every == 0 or end_of_epoch:
            _save_checkpoint(model, tokenizer, loop.state_dict(), state, ckpt)

    loop.run(batch_at, lambda batch: model(**batch).loss, after_step)
    result = {
        "config": asdict(config),
        "train_questions": len(train),
        "dev_questions": len(dev),
        "train_windows": len(features),
        "steps": total_steps,
        "best": state.get("best"),
        "history": state["history"],
    }
    (out / "metrics.json").write_text(json.dumps(result, indent=2))
    write_card(out, result)
    shutil.rmtree(ckpt, ignore_errors=True)
    return result


def _split(
    examples: list[SquadExample], config: TrainConfig
) -> tuple[list[SquadExample], list[SquadExample]]:
    """Training and dev questions: the dev file's articles (or a random share of all articles)
    are dev; the articles of the dev file and of every excluded file are never trained on."""
    held: set[str] = set()
    for path in config.exclude + config.report:
        held |= {e.title for e in load_squad([Path(path)])}
    if config.dev_file is None:
        train, dev = split_by_article(examples, config.dev_fraction, config.seed)
    else:
        dev = load_squad([Path(config.dev_file)])
        held |= {e.title for e in dev}
        train = examples
    return [e for e in train if e.title not in held], dev


def freeze_lower_layers(model: Any, layers: int) -> int:
    """Stop gradients for the embeddings and the first ``layers`` transformer layers of a
    BERT-like model; returns how many parameters were frozen (0 when layers is 0)."""
    if layers <= 0:
        return 0
    base = getattr(model, model.base_model_prefix, model)
    encoder_layers = getattr(getattr(base, "encoder", None), "layer", None)
    if encoder_layers is None or not hasattr(base, "embeddings"):
        raise QAError("--freeze-layers needs a BERT-like encoder (embeddings and encoder.layer)")
    if layers > len(encoder_layers):
        raise QAError(f"--freeze-layers {layers}: the encoder has {len(encoder_layers)} layers")
    frozen = 0
    for module in [base.embeddings, *encoder_layers[:layers]]:
        for parameter in module.parameters():
            parameter.requires_grad_(False)
            frozen += parameter.numel()
    return frozen


def _save_model(model: Any, tokenizer: Any, out: Path, fp16: bool) -> None:
    import copy

    import torch

    to_save = copy.deepcopy(model).to(torch.float16 if fp16 else torch.float32).cpu()
    to_save.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)


def _save_checkpoint(
    model: Any, tokenizer: Any, optimiser_state: dict[str, Any], state: dict[str, Any], ckpt: Path
) -> None:
    import torch

    tmp = ckpt.with_name(ckpt.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    torch.save(optimiser_state, tmp / "optimizer.pt")
    (tmp / "state.json").write_text(json.dumps(state))
    old = ckpt.with_name(ckpt.name + ".old")
    if ckpt.exists():
        ckpt.rename(old)
    tmp.rename(ckpt)
    shutil.rmtree(old, ignore_errors=True)


def write_card(out: Path, result: dict[str, Any]) -> None:
    c = result["config"]
    best = result.get("best") or {}

    def fmt(key: str) -> str:
        return f"{best[key]:.1f}" if key in best else "n/a"

    m = best.get("mix") or {}
    mix = (
        f"{m['f1']:.1f} / {m['HasAns_f1']:.1f} / {m['NoAns_f1']:.1f} ({m['total']} questions)"
        if m
        else "n/a"
    )

    card = f"""# kgqa extractive reader

An extractive question-answering model (span start/end head on a transformer encoder), trained
by `kgqa train reader`.

- Base model: `{c["base_model"]}`
- Training data: {", ".join(c["data"])}; {result["train_questions"]} questions
  ({result["train_windows"]} windows), dev split of {result["dev_questions"]} questions from
  whole held-out articles (seed {c["seed"]}, fraction {c["dev_fraction"]}), saved as `dev.json`.
- Command: `{c["command"] or "kgqa train reader"}`
- Settings: epochs {c["epochs"]}, learning rate {c["learning_rate"]}, batch {c["batch_size"]},
  max sequence length {c["max_seq_len"]}, stride {c["stride"]},
  bf16 autocast {c.get("bf16", False)},
  unanswerable pairs per answerable question {c.get("negatives", 0.0)}.

## Dev metrics (SQuAD v2.0, closed mode, threshold 0)

| metric | value |
|---|---|
| F1 | {fmt("f1")} |
| exact match | {fmt("exact")} |
| HasAns F1 / EM | {fmt("HasAns_f1")} / {fmt("HasAns_exact")} |
| NoAns F1 | {fmt("NoAns_f1")} |
| best F1 (threshold {best.get("best_f1_thresh", float("nan")):.2f}) | {fmt("best_f1")} |
| dev mix F1 / HasAns F1 / NoAns F1 (the dev questions and as many unanswerable pairs) | {mix} |

## License

The weights derive from the base model and from the training data; they inherit the terms of
the data: CC BY-SA 4.0 (SQuAD, Wikipedia), CC BY 4.0 (SQuADShifts), the terms of the UCSD Amazon
review and UIUC TripAdvisor datasets (SubjQA), CC BY-SA 3.0 / GFDL (QED, Wikipedia), and the
Apache-2.0 license of all-MiniLM-L6-v2. See `../shared/data/qa/README.md` of the kgqa project
for the sources.
"""
    (out / "README.md").write_text(card)
