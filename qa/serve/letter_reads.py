"""Who wrote a letter, where it ends with a closing line and the writer's name under it ("With
love,\nGranny May"): the reader does not take a name under "With love," for the writer ("Who
wrote the letter to Robin?" got a name from the letter's first sentence, 0.12); a found passage
that opens with a greeting ("Dear Robin,") is read once more up to that name, with "The letter
was written by" in the closing line's place (0.72), and the name is one more answer, at its
place in the passage (setting ``short_name_answers``)."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.serve.short_name_reads import Piece, read_replaced
from kgqa.qa.types import Answer, Hit

# "Who wrote the letter to Robin?", "Who sent the email?", "Who signed the card?"
_ASKS_WRITER = re.compile(
    r"^\s*who\s+(?:wrote|writes|sent|signed)\b.*?\b(letter|note|e-?mail|card|message)\b", re.I
)
# a letter's greeting, on its first line
_GREETING = re.compile(r"\s*(?:dear|hi|hello|dearest|to)\s+[A-Z][^\n]{0,60}\n", re.I)
# a closing line of its own, and the line under it that opens with a capital: the name
_CLOSING = re.compile(
    r"^[ \t]*(?:(?:with\s+)?(?:love|best\s+wishes|all\s+best\s+wishes|many\s+thanks|thanks|"
    r"kind\s+regards|warm\s+regards|best\s+regards|regards|all\s+the\s+best)|best|cheers|"
    r"yours(?:\s+(?:sincerely|faithfully|truly|ever))?|(?:sincerely|faithfully)(?:\s+yours)?)"
    r"[ \t]*,?[ \t]*\n[ \t]*(?=[A-Z])([^\n]*)",
    re.I | re.M,
)


def letter_writer_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads as the writer of the
    letters among the passages of ``hits``, where ``question`` asks who wrote one: each read
    from its start to the end of the line under its last closing line, that closing line
    replaced by "The {letter} was written by "."""
    asks = _ASKS_WRITER.search(question)
    if asks is None:
        return []
    said = f"The {asks[1].lower()} was written by "
    pieces: list[Piece] = [
        (hit, 0, end, [(start, name, said)])
        for hit in hits
        if (signed := signature(hit.passage.text)) is not None
        for start, name, end in [signed]
    ]
    return read_replaced(service, question, pieces)


def signature(text: str) -> tuple[int, int, int] | None:
    """Where a letter's ``text`` (one that opens with a greeting) has its last closing line
    and the name under it: (the closing line's start, the name's start, the name line's end);
    None for a text of no greeting or no closing line."""
    closings = list(_CLOSING.finditer(text)) if _GREETING.match(text) else []
    if not closings:
        return None
    last = closings[-1]
    return last.start(), last.start(1), last.end(1)
