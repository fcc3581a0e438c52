"""The items of a list, told apart: an incident report's actions ("- [ ] Alert on every
certificate that expires within 30 days (owner: Sunita Rao, due 30 November)"), a guide's
landmarks, a changelog's entries.

Read whole, a list is a run of like facts, and the reader took the words that fit the question
best from any item: "Who owns the action to alert on expiring certificates?" got the owner of
the item above. So where a question shares more of its words with one item of a passage's
list than with any other (two words at least), that item is read alone too, and an answer read
in another item of that list is not shown (the setting ``field_answers``).
"""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.serve.field_reads import field_keys, paragraph_spans, question_names, read_parts
from kgqa.qa.types import Answer, Hit

# a list's item: a line that opens with a bullet or a number, and a checkbox after it or not
_ITEM = re.compile(r"^[ \t]*(?:[-*\u2022]|\d{1,2}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(\S[^\n]*)$", re.M)
# a list's item that lost its bullet: a paragraph of this many characters at most that opens
# with a checkbox, a time or a measure
_SHORT = 220
_MARKED = re.compile(
    r"[ \t]*(?:\[[ xX]\]|\d{1,2}:\d{2}"
    # or a recipe's measure: "225 g self-raising flour", "1 tablespoon black treacle"
    r"|\d+(?:[./]\d+)?[ \t]*(?:g|kg|ml|l|oz|lb|tbsp|tsp|tablespoons?|teaspoons?|cups?|pinch"
    r"|cloves?|pints?))[ \t]"
)
# a changelog's line, under a label of the kind of change ("New: ...", "Fixed: ...")
_LABELLED = re.compile(
    r"^[ \t]*(New|Added|Fixed|Changed|Removed|Deprecated|Security|Improved|Breaking|Dropped|"
    r"Updated|Feature|Fix|Bugfix)[ \t]*:[ \t]+\S[^\n]*$",
    re.M | re.I,
)
# at most this many items are read per question
MAX_ITEMS = 2
# a field's line whose value lists parts, the parts after the first named by their own words
# ("Tickets: £15, students £5, from Wivenhoe Bookshop"; "Warranty: frame 5 years, motor and
# battery 2 years")
_FIELD_LINE = re.compile(r"^[ \t]*([A-Z][^:\n]{0,40}):[ \t]+(\S[^\n]*)$", re.M)
# a part named by its own words before its number or price ("students £5", "motor and battery
# 2 years"); not a name, an address or a number alone ("Highways team", "0300 1234 222")
_LABELLED_VALUE = re.compile(
    r"([A-Za-z][A-Za-z'-]*(?:[ \t]+[A-Za-z][A-Za-z'-]*)*)[ \t]+[£$€\d]"
    # or by a word in lower case before a name or a code ("model TK-170", "colours Slate and
    # Sand")
    r"|([a-z][a-z'-]*)[ \t]+(?=[A-Z])"
)

# a part of a field's value: up to a comma or a bracket, not a number's comma ("£3,000")
_PART = re.compile(r"(?:[^,()]|(?<=\d),(?=\d{3}(?!\d)))+")


def passage_items(text: str) -> list[tuple[int, int]]:
    """Where the items of the lists of a passage's ``text`` lie: lines that open with a bullet
    or a number (their text after it), and paragraphs of one short line that open with a
    checkbox, a time or a measure (a Markdown list, whose bullets ingestion drops: "[ ] Alert
    on ...", a timeline's "09:47 The on-call engineer ...", a recipe's "50 g cold butter"), and
    a changelog's lines under a label of a kind of change ("New: ...", "Fixed: ..."); none
    where it has fewer than two."""
    found = [m.span(1) for m in _ITEM.finditer(text)]
    found += [
        (a, b)
        for a, b in paragraph_spans(text)
        if b - a <= _SHORT and "\n" not in text[a:b] and _MARKED.match(text, a, b)
    ]
    # a changelog's lines under a label of a kind of change, two or more ("New: dark mode,
    # contributed by Yusuf Demir." beside "New: export a project's issues as CSV.")
    labelled = [m.span(0) for m in _LABELLED.finditer(text)]
    found += labelled if len(labelled) >= 2 else []
    return sorted(set(found)) if len(found) >= 2 else []


def asked_item(text: str, question: str) -> tuple[int, int] | None:
    """The item of ``text``'s lists that ``question`` shares the most words with (stemmed,
    its glue left out): two at least, and more than with any other item."""
    return _asked(text, passage_items(text), field_keys(question))


def _asked(text: str, items: list[tuple[int, int]], asked: set[str]) -> tuple[int, int] | None:
    """``asked_item`` over the ``items`` of ``text`` already found, for a question of word
    stems ``asked``."""
    shared = sorted(((len(field_keys(text[a:b]) & asked), (a, b)) for a, b in items), reverse=True)
    if not shared or shared[0][0] < 2 or (len(shared) > 1 and shared[1][0] == shared[0][0]):
        return None
    return shared[0][1]


