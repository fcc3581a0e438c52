"""Build the retrieval dev corpus that README's `kgqa eval retrieval` figures were measured on.

    python benchmarks/retrieval_corpus.py --out build/retrieval
    kgqa eval retrieval --squad build/retrieval/heldout.json \
        --distractors build/retrieval/distractors.jsonl --store build/retrieval/store \
        --modes bm25,dense,hybrid,graph,hybrid+graph,hybrid+reader \
        --ranks build/retrieval/heldout_ranks.jsonl
    kgqa eval retrieval --squad build/retrieval/sample400.json --store build/retrieval/store \
        --modes bm25,dense,hybrid,graph,hybrid+graph

The second command adds the sample's paragraphs to the store (4,147 passages in all); the
README's held-out figures are from the first command run once more after it, on that store.

From ../shared/data/qa/train.json (Wikipedia parts only: SQuAD, SQuADShifts new_wiki, QED):
- heldout.json: the Wikipedia articles among the reader's dev articles (data/reader/dev.json,
  never trained on);
- distractors.jsonl: whole paragraphs of the first other Wikipedia articles in file order,
  `{"id", "title", "text"}`, so that with the held-out paragraphs there are 3,100;
- sample400.json: 400 answerable questions (seed 5) from the remaining Wikipedia articles
  (trained on by the reader, so fit only for modes without the reader).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_QA = REPO.parent / "shared" / "data" / "qa" / "train.json"
HEX_ID = re.compile(r"[0-9a-f]{24}")


def is_wikipedia(question_id: str) -> bool:
    return bool(HEX_ID.fullmatch(question_id)) or question_id.startswith(
        ("squadshifts-newwiki", "qed")
    )


def article_is_wikipedia(article: dict) -> bool:
    return any(is_wikipedia(q["id"]) for p in article["paragraphs"] for q in p["qas"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=REPO / "build" / "retrieval")
    parser.add_argument(
        "--paragraphs", type=int, default=3100, help="Held-out plus distractor paragraphs."
    )
    parser.add_argument("--sample", type=int, default=400)
    args = parser.parse_args()
    train = json.loads(SHARED_QA.read_text())["data"]
    dev = json.loads((REPO / "data" / "reader" / "dev.json").read_text())["data"]
    held = [a for a in dev if article_is_wikipedia(a)]
    held_paragraphs = len(
        {
            (a["title"], p["context"])
            for a in held
            for p in a["paragraphs"]
            if any(q["answers"] and not q.get("is_impossible") for q in p["qas"])
        }
    )
    dev_titles = {a["title"] for a in dev}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "heldout.json").write_text(json.dumps({"version": "v2.0", "data": held}))

    distractors, used = [], set()
    for article in train:
        if len(distractors) >= args.paragraphs - held_paragraphs:
            break
        if article["title"] in dev_titles or not article_is_wikipedia(article):
            continue
        used.add(article["title"])
        for n, p in enumerate(article["paragraphs"]):
            if len(distractors) == args.paragraphs - held_paragraphs:
                break
            distractors.append(
                {"id": f"d-{article['title']}-{n}", "title": article["title"], "text": p["context"]}
            )
    with (args.out / "distractors.jsonl").open("w") as fh:
        fh.writelines(json.dumps(d) + "\n" for d in distractors)

    candidates = [
        (a["title"], p["context"], q)
        for a in train
        if a["title"] not in dev_titles and a["title"] not in used
        for p in a["paragraphs"]
        for q in p["qas"]
        if is_wikipedia(q["id"]) and q["answers"] and not q.get("is_impossible")
    ]
    picked = random.Random(5).sample(candidates, min(args.sample, len(candidates)))
    grouped: dict[str, dict[str, list[dict]]] = {}
    for title, context, q in picked:
        grouped.setdefault(title, {}).setdefault(context, []).append(q)
    sample = {
        "version": "v2.0",
        "data": [
            {"title": t, "paragraphs": [{"context": c, "qas": qs} for c, qs in ps.items()]}
            for t, ps in grouped.items()
        ],
    }
    (args.out / "sample400.json").write_text(json.dumps(sample))
    print(
        f"{args.out}: heldout.json ({len(held)} articles, {held_paragraphs} paragraphs with an "
        f"answerable question), distractors.jsonl ({len(distractors)} paragraphs of "
        f"{len(used)} articles), sample400.json ({len(picked)} questions, {len(grouped)} "
        "articles)"
    )


if __name__ == "__main__":
    main()
