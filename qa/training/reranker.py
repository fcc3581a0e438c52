"""Fine-tuning a cross-encoder reranker (the ``+cross`` modes) on SQuAD-format data.

Each answerable question is scored against its own paragraph and against BM25's best other
paragraphs that do not contain its answer (hard negatives); the loss is the cross-entropy of
the own paragraph within that group, as in listwise reranker training. The dev split holds out
whole articles with the same seed and fraction as ``kgqa train reader``, so a reader and a
reranker trained on one file share their held-out articles.

The output folder is a sentence-transformers CrossEncoder checkpoint (weights, tokenizer,
config) with a card (README.md) and ``metrics.json``.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kgqa.kg.models import resolve_model
from kgqa.qa.squad import SquadExample, load_squad, split_by_article
from kgqa.qa.store.index import BM25Index
from kgqa.qa.training.loop import Optimisation, TrainingLoop, seed_everything
from kgqa.qa.types import QAError


@dataclass
class CrossTrainConfig:
    data: list[str]
    out: str
    base_model: str = "sentence-transformers/all-MiniLM-L6-v2"
    epochs: float = 1.0
    learning_rate: float = 5e-5
    questions_per_batch: int = 8
    negatives: int = 3
    negative_pool: int = 10
    max_seq_len: int = 256
    dev_fraction: float = 0.05
    seed: int = 13
    warmup_fraction: float = 0.1
    weight_decay: float = 0.01
    max_train_questions: int | None = None
    max_dev_questions: int = 300
    device: str = "cpu"
    bf16: bool = False
    command: str = ""


@dataclass(frozen=True)
class Group:
    """One question with its own paragraph first and its hard negatives after it."""

    question: str
    paragraphs: tuple[str, ...]


def paragraph_pool(examples: list[SquadExample]) -> list[str]:
    return list(dict.fromkeys(e.context for e in examples))


def build_groups(
    examples: list[SquadExample], pool: list[str], negatives: int, depth: int, seed: int = 13
) -> list[Group]:
    """For each answerable question: its paragraph, then the first ``negatives`` of BM25's top
    ``depth`` paragraphs of ``pool`` that are not its own and do not contain an answer, topped
    up with random such paragraphs when BM25 finds too few."""
    index = BM25Index.build(list(range(len(pool))), pool)
    rng = random.Random(seed)
    groups = []
    for e in examples:
        if not e.answers:
            continue
        answers = [text.lower() for text, _ in e.answers]

        def usable(p: str, context: str = e.context, answers: list[str] = answers) -> bool:
            return p != context and not any(a in p.lower() for a in answers)

        negs = [p for p in (pool[i] for i, _ in index.search(e.question, depth + 1)) if usable(p)]
        negs = negs[:negatives]
        for p in rng.sample(pool, min(len(pool), 4 * negatives)):
            if len(negs) == negatives:
                break
            if usable(p) and p not in negs:
                negs.append(p)
        if negs:
            groups.append(Group(e.question, (e.context, *negs)))
    return groups


def _scores(tokenizer: Any, model: Any, group: list[Group], max_seq_len: int, device: str) -> Any:
    pairs = [(g.question, p) for g in group for p in g.paragraphs]
    batch = tokenizer(
        [q for q, _ in pairs],
        [p for _, p in pairs],
        truncation="only_second",
        max_length=max_seq_len,
        padding=True,
        return_tensors="pt",
    ).to(device)
    return model(**batch).logits.view(-1)


def evaluate_groups(
    tokenizer: Any, model: Any, groups: list[Group], max_seq_len: int, device: str = "cpu"
) -> dict[str, float]:
    """Accuracy@1 and MRR of each question's own paragraph among its group, by the model."""
    import torch

    hits = reciprocal = 0.0
    with torch.no_grad():
        for g in groups:
            s = _scores(tokenizer, model, [g], max_seq_len, device).float().cpu().numpy()
            rank = 1 + int((s[1:] > s[0]).sum())
            hits += rank == 1
            reciprocal += 1.0 / rank
    n = max(1, len(groups))
    return {"accuracy@1": hits / n, "mrr": reciprocal / n, "groups": len(groups)}


def split_groups(
    examples: list[SquadExample], config: CrossTrainConfig, rng: random.Random | None = None
) -> tuple[list[Group], list[Group]]:
    """Training and dev groups of the article split; each side draws its negatives from its
    own articles only, so no dev paragraph is ever seen in training, even as a negative.
    ``rng`` (default: seeded with config.seed) subsamples the questions."""
    if not any(e.answers for e in examples):
        raise QAError(f"no answerable questions in {', '.join(config.data)}")
    train, dev = split_by_article(examples, config.dev_fraction, config.seed)
    dev_titles = {e.title for e in dev}  # before dev is subsampled
    rng = random.Random(config.seed) if rng is None else rng
    train = [e for e in train if e.answers]
    if config.max_train_questions is not None and len(train) > config.max_train_questions:
        train = rng.sample(train, config.max_train_questions)
    dev = [e for e in dev if e.answers]
    if len(dev) > config.max_dev_questions:
        dev = rng.sample(dev, config.max_dev_questions)
    train_pool = paragraph_pool([e for e in examples if e.title not in dev_titles])
    dev_pool = paragraph_pool([e for e in examples if e.title in dev_titles])
    return (
        build_groups(train, train_pool, config.negatives, config.negative_pool, config.seed),
        build_groups(dev, dev_pool, config.negatives, config.negative_pool, config.seed),
    )


