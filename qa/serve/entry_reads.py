"""The entries of a directory, told apart: a staff list, a team page or a membership roll whose
paragraphs each open with a person's name ("Tomasz Wierzbicki - Chief Financial Officer since
January 2024. He previously worked ...").

Read whole, such a passage is a run of like facts about several people, and the reader took
the words that fit the question best from any of them: "Where did Tomasz Wierzbicki work
before Corvane?" got the Whitcombe Institute of the entry above ("Before Corvane she led ...").
So where a question names the person of an entry, an answer read in another entry of that
passage is not shown. A passage is a directory when two of its paragraphs or more open with a
name (the setting ``field_answers``). The entry is not read alone: on the user corpora that
answered one more question right and one that the documents do not answer ("Where was Imani
Okoye born?" from "She grew up in Lagos"), as reading a clause alone did on SQuAD 2.0.
"""

from __future__ import annotations

import re

from kgqa.qa.serve.field_reads import paragraph_spans
from kgqa.qa.types import Answer

# a paragraph that opens with a name of two to four capitalised words (after a title), then a
# dash, a comma, a colon or a bracket: "Tomasz Wierzbicki - Chief Financial Officer ..."
_ENTRY = re.compile(
    r"(?:(?:Dr|Prof|Mr|Mrs|Ms|Mx|Sir|Dame)\.?\s+)?"
    r"([A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+){1,3})\s*[-\u2013\u2014,:(]"
)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def passage_entries(text: str) -> list[tuple[str, int, int]]:
    """The entries of a directory in a passage's ``text``: (name, start, end) of each paragraph
    that opens with a name (not in capitals) and tells something in a sentence; none where
    fewer than two paragraphs do."""
    found = []
    for a, b in paragraph_spans(text):
        m = _ENTRY.match(text, a, b)
        # an entry tells something in sentences; a title ("CORVANE THERAPEUTICS - LEADERSHIP
        # TEAM", "Acme - Our people") is no one's entry
        if m is not None and not m.group(1).isupper() and _SENTENCE_END.search(text, a, b):
            found.append((m.group(1), a, b))
    return found if len(found) >= 2 else []


def _asked(entries: list[tuple[str, int, int]], question: str) -> list[tuple[int, int]]:
    """Where the entries lie whose name ``question`` holds, when it holds one name only."""
    folded = question.casefold()
    named = [(a, b) for name, a, b in entries if name.casefold() in folded]
    return named if len(named) == 1 else []


def other_entries(question: str, answers: list[Answer]) -> set[int]:
    """Which ``answers`` (their ids) lie in an entry of a directory other than the one the
    question names, in a passage that has the one it names."""
    out = set()
    of_passage: dict[str, list[tuple[str, int, int]]] = {}  # each passage's entries, found once
    for a in answers:
        if a.context not in of_passage:
            of_passage[a.context] = passage_entries(a.context)
        entries = of_passage[a.context]
        asked = _asked(entries, question)
        if not asked:
            continue
        start, end = a.start - a.passage_start, a.end - a.passage_start
        if any(s <= start and end <= e for _, s, e in entries) and not any(
            s <= start and end <= e for s, e in asked
        ):
            out.add(id(a))
    return out
