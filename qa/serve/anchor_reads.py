"""Answers read in the scope of the version or year a question names: "When was Quillon 2.0.0
released?" of release notes whose headings are "2.1.0 (2024-06-30)", "2.0.0 (2024-02-12)", ...;
"What was the revenue in 2019?" of a table of figures whose columns are 2025 and 2024.

Read whole, such a passage is a run of like facts told apart only by their version or year, and
the reader answered with the first section's (2.1.0's date). Here a question that names a
version or a year (its anchor) has, in each passage found that also names others of its kind
(its rivals), the anchor's scope read alone: the section under a heading that names it (a table's
cells are read by ``field_reads``). The reader's span there is one more answer, and an answer
read in a rival's scope (its section, or the cells under its column) and in none of the
anchor's is not shown; so where the passage never names the anchor, no answer in a rival's
scope is ("When was Quillon 3.0 released?" of those notes). An answer that is itself of the
anchor's kind is kept: it may be what is asked ("Which release dropped Python 3.8?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kgqa.qa.serve.field_reads import paragraph_spans, read_parts
from kgqa.qa.serve.field_shapes import TABLE, passage_fields
from kgqa.qa.types import Answer, Hit, Span

# at most this many scopes are read per question (in the order of the search's hits)
MAX_SCOPES = 3
# a version: numbers joined by dots ("2.0.0", "v3.1"), not an amount ("£4.2 million", "3.5%")
_DOTTED = re.compile(r"(?<![\w.$£€¥])[vV]?(\d+(?:\.\d+)+)(?![\w.]*\d)")
_AMOUNT = re.compile(r"\s*(?:%|percent\b|per cent\b|million\b|billion\b|thousand\b|bn\b|m\b|k\b)")
# a year: four digits from 1500 to 2199, not part of a larger number
_YEAR = re.compile(r"(?<![\d.,])(1[5-9]\d\d|2[01]\d\d)(?!\d|[.,]\d)")


@dataclass(frozen=True)
class Mark:
    """A version or a year in a text."""

    kind: str  # "version" or "year"
    text: str
    start: int
    end: int

    def names(self, anchor: Mark) -> bool:
        """Whether this mark names ``anchor``: the same year, or the same version or one of
        its releases ("3.0.1" names "3.0")."""
        if self.kind != anchor.kind:
            return False
        return self.text == anchor.text or (
            self.kind == "version" and self.text.startswith(anchor.text + ".")
        )


def marks(text: str) -> list[Mark]:
    """The versions and years of ``text``, in order."""
    found = [
        Mark("version", m.group(1), m.start(1), m.end(1))
        for m in _DOTTED.finditer(text)
        if not _AMOUNT.match(text, m.end())
    ]
    taken = [(m.start, m.end) for m in found]
    found += [
        Mark("year", m.group(1), m.start(1), m.end(1))
        for m in _YEAR.finditer(text)
        if not any(a <= m.start(1) < b for a, b in taken)
    ]
    return sorted(found, key=lambda m: m.start)


def sections(text: str, kin: list[Mark]) -> dict[Mark, tuple[int, int]]:
    """Where the section of each mark of ``kin`` (every mark of one kind in ``text``) that
    heads one lies: from a heading that names it (a paragraph of one short line) to the next
    heading of a mark of that kind, in a series of two such headings or more ("2.1.0 (...)",
    "2.0.0 (...)"). A mark elsewhere heads none, nor does a title's year alone ("Annual
    results 2025")."""
    paragraphs = paragraph_spans(text)
    series = [
        (a, b) for a, b in paragraphs if _heading(text[a:b]) and any(a <= k.start < b for k in kin)
    ]
    if len(series) < 2:
        return {}
    found = {}
    for n, (a, b) in enumerate(series):
        # to the end of the paragraph before the next heading of the series, or of the text
        stop = (
            max(e for _, e in paragraphs if e <= series[n + 1][0])
            if n + 1 < len(series)
            else len(text)
        )
        for k in kin:
            if a <= k.start < b:
                found[k] = (a, stop)
    return found


def _heading(block: str) -> bool:
    """A block of one short line that does not end a sentence ("2.0.0 (2024-02-12)")."""
    block = block.strip()
    return (
        bool(block) and "\n" not in block and len(block.split()) <= 12 and block[-1] not in ".!?:;,"
    )


@dataclass(frozen=True)
class Scopes:
    """The scopes of a question's anchors and of their rivals in one passage."""

    anchors: list[tuple[int, int]]
    rivals: list[tuple[int, int]]
    sections: list[tuple[int, int]]  # the anchors' sections (their cells are read as fields)


