"""Answers read in a field line: a passage the search found that holds lines of the form
"Key: value" (a directory's "Documentation: Samuel Adeyemi", a README's "License: MIT", a
contact page's "Media contact: Priya Raman") and a question that names a key ("Who writes the
documentation?", every word of the key among the question's, stemmed) has that line read
alone too. The reader's span in the line's value is one more answer, which competes with the
others by the verifier's probability, and an answer read in the value of another field line of
that passage (a key the question does not name) is not shown.

Read whole, a list of such lines is a run of names with nothing between them, and the reader
answered "Who writes the documentation?" with the release manager of the line above.
"""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.types import Answer, Hit

# at most this many lines are read per question (in the order of the search's hits)
MAX_FIELDS = 3
# a line "Key: value": a key of a capital and at most four words, a value of one line
_FIELD = re.compile(
    r"^[ \t]*(?:[-*\u2022][ \t]+)?([A-Z][\w&/'()-]*(?:[ \t]+[\w&/'()-]+){0,3})[ \t]*:[ \t]+"
    r"(\S[^\n]{0,150})$",
    re.M,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# words that name no field: the question's asking words and its glue
_GLUE = set(
    """who whom whose what which where when why how is are was were be been being am do does
    did has have had the a an of to in on at by for from with and or its his her their our
    your my this that these those it he she they we you i there here as""".split()
)


# words that make a question ask about another holder than a key names: "Who is the deputy
# project lead?" is not answered by "Project lead: Marta Lindgren"
_OTHER_HOLDER = set(
    """deputy assistant acting interim former previous past vice co associate junior senior
    next new old first second third last other backup alternate outgoing incoming""".split()
)


def field_keys(text: str) -> set[str]:
    """The stems of the words of ``text`` that could name a field (its glue left out)."""
    from kgqa.qa.store.index import stemmer

    words = [w.lower() for w in _WORD.findall(text)]
    return set(stemmer().stemWords([w for w in words if w not in _GLUE]))


def field_lines(text: str, question: str) -> list[tuple[int, int, int]]:
    """The field lines of ``text`` whose key the question names: (line start, where the
    value starts, line end). None in a text of one line (a paragraph that opens with
    "Note: ..." is no list of fields), nor a line whose key the question asks about another
    holder of ("deputy", "former", ... that the line does not say)."""
    if "\n" not in text.strip():
        return []
    asked = field_keys(question)
    others = {w.lower() for w in _WORD.findall(question)} & _OTHER_HOLDER
    found = []
    for m in _FIELD.finditer(text):
        key = field_keys(m.group(1))
        line = {w.lower() for w in _WORD.findall(m.group(0))}
        if key and key <= asked and others <= line:
            found.append((m.start(), m.start(2), m.end()))
    return found


def other_fields(question: str, answers: list[Answer]) -> set[int]:
    """Which ``answers`` (their ids) lie in the value of a field line whose key the question
    does not name, in a passage with a line whose key it names: "3 February 2025" of "Start
    date: ..." for "When is the planned launch?" beside "Planned launch: autumn 2027"."""
    out = set()
    for a in answers:
        text = a.context
        named = field_lines(text, question)
        if not named:
            continue
        start, end = a.start - a.passage_start, a.end - a.passage_start
        for m in _FIELD.finditer(text):
            if m.start(2) <= start and end <= m.end() and m.start() not in {n[0] for n in named}:
                out.add(id(a))
    return out


def field_read_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in the field lines of the
    passages of ``hits`` whose key ``question`` names (``field_lines``), each line read alone,
    under its passage's first line when that is a short heading with words of the question
    the line lacks ("Who sponsors Project Helios?" over "PROJECT HELIOS - FACT SHEET" and
    "Sponsor: Orbital Dynamics Ltd"); a span outside the line's value is none."""
    wanted = [
        (hit, start, value, end)
        for hit in hits
        for start, value, end in field_lines(hit.passage.text, question)
    ][:MAX_FIELDS]
    if not wanted:
        return []
    contexts, lead = [], []
    for hit, start, _, end in wanted:
        text = hit.passage.text
        head = text[: text.find("\n")].strip() if start > 0 else ""
        # the heading helps only with words of the question the line lacks ("Helios")
        wants = field_keys(question) - field_keys(text[start:end])
        short = head and len(head.split()) <= 12 and ":" not in head
        head = head if short and field_keys(head) & wants else ""
        prefix = f"{head}\n\n" if head else ""
        contexts.append(prefix + text[start:end])
        lead.append(len(prefix))
    readings, probabilities = service.read_contexts(question, contexts)
    found = []
    for (hit, start, value, _), skip, reading, probability in zip(
        wanted, lead, readings, probabilities
    ):
        span = reading.span
        if span is None or not span.text.strip() or start - skip + span.start < value:
            continue
        found.append(hit.passage.answer(span, probability, offset=start - skip))
    return found


def add_field_reads(
    service: Any, question: str, hits: list[Hit], groups: dict[str, list[Answer]]
) -> None:
    """``QAService.read_hits``'s step for field lines: the answers ``field_read_answers``
    finds join ``groups`` (answers by their normalised text) where they pass the service's
    margin (without a verifier), and those ``other_fields`` names leave it."""
    from kgqa.qa.squad import normalize_answer

    for a in field_read_answers(service, question, hits):
        if a.probability is not None or a.score > service.no_answer_threshold:
            groups.setdefault(normalize_answer(a.text) or a.text, []).append(a)
    hidden = other_fields(question, [a for copies in groups.values() for a in copies])
    for key in list(groups):
        groups[key] = [a for a in groups[key] if id(a) not in hidden]
        if not groups[key]:
            del groups[key]
