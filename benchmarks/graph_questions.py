"""Questions about the entities of a graph corpus, asked of a store of the corpus once with a
setting off and once on (default graph_veto).

Two sets of questions:
- people (default): for every person of a gold file (`kgqa eval graph`'s format), "Where was X
  born?" and "Who is X married to?". A question whose relation the gold file states of X should
  be answered with a gold entity; the others are not answered by the documents, so the right
  move is "no answer".
- --triples: one question per gold triple of a relation people ask about ("Who founded X?",
  "Where is X based?", "Who leads X?", ...), from the side the question names; every gold
  entity of that relation is a right answer.

Prints the counts of each case and the questions answered wrongly or where the documents do
not say.

    python benchmarks/graph_questions.py --gold tests/data/graph_corpus/gold.json \\
        --docs tests/data/graph_corpus/docs [--store DIR] [--triples] [--setting graph_answers]

Without --store, the documents are ingested into a temporary store first (the shipped models).
"Right" is loose: the answer holds a gold name, or a gold name holds the answer.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from corpus_questions import ask_off_and_on, case_of  # beside this script

QUESTIONS = {
    "Born_In": "Where was {name} born?",
    "Spouse": "Who is {name} married to?",
}
# relation -> (the question, whether it names the triple's head (else its tail))
TRIPLE_QUESTIONS = {
    "Founded_By": ("Who founded {name}?", True),
    "OrgBased_In": ("Where is {name} based?", True),
    "Leader_Of": ("Who leads {name}?", False),
    "Work_For": ("Who does {name} work for?", True),
    "Born_In": ("Where was {name} born?", True),
    "Died_In": ("Where did {name} die?", True),
    "Live_In": ("Where does {name} live?", True),
    "Spouse": ("Who is {name} married to?", True),
    "Owned_By": ("Who owns {name}?", True),
    "Creator_Of": ("Who created {name}?", False),
    "Parent_Of": ("Who is a parent of {name}?", False),
    "Member_Of": ("What is {name} a member of?", True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--triples", action="store_true", help="one question per gold triple")
    parser.add_argument("--setting", default="graph_veto", help="the boolean setting compared")
    args = parser.parse_args()

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

    if args.triples:
        by_question: dict[str, set[str]] = {}
        for head, relation, tail, *extra in gold["triples"]:
            if relation not in TRIPLE_QUESTIONS or (extra and extra[0].get("optional")):
                continue
            template, names_head = TRIPLE_QUESTIONS[relation]
            named = head if names_head else tail
            question = template.format(name=entities[named]["name"])
            by_question.setdefault(question, set()).add(tail if names_head else head)
        asked = list(by_question.items())
    else:
        asked = [
            (template.format(name=entity["name"]), stated.get((key, relation), set()))
            for key, entity in entities.items()
            if entity["type"] == "PERSON"
            for relation, template in QUESTIONS.items()
        ]
    answered = sum(1 for _, golds in asked if golds)
    print(f"{len(asked)} questions: {answered} the gold file answers, the others not")
    # every name of every gold entity is a right answer
    golds_of = [(question, [n for g in golds for n in names(g)]) for question, golds in asked]
    for answers in ask_off_and_on(args.store, args.docs, args.setting, golds_of):
        for (question, golds), text in zip(golds_of, answers):
            if case_of(text, golds) in (
                "answered wrong",
                "answered where the documents do not say",
            ):
                print("   ", f"{question} -> {text!r}")


if __name__ == "__main__":
    main()