def passage_scopes(text: str, anchors: list[Mark]) -> Scopes | None:
    """The scopes of ``anchors`` and of their rivals in a passage's ``text``: a section under a
    heading of a series (``sections``), or in a table the cells under a column (or in a row)
    that a mark heads; None where no rival has one (nothing to tell apart). A mark in a
    sentence has none: on SQuAD 2.0 dev articles, its clauses read alone answered questions
    that the text does not answer, and hiding answers from a rival's clauses hid right ones."""
    kinds = {a.kind for a in anchors}
    kin = [m for m in marks(text) if m.kind in kinds]
    named = [m for m in kin if any(m.names(a) for a in anchors)]
    rivals = [m for m in kin if m not in named]
    if not rivals:
        return None
    tables = [(t.start(), t.end()) for t in TABLE.finditer(text)]
    cells = passage_fields(text) if tables else []

    def cells_under(m: Mark) -> list[tuple[int, int]]:
        """In a table, a year that heads a column (or a row) is the scope of its cells."""
        table = next(((a, b) for a, b in tables if a <= m.start < b), None)
        return [
            (f.start, f.end)
            for f in cells
            if table and table[0] <= f.start < table[1]
            if m.text in (f.column or "") or m.text in f.key
        ]

    headed = sections(text, kin)
    # each mark's scope: the cells under it, else its section (a mark in a table has none)
    cells_of = {m: cells_under(m) for m in kin}
    section_of = {m: headed[m] for m in kin if m in headed and not cells_of[m]}

    def scopes(of: list[Mark]) -> list[tuple[int, int]]:
        return sorted(
            {c for m in of for c in cells_of[m]} | {section_of[m] for m in of if m in section_of}
        )

    found = Scopes(
        scopes(named), scopes(rivals), sorted({section_of[m] for m in named if m in section_of})
    )
    return found if found.rivals else None


def rival_scoped(question: str, answers: list[Answer]) -> set[int]:
    """Which ``answers`` (their ids) lie in the scope of a rival of the question's anchors and
    in none of the anchors' scopes (and hold no mark of an anchor's kind themselves)."""
    anchors = marks(question)
    if not anchors:
        return set()
    kinds = {m.kind for m in anchors}
    out = set()
    of_passage: dict[str, Scopes | None] = {}  # each passage's scopes, found once
    for a in answers:
        if a.context not in of_passage:
            of_passage[a.context] = passage_scopes(a.context, anchors)
        scopes = of_passage[a.context]
        if scopes is None or {m.kind for m in marks(a.text)} & kinds:
            continue  # a version (a year) asked of a version (a year) may be the rival itself
        at = (a.start - a.passage_start, a.end - a.passage_start)
        if _within(at, scopes.rivals) and not _within(at, scopes.anchors):
            out.add(id(a))
    return out


def _within(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def anchor_read_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in the sections of the
    question's anchors in the passages of ``hits`` that name rivals too, each read alone
    under its passage's first line when that is a short heading with words of the question the
    scope lacks ("Quillon release notes"); a span outside the scope is none."""
    anchors = marks(question)
    if not anchors:
        return []
    parts = []
    for hit in hits:
        scopes = passage_scopes(hit.passage.text, anchors)
        for a, b in scopes.sections if scopes else []:
            parts.append((hit, hit.passage.text[a:b], 0, b - a, a))
    return read_parts(service, question, parts[:MAX_SCOPES])


# "Which version added ...?", "In which release was ... fixed?"
_WHICH_VERSION = re.compile(r"^\s*(?:in\s+|since\s+)?(?:which|what)\s+(?:version|release)\b", re.I)
_ASKING_VERSION = {"version", "releas"}


def version_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The version whose section holds the line a "Which version ...?" question names: in a
    passage of version headings ("2.3.0 (3 June 2026)" over "- Added: reminders with a due
    date."), the line that says every word of the question (stemmed) is read under its
    section's heading alone, and the heading's version is the answer where the reader's span
    lies on it. Read whole, the passage gave the first section's version or the line itself."""
    from kgqa.qa.serve.field_reads import field_keys

    if not _WHICH_VERSION.match(question) or marks(question):
        return []
    asked = field_keys(question) - _ASKING_VERSION
    # (hit, the version heading's mark, where its section starts, the heading, the line)
    found: list[tuple[Hit, Mark, int, str, str]] = []
    for hit in hits:
        text = hit.passage.text
        kin = [m for m in marks(text) if m.kind == "version"]
        for mark, (a, b) in sections(text, kin).items():
            head_end = text.find("\n", a)
            if head_end < 0:
                continue  # a heading with nothing under it
            lines = text[head_end:b].split("\n")
            line = next((s for s in lines if asked and asked <= field_keys(s)), None)
            if line is not None:
                found.append((hit, mark, a, text[a:head_end], line))
    if not found:
        return []
    found = found[:MAX_SCOPES]  # read in one batch
    readings, probabilities = service.read_contexts(
        question, [f"{heading}\n{line}" for _, _, _, heading, line in found]
    )
    answers = []
    for (hit, mark, a, heading, _), reading, probability in zip(found, readings, probabilities):
        span, at = reading.span, (mark.start - a, mark.end - a)
        if span is not None and span.start < at[1] and at[0] < span.end <= len(heading):
            answer = hit.passage.answer(
                Span(mark.text, span.score, mark.start, mark.end), probability
            )
            answer.named_field = True  # read in the line the question names
            answers.append(answer)
    return answers


def unversioned(question: str, answers: list[Answer]) -> set[int]:
    """Which ``answers`` (ids) name no version where a "Which version ...?" question has
    another answer that does ("old sync engine" of "Removed: the old sync engine (Classic
    Sync).", beside "2.5.0")."""
    if not _WHICH_VERSION.match(question):
        return set()
    versioned = {id(a) for a in answers if any(m.kind == "version" for m in marks(a.text))}
    return {id(a) for a in answers if id(a) not in versioned} if versioned else set()
