"""What someone did before retiring, where a page says they are "a retired" one: "What did
Kofi Osei do before retiring?" of "He is a retired accountant". The reader does not take
"retired accountant" for the work done before retiring (probability 0.06); a found passage
that says so is read once more with "He was, before retiring, an accountant" (0.59), and what
follows the words put in is one more answer, at its place in the passage (setting
``short_name_answers``)."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.serve.short_name_reads import Piece, read_replaced
from kgqa.qa.types import Answer, Hit

# a question of the work before retiring ("What did X do before retiring?", "What was her job
# before she retired?")
_ASKS_FORMER = re.compile(
    r"\bbefore\s+(?:retiring|(?:he|she|they)\s+retired|(?:his|her|their)\s+retirement)\b",
    re.I,
)
# "is a retired accountant", "was a retired bank manager", ", a retired solicitor,"
_RETIRED = re.compile(r"\b(?:is|was)\s+an?\s+retired\s+(?=(\w))|(?<=,\s)an?\s+retired\s+(?=(\w))")


def former_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in the passages of
    ``hits`` that call someone "a retired" one, where the question asks what was done before
    retiring: the passage read with "was, before retiring, a" for each "is a retired" in turn; a
    span is what follows those words (the passage's own), at its place in the passage."""
    if not _ASKS_FORMER.search(question):
        return []
    pieces: list[Piece] = [
        (hit, 0, len(hit.passage.text), [(m.start(), m.end(), _said(m))])
        for hit in hits
        for m in _RETIRED.finditer(hit.passage.text)
    ]
    return read_replaced(service, question, pieces, clip=True)


def _said(m: re.Match[str]) -> str:
    """What is read for a match of ``_RETIRED``: "was, before retiring, an " for "is a retired
    " (the article the next word takes), ", before retiring a " after a comma."""
    article = "an " if (m.group(1) or m.group(2) or "").lower() in set("aeiou") else "a "
    return f"was, before retiring, {article}" if m.group(1) else f"before retiring {article}"
