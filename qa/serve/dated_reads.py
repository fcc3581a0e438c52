"""Answers read in the section of a dated list that a question names: "When is Dr Tomás Ruiz's
seminar?" of a seminar list whose headings are dates ("13 January", "27 January", "10 February")
with a speaker and a title under each. Read whole, such a passage is a run of like entries told
apart by the date over each; the reader found the right date with probability 0.26. Here the
one section whose entry says every name of the question (or whose heading is the date it
names) is read alone, its heading with it, and the reader's span there is one more answer
(setting ``anchor_answers``): the date at 0.70."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.multihop.facts import MONTH
from kgqa.qa.serve.anchor_reads import Mark, sections
from kgqa.qa.serve.field_reads import paragraph_spans, question_names
from kgqa.qa.types import Answer, Hit

# at most this many sections are read per question (in the order of the search's hits)
MAX_SECTIONS = 3
# a heading that is a date alone: "10 February", "Wednesday 3 March 2027", "March 10"
_DAY_MONTH = re.compile(
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?[ \t]+)?"
    rf"(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?[ \t]+(?P<m1>{MONTH})\.?"
    rf"|(?P<m2>{MONTH})\.?[ \t]+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)"
    r"(?:,?[ \t]+\d{4})?",
    re.I,
)
# the words of a name that are a title, not the name ("Dr Ruiz" is said by "Dr Tomás Ruiz")
_TITLES = {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "sir", "dame", "cllr", "rev"}


def _day(m: re.Match[str]) -> tuple[str, str]:
    """A date's day and the first three letters of its month."""
    return (m.group("d1") or m.group("d2")), (m.group("m1") or m.group("m2"))[:3].lower()


def dated_sections(text: str) -> list[tuple[int, int, tuple[str, str]]]:
    """The sections of a passage's ``text`` under its headings that are dates alone, in a
    series of two such headings or more (``anchor_reads.sections``, each date its heading's
    mark): where each starts (at its heading) and ends (before the next such heading, or at the
    text's end), and its heading's day and month."""
    days: dict[Mark, tuple[str, str]] = {}
    for a, b in paragraph_spans(text):
        m = _DAY_MONTH.fullmatch(text[a:b].strip())
        if m:
            days[Mark("date", text[a:b].strip(), a, b)] = _day(m)
    return [(a, end, days[mark]) for mark, (a, end) in sections(text, list(days)).items()]


def _says(section: str, name: str) -> bool:
    """Whether ``section`` says every word of ``name`` but its titles, as words."""
    words = [w for w in name.split() if w.lower().strip(".") not in _TITLES]
    return bool(words) and all(
        re.search(rf"(?<!\w){re.escape(w)}(?!\w)", section, re.I) for w in words
    )


def named_section(text: str, question: str) -> tuple[int, int] | None:
    """Where the one section of a passage's ``text`` (``dated_sections``) that ``question``
    names lies: the one whose heading is the day and month it names, else the one whose text
    says every name of it (``question_names``); None where no one section is named."""
    days = {_day(m) for m in _DAY_MONTH.finditer(question)}
    names = [] if days else question_names(question)
    sections = dated_sections(text) if days or names else []
    named = [
        (a, b)
        for a, b, day in sections
        if (day in days if days else all(_says(text[a:b], n) for n in names))
    ]
    return named[0] if len(named) == 1 else None


def dated_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The reader's answers in the one section of each passage of ``hits`` that the question
    names (``named_section``), read alone with its heading; a span outside the section is
    none."""
    parts = []  # (hit, where the section starts, its text)
    for hit in hits:
        text = hit.passage.text
        if (span := named_section(text, question)) is not None:
            parts.append((hit, span[0], text[span[0] : span[1]].rstrip()))
    parts = parts[:MAX_SECTIONS]
    if not parts:
        return []
    readings, probabilities = service.read_contexts(question, [t for _, _, t in parts])
    answers = []
    for (hit, a, _), reading, probability in zip(parts, readings, probabilities):
        if reading.span is not None and reading.span.text.strip():
            answers.append(hit.passage.answer(reading.span, probability, offset=a))
    return answers
