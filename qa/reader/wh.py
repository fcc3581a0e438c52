"""What kind of answer a question asks for, from its wh-word: the answer verifier weighs an
answer's shape against it, and the reader trims a who-answer that runs on past its names."""

from __future__ import annotations

import re

WH_WORDS = (
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "how many",
    "how much",
    "how long",
    "what year",
    "which",
    "what",
    "why",
    "how",
)
QUESTION_TYPES = ("person", "time", "place", "number", "which", "what", "why", "how", "other")
_TYPE_OF = {
    "who": "person",
    "whom": "person",
    "whose": "person",
    "when": "time",
    "what year": "time",
    "where": "place",
    "how many": "number",
    "how much": "number",
    "how long": "number",
    "which": "which",
    "what": "what",
    "why": "why",
    "how": "how",
}
WORD = re.compile(r"\w+", re.UNICODE)


def question_type(question: str) -> str:
    """The kind of answer a question asks for, from its wh-word (the first one it holds)."""
    q = " " + " ".join(WORD.findall(question.lower())) + " "
    found = [(q.find(f" {w} "), -len(w), w) for w in WH_WORDS if f" {w} " in q]
    if not found:
        return "other"
    return _TYPE_OF[min(found)[2]]
