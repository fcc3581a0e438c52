"""Supporting-paragraph recall@5 of hybrid retrieval and of hybrid+graph at several graph weights.

For each multi-hop file, its paragraphs pooled into one store (build it once with
`kgqa eval multihop --data FILE --store DIR`), every question is searched with `hybrid` and
with `hybrid+graph` (BM25 + dense + the personalised-PageRank graph ranking) at each
`--weights` value; recall@5 counts the question's supporting paragraphs among the first five
documents. This is how the default `graph_weight` was chosen (the best pooled recall).

    python benchmarks/multihop_retrieval.py \
        --pair ../shared/data/multihop/2wiki_dev.jsonl=build/mh/2wiki \
        --pair ../shared/data/multihop/musique_ans_dev.jsonl=build/mh/musique \
        --pair ../shared/data/multihop/hotpot_distractor_dev.jsonl=build/mh/hotpot
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", action="append", required=True, help="FILE.jsonl=STORE_DIR")
    parser.add_argument("--weights", default="0.5,0.65,0.8")
    args = parser.parse_args()
    weights = [0.0] + [float(w) for w in args.weights.split(",")]

    from kgqa.qa.evaluation.multihop import load_multihop, pool_paragraphs, support_recall
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings

    pooled: dict[float, list[float]] = {w: [] for w in weights}
    for pair in args.pair:
        data, store = pair.split("=", 1)
        records = load_multihop(Path(data))
        with tempfile.TemporaryDirectory() as tmp:
            supporting = pool_paragraphs(records, Path(tmp) / "pool.jsonl")
        retriever = QAService(Settings(store=Path(store))).retriever()
        started = time.perf_counter()
        found: dict[float, list[float]] = {w: [] for w in weights}
        for record, gold in zip(records, supporting):
            for weight in weights:
                retriever.graph_weight = weight
                mode = "hybrid+graph" if weight else "hybrid"
                hits = retriever.search(record["question"], 10, mode)
                found[weight].append(support_recall([h.passage.doc_id for h in hits], gold))
        for weight in weights:
            pooled[weight] += found[weight]
        row = ", ".join(
            f"{'hybrid' if w == 0 else f'graph {w}'}: {sum(v) / len(v):.3f}"
            for w, v in found.items()
        )
        print(
            f"{Path(data).name} ({len(records)} questions): {row} "
            f"[{time.perf_counter() - started:.0f} s]"
        )
    row = ", ".join(
        f"{'hybrid' if w == 0 else f'graph {w}'}: {sum(v) / len(v):.3f}" for w, v in pooled.items()
    )
    print(f"pooled ({len(pooled[0.0])} questions): {row}")


if __name__ == "__main__":
    main()