def train_cross_encoder(
    config: CrossTrainConfig, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Train on the train split's groups, evaluate on the dev split's, save the last model."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    seed_everything(config.seed)
    examples = load_squad([Path(p) for p in config.data])
    started = time.perf_counter()
    rng = random.Random(config.seed)  # subsamples the questions, then orders the batches
    train_groups, dev_groups = split_groups(examples, config, rng)
    progress(
        f"{len(train_groups)} training and {len(dev_groups)} dev questions with "
        f"{config.negatives} hard negatives each ({time.perf_counter() - started:.0f} s)"
    )

    source = resolve_model(config.base_model)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForSequenceClassification.from_pretrained(
            source, num_labels=1, dtype=torch.float32
        )
    except Exception as err:
        raise QAError(
            f"cannot load the base model {config.base_model!r} from {source}: {err}"
        ) from None
    model.to(config.device)
    before = evaluate_groups(tokenizer, model, dev_groups, config.max_seq_len, config.device)
    per_step = config.questions_per_batch
    total_steps = max(1, int(math.ceil(len(train_groups) / per_step) * config.epochs))
    loop = TrainingLoop(
        model,
        Optimisation.of(config, total_steps),
        progress,
    )
    progress(f"{total_steps} steps of {per_step} questions")
    order: list[int] = []

    def batch_at(step: int) -> list[Group]:
        nonlocal order
        if len(order) < per_step:
            order += rng.sample(range(len(train_groups)), len(train_groups))
        batch, order = [train_groups[i] for i in order[:per_step]], order[per_step:]
        return batch

    def loss_of(batch: list[Group]) -> Any:
        scores = _scores(tokenizer, model, batch, config.max_seq_len, config.device)
        # A group is shorter than 1 + negatives when its pool has too few usable paragraphs,
        # so each group gets its own softmax.
        return torch.stack(
            [
                torch.nn.functional.cross_entropy(
                    part.float().unsqueeze(0), torch.zeros(1, dtype=torch.long, device=part.device)
                )
                for part in torch.split(scores, [len(g.paragraphs) for g in batch])
            ]
        ).mean()

    started = time.perf_counter()
    loop.run(batch_at, loss_of)
    model.eval()
    after = evaluate_groups(tokenizer, model, dev_groups, config.max_seq_len, config.device)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    result = {
        "config": asdict(config),
        "train_questions": len(train_groups),
        "dev_questions": len(dev_groups),
        "steps": total_steps,
        "seconds": time.perf_counter() - started,
        "dev_before": before,
        "dev": after,
    }
    (out / "metrics.json").write_text(json.dumps(result, indent=2))
    write_cross_card(out, result)
    progress(
        f"dev accuracy@1 {before['accuracy@1']:.3f} -> {after['accuracy@1']:.3f}, "
        f"MRR {before['mrr']:.3f} -> {after['mrr']:.3f}"
    )
    return result


def write_cross_card(out: Path, result: dict[str, Any]) -> None:
    c = result["config"]
    before, after = result["dev_before"], result["dev"]
    card = f"""# kgqa cross-encoder reranker

A cross-encoder (one relevance score per question and passage) for the `+cross` search modes,
trained by `kgqa train reranker`. Use it with `KGQA_CROSS_ENCODER={out}`.

- Base model: `{c["base_model"]}` (encoder; a new one-output head)
- Training data: {", ".join(c["data"])}; {result["train_questions"]} questions, each with its
  own paragraph and up to {c["negatives"]} hard negatives (BM25's top {c["negative_pool"]}
  paragraphs that are not its own and hold no answer text, topped up at random).
  Dev: {result["dev_questions"]} questions of whole held-out articles (seed {c["seed"]},
  fraction {c["dev_fraction"]}).
- Command: `{c["command"] or "kgqa train reranker"}`
- Settings: epochs {c["epochs"]}, learning rate {c["learning_rate"]}, {c["questions_per_batch"]}
  questions per step, max sequence length {c["max_seq_len"]}, bf16 autocast {c["bf16"]};
  {result["steps"]} steps in {result["seconds"]:.0f} s.

## Dev metrics (own paragraph among its group)

| | accuracy@1 | MRR |
|---|---|---|
| base model, untrained head | {before["accuracy@1"]:.3f} | {before["mrr"]:.3f} |
| trained | {after["accuracy@1"]:.3f} | {after["mrr"]:.3f} |

## License

The weights derive from the base model and the training data and inherit their terms; see
`../shared/data/qa/README.md` of the kgqa project for the sources of its training file.
"""
    (out / "README.md").write_text(card)
