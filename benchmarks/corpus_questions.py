"""Questions with known answers about a folder of documents, asked of a store of it once with
a setting off and once on (default field_answers).

    python benchmarks/corpus_questions.py --docs tests/data/user_corpora/docs \\
        --questions tests/data/user_corpora/questions.jsonl [--setting field_answers] [--store DIR]

`--questions` is JSONL of {"id", "question", "answers"}; "answers" is empty where the documents
do not say, so the right move there is "no answer". An answer is right when, normalised as
SQuAD does, it holds one of the answers or one of them holds it. Prints the counts of each case
for the setting off and on, the p50 of `ask`, and every question whose first answer differs.
Without --store, the documents are ingested into a temporary store first (the shipped models).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

CASES = ("right", "wrong", "abstained", "no answer (right)", "answered where not said")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--setting", default="field_answers", help="the boolean setting compared")
    args = parser.parse_args()

    from kgqa.qa.ingest import pipeline
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings
    from kgqa.qa.squad import normalize_answer

    asked = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "store"
            assert pipeline.run([args.docs], Settings(store=store)).committed
        print(f"{len(asked)} questions, {sum(1 for q in asked if not q['answers'])} unanswered")
        firsts: list[dict[str, str]] = []
        for on in (False, True):
            service = QAService(Settings(store=store, warm=False, **{args.setting: on}))
            counts = dict.fromkeys(CASES, 0)
            seconds, first = [], {}
            for q in asked:
                began = time.perf_counter()
                result = service.ask(q["question"])
                seconds.append(time.perf_counter() - began)
                text = result.answers[0].text if result.answers else ""
                first[q["id"]] = text
                got = normalize_answer(text)
                golds = [normalize_answer(a) for a in q["answers"]]
                if golds:
                    right = bool(got) and any(g in got or got in g for g in golds if g)
                    counts["right" if right else "wrong" if got else "abstained"] += 1
                else:
                    counts["no answer (right)" if not got else "answered where not said"] += 1
            firsts.append(first)
            print(
                f"{args.setting} {'on ' if on else 'off'}: "
                + ", ".join(f"{k} {v}" for k, v in counts.items())
                + f"; ask p50 {statistics.median(seconds):.3f} s"
            )
        for q in asked:
            before, after = firsts[0][q["id"]], firsts[1][q["id"]]
            if before != after:
                print(f"  {q['question']} {before!r} -> {after!r} (answers: {q['answers']})")


if __name__ == "__main__":
    main()