def _measured(text: str, items: list[tuple[int, int]], question: str) -> tuple[int, int] | None:
    """Where ``question`` asks "How much" or "How many" of a thing, the one item of ``items``
    that opens with a number and names that thing ("How much flour goes into the scones?" of
    a recipe's "225 g self-raising flour")."""
    thing = _HOW_MUCH.match(question)
    stems = field_keys(thing[1]) if thing else set()
    counted = [(a, b) for a, b in items if text[a].isdigit() and stems & field_keys(text[a:b])]
    return counted[0] if len(counted) == 1 else None


# "How much flour ...?", "How many eggs ...?": the thing counted
_HOW_MUCH = re.compile(r"\s*how\s+(?:much|many)\s+([A-Za-z][\w-]*)", re.I)


def value_parts(
    text: str, question: str
) -> list[tuple[str, tuple[int, int], list[tuple[int, int]]]]:
    """The parts of each field line's value in ``text`` (a comma between them, two or more)
    where ``question`` asks one of them: it shares a word (stemmed, its glue and the field's
    key left out) with the words that name that part before its number or price
    (``_LABELLED_VALUE``), and with no other part's; for a "who" question, the one part that
    says "by" someone after a verb of the question's ("reported by Priya Nair"). Each as (the
    field's key, the part asked, all the line's parts)."""
    found = []
    stems = field_keys(question)
    unnamed = field_keys(" ".join(question_names(question)))
    who = re.match(r"\s*who\b", question, re.I)
    for m in _FIELD_LINE.finditer(text):
        parts = [(m.start(2) + p.start(), m.start(2) + p.end()) for p in _PART.finditer(m[2])]
        parts = [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in parts]
        if len(parts) < 2:
            continue
        asked = stems - field_keys(m[1])
        labels = [_LABELLED_VALUE.match(text, a, b) for a, b in parts]
        label_words = [field_keys(lm[1] or lm[2]) if lm else set() for lm in labels]
        shared = [p for p, words in zip(parts, label_words) if words & asked]
        agents = [(a, b) for a, b in parts if _by_whom(text[a:b], asked)] if who else []
        if len(agents) == 1:  # "Who reported the crash ...?" of "a crash ..., reported by X"
            shared = agents
        if len(shared) > 1:  # the names of the question say what it is about, not what it asks
            # ("What is the model number of the Arlo kettle?" of "Arlo 1.7 litre electric
            # kettle, model TK-170")
            asked -= unnamed
            shared = [p for p, words in zip(parts, label_words) if words & asked]
        if len(shared) == 1:
            found.append((m[1], shared[0], parts))
    return found


_BY = re.compile(r"\b([A-Za-z]+)\s+by\s+[A-Z]")


def _by_whom(part: str, asked: set[str]) -> bool:
    """Whether ``part`` of a value names who did what a question asks (a verb of its stems
    ``asked``): "reported by Priya Nair" for "Who reported ...?"."""
    return any(field_keys(m[1]) & asked for m in _BY.finditer(part))


def other_items(question: str, answers: list[Answer]) -> set[int]:
    """Which ``answers`` (their ids) lie in an item of a list other than the one ``question``
    asks (``asked_item``) of their passage, or in another part of a field's value than the
    one it asks (``value_parts``)."""
    out = set()
    stems = field_keys(question)
    of_passage: dict[str, tuple[list[tuple[int, int]], tuple[int, int] | None, list[Any]]] = {}
    for a in answers:
        if a.context not in of_passage:  # its lists and fields read once
            items = passage_items(a.context)
            of_passage[a.context] = (
                items,
                _asked(a.context, items, stems) or _measured(a.context, items, question),
                value_parts(a.context, question),
            )
        items, asked, valued = of_passage[a.context]
        start, end = a.start - a.passage_start, a.end - a.passage_start
        if asked is not None and not asked[0] <= start < end <= asked[1]:
            if any(s <= start and end <= e for s, e in items):
                out.add(id(a))
        for _, (s, e), parts in valued:
            if not s <= start < end <= e and any(ps <= start < pe for ps, pe in parts):
                out.add(id(a))
    return out


def item_read_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in the items of the
    passages of ``hits`` that ``question`` asks (``asked_item``), each read alone."""
    parts = []
    stems = field_keys(question)
    for hit in hits:
        text = hit.passage.text
        items = passage_items(text)
        if (span := _asked(text, items, stems)) is not None:
            a, b = span
            parts.append((hit, text[a:b], 0, b - a, a))
        elif (span := _measured(text, items, question)) is not None:
            # read after the passage's first line as a sentence of its own: "Aunt Nell's
            # Treacle Scones. 225 g self-raising flour" (0.48 for "How much flour goes into
            # the treacle scones?", the item read alone 0.14)
            a, b = span
            title = text.strip().split("\n", 1)[0].strip().rstrip(".")
            title = f"{title}. " if 0 < len(title.split()) <= 8 and title != text[a:b] else ""
            parts.append((hit, f"{title}{text[a:b]}", len(title), b - a, a))
        # the part read after its key: "Warranty: motor and battery 2 years"
        parts += [
            (hit, f"{key}: {text[a:b]}", len(key) + 2, b - a, a)
            for key, (a, b), _ in value_parts(text, question)
        ]
    return read_parts(service, question, parts[:MAX_ITEMS])
