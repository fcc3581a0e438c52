"""What someone did before retiring, where a page says they are "a retired" one: "What did
Kofi Osei do before retiring?" of "He is a retired accountant". The reader does not take
"retired accountant" for the work done before retiring (probability 0.06); a found passage
that says so is read once more with "He was, before retiring, an accountant" (0.59), and what
follows the words put in is one more answer, at its place in the passage (setting
``short_name_answers``). Likewise where someone worked before, where a page says they joined
"from" there: "Where did Alison Reddy work before Kilnworth?" of "Professor Reddy joined
Kilnworth in 2012 from Durham University" (0.27) is read with "joined Kilnworth in 2012, having
worked before that at Durham University" (0.94)."""

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


# a question of the work before ("Where did Dr Haddad work before?", "Where was she before
# joining the school?"), not of the work before retiring
_ASKS_BEFORE = re.compile(r"^\s*where\s+(?:did|was|were|had)\b[^?]*\bbefore\b", re.I)
# a join from a place: "joins us from a practice in Leeds", "joined Kilnworth in 2012 from
# Durham University" (the words between no clause's end)
_JOINED_FROM = re.compile(
    r"\b(?:joins|joined|joining|join|rejoins|rejoined)\b"
    r"(?:[ \t\n]+[\w'\u2019-]+){0,6}?(?P<sep>[ \t\n]+from[ \t\n]+)(?=\w)",
    re.I,
)
_BEFORE_AT = ", having worked before that at "


def former_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in the passages of
    ``hits`` that call someone "a retired" one, where the question asks what was done before
    retiring: the passage read with "was, before retiring, a" for each "is a retired" in turn; or
    that say someone joined "from" a place, where the question asks where they were before:
    the passage read to that sentence's end with ", having worked before that at" for that
    "from". A span is what follows those words (the passage's own), at its place in the
    passage."""
    if _ASKS_FORMER.search(question):
        pieces: list[Piece] = [
            (hit, 0, len(hit.passage.text), [(m.start(), m.end(), _said(m))])
            for hit in hits
            for m in _RETIRED.finditer(hit.passage.text)
        ]
    elif _ASKS_BEFORE.match(question):
        # up to the end of its sentence: read whole, the passage gave "Leeds on 8 February. Dr
        # Haddad trained at the University of Edinburgh"; the sentence alone lost the name
        # before its "She" ("She joined from DHL Supply Chain in 2021.")
        pieces = [
            (hit, 0, _sentence_end(hit.passage.text, m.end()), [(*m.span("sep"), _BEFORE_AT)])
            for hit in hits
            for m in _JOINED_FROM.finditer(hit.passage.text)
        ]
    else:
        return []
    return read_replaced(service, question, pieces, clip=True)


def _sentence_end(text: str, at: int) -> int:
    """Where the sentence of ``text`` that holds ``at`` ends (after its full stop, question or
    exclamation mark, or at a blank line or the text's end)."""
    ends = [e + 1 for e in (text.find(p, at) for p in (". ", "? ", "! ")) if e >= 0]
    ends += [e for e in (text.find("\n\n", at),) if e >= 0]
    return min(ends, default=len(text))


def _said(m: re.Match[str]) -> str:
    """What is read for a match of ``_RETIRED``: "was, before retiring, an " for "is a retired
    " (the article the next word takes), ", before retiring a " after a comma."""
    article = "an " if (m.group(1) or m.group(2) or "").lower() in set("aeiou") else "a "
    return f"was, before retiring, {article}" if m.group(1) else f"before retiring {article}"
