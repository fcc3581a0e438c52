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
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

CASES = (
    "answered right",
    "answered wrong",
    "abstained",
    "no answer (right)",
    "answered where the documents do not say",
)


def case_of(text: str, golds: list[str]) -> str:
    """The case of a first answer ``text`` ("" for none) to a question whose right answers are
    ``golds`` (normalised as SQuAD does; none where the documents do not say): right when the
    answer holds one of them or one of them holds it."""
    from kgqa.qa.squad import normalize_answer

    got = normalize_answer(text)
    if not golds:
        return "no answer (right)" if not got else "answered where the documents do not say"
    right = bool(got) and any(g in got or got in g for g in golds if g)
    return "answered right" if right else "answered wrong" if got else "abstained"


def ask_off_and_on(
    store: Path | None, docs: Path, setting: str, asked: list[tuple[str, list[str]]]
) -> Iterator[list[str]]:
    """Each (question, its right answers: ``case_of``) of ``asked`` asked of ``store`` (a
    temporary store of ``docs`` when None, ingested with the shipped models) with the boolean
    ``setting`` off, then on. Prints the counts of each case and ask's p50 for each, then yields
    its first answers ("" for none)."""
    from kgqa.qa.ingest import pipeline
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        if store is None:
            store = Path(tmp) / "store"
            assert pipeline.run([docs], Settings(store=store)).committed
        for on in (False, True):
            service = QAService(Settings(store=store, warm=False, **{setting: on}))
            answers, seconds = [], []
            for question, _ in asked:
                began = time.perf_counter()
                result = service.ask(question)
                seconds.append(time.perf_counter() - began)
                answers.append(result.answers[0].text if result.answers else "")
            counts = Counter(case_of(text, golds) for text, (_, golds) in zip(answers, asked))
            print(
                f"{setting} {'on ' if on else 'off'}: "
                + ", ".join(f"{k} {counts[k]}" for k in CASES)
                + f"; ask p50 {statistics.median(seconds):.3f} s"
            )
            yield answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--setting", default="field_answers", help="the boolean setting compared")
    args = parser.parse_args()

    from kgqa.qa.squad import normalize_answer

    lines = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    asked = [(q["question"], [normalize_answer(a) for a in q["answers"]]) for q in lines]
    print(f"{len(asked)} questions, {sum(1 for q in lines if not q['answers'])} unanswered")
    firsts = list(ask_off_and_on(args.store, args.docs, args.setting, asked))
    for q, before, after in zip(lines, *firsts):
        if before != after:
            print(f"  {q['question']} {before!r} -> {after!r} (answers: {q['answers']})")


if __name__ == "__main__":
    main()
