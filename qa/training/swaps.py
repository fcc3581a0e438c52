"""Questions the paragraph no longer answers, made as SQuAD 2.0's writers made many of theirs:
one name or number of an answerable question replaced by another of the same kind that the
paragraph never mentions ("When did the Normans conquer England?" -> "When did the Vikings
conquer England?"). Rajpurkar et al. 2018 (SQuAD 2.0, table 2) count such entity swaps as about
a fifth of their unanswerable questions, and a reader fooled by them answers the original
question. ``kgqa train verifier`` reads one swap of each answerable question it can make, so
that the verifier learns from them and reports how often they are abstained on.

Names come from spaCy's entities (the pipeline of the setting spacy_model) in the file's
questions and paragraphs: a person's name is replaced by another person's name, a place by a
place. Numbers in dates and counts are moved by a few units (a year 1843 becomes 1851). The
replacement never occurs in the paragraph, so the paragraph cannot answer the new question.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from kgqa.qa.squad import SquadExample

NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"}
)
NUMBER_LABELS = frozenset({"DATE", "CARDINAL", "QUANTITY", "MONEY", "PERCENT", "TIME"})
_NUMBER = re.compile(r"\d+")


def _moved_number(text: str, context: str, rng: random.Random) -> str | None:
    """``text`` with its first number moved by a few units, so that it is not in ``context``."""
    found = _NUMBER.search(text)
    if found is None:
        return None
    value = int(found.group())
    spread = 15 if 1000 <= value <= 2100 else max(3, value // 5)  # a year moves by a few years
    for _ in range(20):
        step = rng.randint(2, spread) * rng.choice((-1, 1))
        if value + step <= 0:
            continue
        moved = text[: found.start()] + str(value + step) + text[found.end() :]
        if str(value + step) not in context:
            return moved
    return None


def swapped_questions(
    examples: Sequence[SquadExample], nlp: Any, seed: int = 13
) -> list[SquadExample]:
    """One swapped, unanswerable copy (qid + "-swapped") of each answerable question that names
    something its paragraph names too, where a replacement of the same kind can be found."""
    asked = [e for e in examples if e.answers]
    questions = list(nlp.pipe([e.question for e in asked]))
    paragraphs = sorted({e.context for e in examples})
    pool: dict[str, set[str]] = defaultdict(set)
    for doc in [*questions, *nlp.pipe(paragraphs)]:
        for ent in doc.ents:
            text = ent.text.strip()
            if ent.label_ in NAME_LABELS and len(text) > 2 and not _NUMBER.search(text):
                pool[ent.label_].add(text)
    names = {label: sorted(found) for label, found in pool.items()}
    rng = random.Random(seed)
    out: list[SquadExample] = []
    for e, doc in zip(asked, questions):
        answers = " ".join(t for t, _ in e.answers).lower()
        choices = [
            ent
            for ent in doc.ents
            if (ent.label_ in NAME_LABELS or ent.label_ in NUMBER_LABELS)
            and ent.text in e.context
            and ent.text.lower() not in answers
        ]
        if not choices:
            continue
        ent = rng.choice(choices)
        if ent.label_ in NUMBER_LABELS:
            new = _moved_number(ent.text, e.context, rng)
        else:
            lowered = e.context.lower()
            others = [n for n in names.get(ent.label_, ()) if n.lower() not in lowered]
            new = rng.choice(others) if others else None
        if new is None:
            continue
        question = e.question[: ent.start_char] + new + e.question[ent.end_char :]
        out.append(SquadExample(e.qid + "-swapped", e.title, e.context, question, ()))
    return out
