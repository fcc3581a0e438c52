"""fp32 against bf16 and int8 for the joint relation model and the embedder: speed and what
changes.

    python benchmarks/precision.py                     # both
    python benchmarks/precision.py --relations-only    # the joint model only

- Joint entity and relation model (the shipped one, the settings' threshold and batch size):
  strict relation and entity F1 on CoNLL04 dev (`../shared/data/conll04_dev.json`, as `kgqa
  eval relations`) and its words/s over that split, one torch thread.
- Embedder (all-MiniLM-L6-v2): passages/s over 2,000 Wikipedia paragraphs from
  `../shared/data/qa`, the top-10 overlap of 200 questions' exact cosine rankings between fp32 and
  each other precision (both sides embedded at their precision), and recall@5 (a top-5 paragraph
  holds a gold answer) at each precision. bf16 is measured only where the CPU has it natively.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
PRECISIONS = ["fp32", "bf16", "int8"]


def relations() -> None:
    from kgqa.kg.joint import JointModel, default_joint_model
    from kgqa.kg.relations import evaluate_relations, load_sentences
    from kgqa.qa.settings import Settings

    dev = load_sentences(SHARED / "conll04_dev.json")
    words = sum(len(s.text.split()) for s in dev)
    settings = Settings()
    for precision in PRECISIONS:
        model = JointModel(
            Path(default_joint_model()),
            "cpu",
            precision,
            relation_threshold=settings.relation_threshold,
        )
        model.warm_up()
        started = time.perf_counter()
        metrics = evaluate_relations(model, dev, conll04=True)
        seconds = time.perf_counter() - started
        r, e = metrics["relations"], metrics["entities"]
        print(
            f"joint {precision}: relation P {r['precision']:.1f} R {r['recall']:.1f} "
            f"F1 {r['f1']:.2f}; entity F1 {e['f1']:.2f}; {words:,} words in {seconds:.1f} s "
            f"= {words / seconds:,.0f} words/s",
            flush=True,
        )


def embedder(paragraphs: int = 2000, questions: int = 200) -> None:
    from kgqa.qa.retrieval.embed import PassageEmbedder
    from kgqa.qa.settings import Settings

    data = json.loads((SHARED / "qa" / "train.json").read_text())["data"]
    texts, qas = [], []
    for article in data:
        for para in article["paragraphs"]:
            if len(texts) == paragraphs:
                break
            texts.append(para["context"])
            for qa in para["qas"]:
                if qa.get("answers") and not qa.get("is_impossible"):
                    qas.append((qa["question"], [a["text"] for a in qa["answers"]]))
    step = max(1, len(qas) // questions)
    qas = qas[::step][:questions]
    settings = Settings()
    ranked = {}
    for precision in PRECISIONS:
        embed = PassageEmbedder(settings.embedder, "cpu", settings.embed_batch_size, precision)
        embed.warm_up()
        started = time.perf_counter()
        vectors = embed(texts)
        seconds = time.perf_counter() - started
        queries = embed([q for q, _ in qas])
        top = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
        ranked[precision] = top
        recall = np.mean(
            [
                any(a in texts[i] for i in row[:5] for a in answers)
                for row, (_, answers) in zip(top, qas)
            ]
        )
        print(
            f"embedder {precision}: {len(texts) / seconds:,.1f} passages/s ({seconds:.1f} s for "
            f"{len(texts)}); recall@5 {recall:.3f} on {len(qas)} questions",
            flush=True,
        )
    for precision in PRECISIONS[1:]:
        overlap = np.mean(
            [len(set(a) & set(b)) / 10 for a, b in zip(ranked["fp32"], ranked[precision])]
        )
        print(f"embedder top-10 overlap {precision} vs fp32: {overlap:.3f}")


def main() -> None:
    from kgqa.kg.models import cpu_has_bf16, set_torch_threads

    set_torch_threads(1)
    if not cpu_has_bf16():
        PRECISIONS.remove("bf16")
    if "--embedder-only" not in sys.argv:
        relations()
    if "--relations-only" not in sys.argv:
        embedder()


if __name__ == "__main__":
    main()
