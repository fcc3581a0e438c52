"""Questions about the people of a graph corpus, answered or not: for every person of a gold
file (`kgqa eval graph`'s format), "Where was X born?" and "Who is X married to?" are asked of a
store of the corpus, once with the setting graph_veto off and once on. A question whose
relation the gold file states of X should be answered with a gold entity; the others are not
answered by the documents, so the right move is "no answer". Prints the counts of each case and
the questions answered wrongly or where the documents do not say.

    python benchmarks/graph_questions.py --gold tests/data/graph_corpus/gold.json \\
        --docs tests/data/graph_corpus/docs [--store DIR]

Without --store, the documents are ingested into a temporary store first (the shipped models).
"Right" is loose: the answer holds a gold name, or a gold name holds the answer.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

QUESTIONS = {
    "Born_In": "Where was {name} born?",
    "Spouse": "Who is {name} married to?",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--store", type=Path)
    args = parser.parse_args()

    from kgqa.qa.ingest import pipeline
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings
    from kgqa.qa.squad import normalize_answer

    gold = json.loads(args.gold.read_text())
    entities = gold["entities"]
    stated: dict[tuple[str, str], set[str]] = {}
    for head, relation, tail, *_ in gold["triples"]:
        stated.setdefault((head, relation), set()).add(tail)
        if relation == "Spouse":
            stated.setdefault((tail, relation), set()).add(head)

    def names(key: str) -> set[str]:
        entity = entities[key]
        return {normalize_answer(n) for n in [entity["name"], *entity.get("aliases", [])]} - {""}

    asked = [
        (template.format(name=entity["name"]), stated.get((key, relation), set()))
        for key, entity in entities.items()
        if entity["type"] == "PERSON"
        for relation, template in QUESTIONS.items()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "store"
            assert pipeline.run([args.docs], Settings(store=store)).committed
        answered = sum(1 for _, golds in asked if golds)
        print(f"{len(asked)} questions: {answered} the gold file answers, the others not")
        for veto in (False, True):
            service = QAService(Settings(store=store, graph_veto=veto, warm=False))
            counts = dict.fromkeys(
                ["answered right", "answered wrong", "abstained", "no answer (right)",
                 "answered where the documents do not say"], 0)  # fmt: skip
            wrong = []
            for question, golds in asked:
                result = service.ask(question)
                text = result.answers[0].text if result.answers else ""
                got = normalize_answer(text)
                if golds:
                    right = bool(got) and any(n in got or got in n for g in golds for n in names(g))
                    case = "answered right" if right else "answered wrong" if got else "abstained"
                else:
                    case = (
                        "no answer (right)"
                        if not got
                        else "answered where the documents do not say"
                    )
                counts[case] += 1
                if case in ("answered wrong", "answered where the documents do not say"):
                    wrong.append(f"{question} -> {text!r}")
            print(
                f"graph_veto {'on ' if veto else 'off'}: "
                + ", ".join(f"{k} {v}" for k, v in counts.items())
            )
            for line in wrong:
                print("   ", line)


if __name__ == "__main__":
    main()
