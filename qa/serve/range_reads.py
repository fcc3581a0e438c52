"""The end of a range that a question asks: "What time does the surgery open on Saturday?" of
"Saturday: 9am to 12 noon" got "12 noon" (0.72), the range's other end. A "when" question of
opening or starting asks a range's first end, one of closing, ending or "until" its last; an
answer that holds a range of times or dates, or lies in one, gives way to the end asked, at its
place in the passage, with the answer's probability (not a day's number alone: "24" of "24 to
26 December"). Where it opens, an answer the passage gives after "until" ("will open until
1pm") is the closing time, and is not shown (setting ``field_answers``)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from kgqa.qa.multihop.facts import MONTH
from kgqa.qa.types import Answer

# a question of when (a time, a date or a day)
WHEN = re.compile(r"^\s*(?:when|(?:at|from|until|till)?\s*what\s+(?:time|date|day))\b", re.I)
# a question of opening or starting (as an event: "When is the surgery open?" asks the hours)
_OPENS = re.compile(
    r"\b(?:opens|opened|opening|starts|started|starting|begins|began|beginning)\b|"
    r"\b(?:do|does|did|will|would|can)\b[^?]*\b(?:open|start|begin)\b",
    re.I,
)
_CLOSES = re.compile(
    r"\b(?:closes|closing|ends|ended|ending|finish(?:es|ed)|until|till)\b|"
    r"\b(?:do|does|did|will|would)\b[^?]*\b(?:close|end|finish)\b",
    re.I,
)
_MONTH = f"(?:{MONTH})"
_TIME = r"(?:\d{1,2}(?:[:.]\d\d)?[ \t]*(?:[ap]\.?m\.?)|(?:12[ \t]+)?(?:noon|midday|midnight))"
_DATE = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?(?:[ \t]+{_MONTH}(?:[ \t]+\d{{4}})?)?|{_MONTH}[ \t]+\d{{4}})"
_END = rf"(?:{_TIME}|{_DATE}|(?:1[5-9]|20)\d\d)"
_RANGE = re.compile(
    rf"\b(?P<a>{_END})[ \t]*(?:to|until|till|-|\u2013)[ \t]*(?P<b>{_END})(?![\w:.]*\d)", re.I
)
_UNTIL = re.compile(r"\b(?:until|till)[ \t]+$", re.I)


def asked_end(question: str) -> str | None:
    """Which end of a range a "when" question asks: "b" (the last) when something closes or
    ends, "a" (the first) when it opens or starts, else None."""
    if not WHEN.match(question):
        return None
    if _CLOSES.search(question):
        return "b"
    return "a" if _OPENS.search(question) else None


def range_ends(question: str, answers: list[Answer]) -> tuple[list[Answer], set[int]]:
    """The answers that give way to the end of a range ``question`` asks (``asked_end``), and
    which of ``answers`` (ids) are not shown: each that holds or lies in such a range, and,
    where it opens, each the passage gives after "until"."""
    end = asked_end(question)
    added: list[Answer] = []
    hidden: set[int] = set()
    if end is None:
        return added, hidden
    for a in answers:
        at = a.start - a.passage_start
        line_start = a.context.rfind("\n", 0, at) + 1
        line_end = a.context.find("\n", at + len(a.text))
        line = a.context[line_start : len(a.context) if line_end < 0 else line_end]
        here, there = at - line_start, at - line_start + len(a.text)
        if end == "a" and _UNTIL.search(line[:here]):
            hidden.add(id(a))
            continue
        for m in _RANGE.finditer(line):
            if m.start() < there and here < m.end() and (m.start(end), m.end(end)) != (here, there):
                text = m.group(end)
                if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", text):
                    break  # "24" of "24 to 26 December" says no date alone
                hidden.add(id(a))
                start = a.passage_start + line_start + m.start(end)
                added.append(
                    dataclasses.replace(
                        a, text=text, start=start, end=start + len(m.group(end)), also_in=[]
                    )
                )
                break
    return added, hidden


def part_range_ends(
    service: Any, question: str, answers: list[Answer]
) -> tuple[list[Answer], set[int]]:
    """``range_ends`` with the setting ``field_answers`` on, else nothing."""
    if not service.settings.field_answers:
        return [], set()
    return range_ends(question, answers)
