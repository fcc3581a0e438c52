"""The kind of answer a question wants, and whether an answer is of that kind.

"The actor who played Captain Hook in Peter Pan Live! won the Academy Award for which film?"
wants a film; a reader that answers "Christopher Walken" has found the bridge, not the answer.
The kind comes from the question's main wh-phrase: its first word when that is a wh-word, else
its last one ("The arena where the team played can seat how many people?" wants a number, not
a place). Only a clear clash counts: the answer is a name that the graph types as something
the question cannot want (a person or a place for a time or a number, a person for a film or
a place, a date for a person). A phrase ("during the Roman Empire", "about a third") or an
untyped word always fits."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.squad import normalize_answer
from kgqa.qa.types import Mention

_WH = re.compile(
    r"(?i)\b(?P<wh>how many|how much|how long|what year|when|where|who|whom|which|what)\b"
    r"(?:\s+(?P<noun>[a-z]+))?"
)
_WORKS = set(
    "film movie show series sitcom album song single book novel play opera musical game "
    "magazine newspaper".split()
)
_PLACES = set("region island river area".split())
# places that are settlements or states: never an organisation, a building or an event
_SETTLEMENTS = set("city town country state county village nation province capital".split())
_MEASURES = {"DATE", "TIME", "CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"}
# the graph labels of a name that is clearly not what each kind wants
_CLASH = {
    "time": {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "WORK_OF_ART", "PRODUCT", "LANGUAGE"},
    "number": {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "WORK_OF_ART", "PRODUCT"},
    "work": {"PERSON", "GPE", "NORP", *_MEASURES},
    "place": {"PERSON", "WORK_OF_ART", *_MEASURES},
    "settlement": {"PERSON", "WORK_OF_ART", "ORG", "FAC", "PRODUCT", "EVENT", "NORP", *_MEASURES},
    "person": _MEASURES,
    # a hop that asks for someone ("the mother of X"): no place, thing or date
    "someone": {"GPE", "LOC", "FAC", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT",
                "LANGUAGE", *_MEASURES},
}  # fmt: skip


def wanted_kind(question: str) -> str | None:
    """``time``, ``number``, ``work``, ``place``, ``settlement`` (a city, a country ...) or
    ``person``; None when unsure."""
    found = list(_WH.finditer(question))
    if not found:
        return None
    main = found[0] if found[0].start() == len(question) - len(question.lstrip()) else found[-1]
    wh, noun = main.group("wh").lower(), (main.group("noun") or "").lower()
    if wh in ("when", "what year"):
        return "time"
    if wh.startswith("how "):
        return "number"
    if wh == "where":
        return "place"
    if wh in ("who", "whom"):
        return "person"
    if noun in ("year", "date", "day", "month", "decade", "century"):
        return "time"
    if noun in _WORKS:
        return "work"
    if noun in _PLACES:
        return "place"
    if noun in _SETTLEMENTS:
        return "settlement"
    return None


def fits(kind: str | None, labels: set[str]) -> bool:
    """Whether an answer that is a name with these graph ``labels`` (empty: not a name) can be
    of ``kind``: False only when every label clashes with it."""
    clash = _CLASH.get(kind or "", set())
    return not (labels and labels <= clash)


def name_labels(mentions: list[Mention], text: str, start: int, end: int) -> set[str]:
    """The graph labels of the mentions (of one passage) that are the answer ``text`` at
    characters start..end of its document: the same words, not a phrase around them."""
    key = normalize_answer(text)
    return {
        m.node.rsplit(":", 1)[-1]
        for m in mentions
        if m.overlaps(start, end) and normalize_answer(m.text) == key
    }


# words a place's name may hold in lower case ("Stratford upon Avon", "Isle of Man")
_SMALL_WORDS = {"of", "the", "de", "la", "le", "upon", "on", "and", "in", "am", "del", "du"}


def answer_fits(
    service: Any, generation: Any, kind: str | None, passage_id: str, text: str, start: int,
    end: int,
) -> bool:  # fmt: skip
    """Whether the answer ``text`` at characters start..end of its document (in passage
    ``passage_id`` of ``generation``) can be of ``kind``, by the graph labels of the
    passage's mentions (``fits``). A place is a name: most of its words are capitalised
    ("Russian physicist and liberal politician" is no birthplace), and it has letters ("1959"
    is no birthplace either)."""
    if kind in ("place", "settlement"):
        words = [w for w in text.split() if w.lower() not in _SMALL_WORDS]
        if sum(w[:1].isupper() or w[:1].isdigit() for w in words) * 2 < len(words):
            return False
        if not re.search(r"[^\W\d_]", text):
            return False
    mentions = service.passage_mentions(generation, passage_id)
    return fits(kind, name_labels(mentions, text, start, end))
