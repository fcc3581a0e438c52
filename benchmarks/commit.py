"""The cost of committing a small change to a large store: seconds per step of the store's
commit (copy or reuse, apply, bm25, graph, digest, changes, write, checksums, fsync) when one
document is edited in stores of each size, and the seconds the writer takes to open (verify)
the base first, as `kgqa ingest` does once per run.

    python benchmarks/commit.py                        # 20k and 200k passages
    python benchmarks/commit.py --sizes 200000 --rounds 5

The stores are synthetic and built through the real store code (no models run): passages are
Wikipedia paragraphs of ../shared/data/qa/train.json (repeated, their sentences shuffled),
each a document of its own; vectors are random unit vectors; each passage has 5 mentions of
entities drawn from a vocabulary of 0.3 entities per passage by a Zipf law (exponent 0.7: the
most frequent entity takes about 1% of all mentions, as abc:ORG takes 110 of 9,744 in a store
kgqa built from 1,265 Wikipedia paragraphs), and 2 relation evidence rows between them. Each
round edits one document and commits with the default keep_generations (3), so from the
third round on a commit may reuse the SQLite file of the generation it prunes ("reused").
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED_QA = REPO.parent / "shared" / "data" / "qa" / "train.json"
LABELS = ["PERSON", "ORG", "GPE", "DATE", "NORP"]
RELATIONS = ["Work_For", "Located_In", "Live_In", "OrgBased_In", "Kill"]


def paragraphs() -> list[str]:
    data = json.loads(SHARED_QA.read_text())["data"]
    return list(dict.fromkeys(p["context"] for a in data for p in a["paragraphs"]))


class Synthesis:
    """Documents with passages, vectors, mentions and evidence, reproducible by number."""

    def __init__(self, size: int) -> None:
        self.texts = paragraphs()
        self.entities = max(1000, int(0.3 * size))
        self.dimension = 384
        self.cumulative = list(itertools.accumulate(r**-0.7 for r in range(1, self.entities + 1)))

    def document(self, i: int, edit: int = 0) -> object:
        from kgqa.kg.graph import EvidenceRow, MentionRow
        from kgqa.qa.store import PassageMention, ProcessedDocument
        from kgqa.qa.types import Document, Passage

        rng = random.Random(i * 1000 + edit)
        text = self.texts[i % len(self.texts)]
        if i >= len(self.texts) or edit:
            sentences = text.split(". ")
            rng.shuffle(sentences)
            text = ". ".join(sentences)
        doc_id = f"d{i:07d}"
        passage_id = f"{doc_id}#0"
        vector = np.random.default_rng(i * 1000 + edit).normal(size=(1, self.dimension))
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        mentions, nodes = [], []
        drawn = rng.choices(range(self.entities), cum_weights=self.cumulative, k=5)
        for k, e in enumerate(drawn):
            label = LABELS[e % len(LABELS)]
            name = f"Given{e} Family{e % 997}" if label == "PERSON" else f"Entity {e}"
            node = (
                f"given{e}-family{e % 997}:PERSON" if label == "PERSON" else f"entity-{e}:{label}"
            )
            start = (k * 40) % max(1, len(text) - 20)
            mentions.append(
                PassageMention(
                    passage_id,
                    MentionRow(node, name, label, doc_id),
                    text[start : start + 10],
                    start,
                    start + 10,
                )
            )
            nodes.append(node)
        evidence = []
        for k in range(2):
            head, tail = nodes[k], nodes[k + 2]
            if head != tail:
                evidence.append(
                    EvidenceRow(
                        head,
                        tail,
                        RELATIONS[(i + k) % len(RELATIONS)],
                        round(rng.random(), 4),
                        "joint",
                        doc_id,
                        passage_id,
                        0,
                        min(len(text), 120),
                        text[:120],
                    )
                )
        return ProcessedDocument(
            Document(doc_id, text, doc_id, f"h{i}-{edit}"),
            [Passage(passage_id, doc_id, 0, 0, len(text), text)],
            vector,
            mentions,
            evidence,
        )


def run(root: Path, size: int, rounds: int) -> dict:
    from kgqa.qa.ingest.commit import merge_rules, models_info
    from kgqa.qa.settings import Settings
    from kgqa.qa.store.generations import Store

    settings = Settings(store=root)
    synthesis = Synthesis(size)
    models = models_info(settings, synthesis.dimension)
    store = Store(root)
    keep = settings.keep_generations  # 3: each commit prunes (and so may reuse) one generation
    started = time.perf_counter()
    if not store.exists():
        with store.writer_lock():
            docs = [synthesis.document(i) for i in range(size)]
            store.commit(
                [],
                docs,
                models,
                settings.model_dump(mode="json"),  # type: ignore[arg-type]
                keep=keep,
                rules=merge_rules(settings),
            )
        del docs
    built = time.perf_counter() - started
    per_round = []
    for r in range(1, rounds + 1):
        i = random.Random(r).randrange(size)
        document = synthesis.document(i, edit=r)
        with store.writer_lock():
            # As `kgqa ingest` does: the writer opens (and verifies) the base once, at the start
            # of its run; the commit is what follows processing.
            started = time.perf_counter()
            base = store.open()
            opened = time.perf_counter()
            manifest = store.stage(
                [],
                [document],
                models,  # type: ignore[list-item]
                settings.model_dump(mode="json"),
                rules=merge_rules(settings),
                base=base,
                keep=keep,
            )
            store.publish(manifest.generation, keep)
            base.close()
            done = time.perf_counter()
        steps = {
            "open": opened - started,
            **store.stage_seconds,
            "total": done - opened,
            "reused": store.recycled is not None,
        }
        per_round.append(steps)
    current = store.open()
    return {
        "passages": size,
        "build_seconds": round(built, 1),
        "counts": current.manifest.counts,
        "generation_mb": round(
            sum(f.stat().st_size for f in current.path.rglob("*") if f.is_file()) / 2**20, 1
        ),
        "rounds": [
            {k: v if isinstance(v, bool) else round(v, 3) for k, v in s.items()} for s in per_round
        ],
        "commit_median_s": {
            k: round(statistics.median(s.get(k, 0.0) for s in per_round), 3)
            for k in per_round[-1]
            if k != "reused"
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--keep", type=Path, help="keep the stores in this folder (store-SIZE), and reuse them"
    )
    args = parser.parse_args()
    for size in args.sizes:
        if args.keep:
            print(json.dumps(run(args.keep / f"store-{size}", size, args.rounds)), flush=True)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run(Path(tmp) / "store", size, args.rounds)), flush=True)


if __name__ == "__main__":
    main()
