"""Answers read in a field: a passage the search found that holds lines of the form "Key:
value" (a directory's "Documentation: Samuel Adeyemi", a README's "License: MIT", a contact
page's "Media contact: Priya Raman") or a table of "| cell | cell |" rows, and a question that
names a key ("Who writes the documentation?": every word of the key among the question's,
stemmed) or a table's row and column ("What was the revenue in 2024?"), has that line or cell
read alone too (a cell as a sentence). The reader's span in the value is one more answer,
which competes with the others by the verifier's probability, and an answer read in the value
of another field of that passage (one the question does not name) is not shown.

Read whole, a list of such lines is a run of names with nothing between them, and the reader
answered "Who writes the documentation?" with the release manager of the line above; a table
of figures by year gave the 2024 question the 2025 column.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from kgqa.kg.canonical import SUPERSCRIPT_DIGITS
from kgqa.kg.text import is_table_rule
from kgqa.qa.types import Answer, Hit

# at most this many fields are read per question (in the order of the search's hits)
MAX_FIELDS = 3
# a line "Key: value": a key of a capital and at most four words, a value of one line
_FIELD = re.compile(
    r"^[ \t]*(?:[-*\u2022][ \t]+)?([A-Z][\w&/'()-]*(?:[ \t]+[\w&/'()-]+){0,3})[ \t]*:[ \t]+"
    r"(\S[^\n]{0,150})$",
    re.M,
)
# a table: lines of "| cell | cell |" rows, one after another
TABLE = re.compile(r"^[ \t]*\|[^\n]*\|[ \t]*(?:\n[ \t]*\|[^\n]*\|[ \t]*)+$", re.M)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# a blank line, or several, between two paragraphs
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
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
    next new old first second third last other backup alternate outgoing incoming retired
    retiring late""".split()
)


def field_keys(text: str) -> set[str]:
    """The stems of the words of ``text`` that could name a field (its glue left out)."""
    from kgqa.qa.store.index import stemmer

    words = [w.lower() for w in _WORD.findall(text)]
    return set(stemmer().stemWords([w for w in words if w not in _GLUE]))


@dataclass(frozen=True)
class Field:
    """One fact of a passage in the shape of a field: a line "Key: value", or a cell of a
    table under its row's first cell and its column's header."""

    key: str  # what a question names to ask it: the line's key, the row's first cell
    column: str | None  # the cell's column header (None: a line, or a table of two columns)
    line: str  # what the reader reads: "Planned launch: autumn 2027", "Revenue in 2024 was ..."
    value: int  # where the value starts in ``line``
    start: int  # where the value starts in the passage's text
    end: int  # where it ends there
    key_at: int  # where the key starts in ``line``
    key_start: int  # where the key starts in the passage's text

    @property
    def cell(self) -> str:
        """The value as the passage gives it."""
        return self.line[self.value : self.value + self.end - self.start]


def passage_fields(text: str) -> list[Field]:
    """The field lines and table cells of a passage's ``text``; no field line in a text of
    one line (a paragraph that opens with "Note: ..." is no list of fields)."""
    found = []
    if "\n" in text.strip():
        for m in _FIELD.finditer(text):
            if m.group(1).isupper() and " " in m.group(1):
                continue  # a transcript's speaker ("ADAEZE OKAFOR: I grow tomatoes"), no key
            found += _line_fields(m)
    for table in TABLE.finditer(text):
        found += _cells(text, table.start(), table.group(0))
    found += _dotted(text)
    found += _affiliations(text)
    found += _lifespans(text)
    for m in [*_NAME_AND_POST.finditer(text), *_NAME_DASH_POST.finditer(text)]:
        if _POST_WORDS & set(re.split(r"[\s-]+", m.group(2).casefold())):
            head = f"{m.group(1)} is the "  # read as "Henrik Aalto is the Chief Financial Officer."
            line = f"{head}{m.group(2)}."
            found.append(Field(m.group(2), None, line, 0, *m.span(1), len(head), m.start(2)))
    return found


# fields side by side on one line: "Status: resolved · Severity: SEV-1 · Author: Julia Brandt",
# "Council tax band: D. EPC rating: E. Tenure: freehold."
_SIDE_BY_SIDE = re.compile(
    r"(?:[ \t]+[\u00b7\u2022|]|[.;])[ \t]+([A-Z][\w&/'()-]*(?:[ \t]+[\w&/'()-]+){0,3})[ \t]*:"
    r"[ \t]+"
)


# a line of short facts parted by dots ("Serves 6 · Prep 30 minutes · Cook 45 minutes"), and
# one such fact: a word or three, the first capitalised, before a number ("Prep 30 minutes")
_DOTTED_LINE = re.compile(r"^[^\n]*[ \t][\u00b7\u2022][ \t][^\n]*$", re.M)
_DOTTED_FACT = re.compile(
    r"(?:^|[\u00b7\u2022][ \t]+)([A-Z][a-z]+(?:[ \t]+[a-z]+){0,2})[ \t]+"
    r"(\d[^\u00b7\u2022|:\n]*?)[ \t]*(?=[ \t][\u00b7\u2022]|$)"
)


def _dotted(text: str) -> list[Field]:
    """The facts of a line parted by dots that give no key of their own with a colon: "Serves
    6" of "Serves 6 · Prep 30 minutes", read as "Serves: 6" (a recipe's, a listing's line)."""
    found = []
    for line in _DOTTED_LINE.finditer(text):
        for fact in _DOTTED_FACT.finditer(line.group(0)):
            key, value = fact.group(1), fact.group(2)
            at, k = line.start() + fact.start(2), line.start() + fact.start(1)
            found.append(
                Field(key, None, f"{key}: {value}", len(key) + 2, at, at + len(value), 0, k)
            )
    return found


def _line_fields(m: re.Match[str]) -> list[Field]:
    """The fields of a "Key: value" line (``_FIELD``'s match ``m``): one, or one for each of
    the fields that a dot, a bar or a full stop parts ("Severity: SEV-1" of "Status: resolved ·
    Severity: SEV-1", "EPC rating: E" of "Council tax band: D. EPC rating: E.")."""
    keys = [(m.group(1), m.start(1), m.start(2))]
    keys += [
        (k.group(1), k.start(1), k.end()) for k in _SIDE_BY_SIDE.finditer(m.string, *m.span(2))
    ]
    out = []
    for n, (key, key_start, start) in enumerate(keys):
        end = keys[n + 1][1] if n + 1 < len(keys) else m.end()
        value = m.string[start:end].rstrip(" \t\u00b7\u2022|")
        if n + 1 < len(keys):
            value = value.rstrip(".;")
        out.append(
            Field(
                key, None, f"{key}: {value}", len(key) + 2, start, start + len(value), 0, key_start
            )
        )
    return out


# a person's name: two to four capitalised words, the particles of a surname among them
_PERSON_NAME = (
    r"((?:[A-Z][\w'.-]*|van|von|de|da|der|den|du|bin|al|le|la)"
    r"(?:[ \t]+(?:[A-Z][\w'.-]*|van|von|de|da|der|den|du|bin|al|le|la)){1,3})"
)
# a people page's entry: a line of a name, then (after a blank line or not) a short line of
# the post ("Henrik Aalto" over "Chief Financial Officer"): a field of key "Chief Financial
# Officer" and value "Henrik Aalto"
_NAME_AND_POST = re.compile(
    rf"^[ \t]*{_PERSON_NAME}[ \t]*\n"
    r"(?:[ \t]*\n)?[ \t]*([A-Z][\w&'-]*(?:[ \t]+[\w&'-]+){0,5})[ \t]*$",
    re.M,
)
# a team page's line of a name, a dash and the post, then what follows ("Gareth Lloyd —
# Treasurer. Formerly ...", "Dr Fiona Bright – Chief Executive since 2021."): the same field
_NAME_DASH_POST = re.compile(
    r"^[ \t]*(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms|Sir|Dame)\.?[ \t]+)?"
    rf"{_PERSON_NAME}"
    r"[ \t]+[\u2014\u2013-][ \t]+([A-Z][\w&'-]*(?:[ \t]+[\w&'-]+){0,5}?)"
    r"(?=[ \t]*(?:[.,;:(]|since\b|from\b|until\b|$))",
    re.M,
)
_POST_WORDS = {
    "officer", "president", "director", "head", "chair", "chairman", "chairwoman", "chairperson",
    "manager", "treasurer", "secretary", "founder", "lead", "leader", "coordinator", "editor",
    "engineer", "curator", "counsel", "partner", "dean", "principal", "ceo", "cfo", "coo", "cto",
    "executive", "trustee", "captain", "coach",
}  # fmt: skip


# a paper's authors, each with the marks of an affiliation ("Lena Hartmann¹, Kofi Asante²"),
# and an affiliation after its mark, on a line of its own or after the one before ("¹ Institute
# of Botany, ... ² Department of Plant Biology, University of Ghana"): a field of key "Kofi
# Asante" and value the affiliation
_MARKS = SUPERSCRIPT_DIGITS
_AUTHOR = re.compile(rf"([A-Z][\w'.-]+(?:[ \t]+[A-Z][\w'.-]+){{1,3}})([{_MARKS},]*[{_MARKS}])")
_AFFILIATION = re.compile(
    rf"(?:^|(?<=[ \t]))([{_MARKS}])[ \t]*([^{_MARKS}\s][^{_MARKS}\n]*?)"
    rf"(?=[ \t]+[{_MARKS}]|[ \t]*$)",
    re.M,
)


# a year of the last five centuries (the answer checks' too: ``read_checks``)
YEAR_DIGITS = r"(?:1[5-9]\d\d|20\d\d)"
# a name and the years of a life after it: "Edith Crane (1919–2004)"
_LIFESPAN = re.compile(
    rf"([A-Z][\w'.-]+(?:[ \t]+[A-Z][\w'.-]+){{1,3}})[ \t]*\([ \t]*({YEAR_DIGITS})[ \t]*"
    rf"[\u2013\u2014-][ \t]*({YEAR_DIGITS})[ \t]*\)"
)


def _lifespans(text: str) -> list[Field]:
    """The fields of the years of a life after a name (``_LIFESPAN``): "Edith Crane was born
    in 1919." and "Edith Crane died in 2004.", asked by a question that names the person and
    the birth or the death ("When did Edith Crane die?")."""
    found = []
    for m in _LIFESPAN.finditer(text):
        name = m.group(1)
        for group, key, said in ((2, "born", "was born in"), (3, "died", "died in")):
            head = f"{name} {said} "
            line = f"{head}{m.group(group)}."
            found.append(
                Field(f"{name} {key}", None, line, len(head), *m.span(group), 0, m.start(1))
            )
    return found


def _affiliations(text: str) -> list[Field]:
    """The fields of a paper's authors and their affiliations (``_AUTHOR``, ``_AFFILIATION``),
    each read as "{author} works at {affiliation}.", and asked by a question that names the
    author and the work ("Where does Kofi Asante work?")."""
    where = {m.group(1): m.span(2) for m in _AFFILIATION.finditer(text)}
    found = []
    for m in _AUTHOR.finditer(text) if where else ():
        for mark in m.group(2).replace(",", ""):
            if mark in where:
                head = f"{m.group(1)} works at "
                a, b = where[mark]
                line = f"{head}{text[a:b]}."
                # its "column" is the work: a question names it when it asks where they work
                found.append(Field(m.group(1), "work", line, len(head), a, b, 0, m.start(1)))
    return found


def _cells(text: str, at: int, table: str) -> list[Field]:
    """The data cells of a table of "| cell | cell |" rows starting at ``at`` in ``text``:
    each under its row's first cell and, in a table of three columns or more, its column's
    header (the first row, when a rule of dashes follows it)."""
    rows: list[list[tuple[int, int]]] = []  # each row's cells as (start, end) in ``text``
    rule: list[int] = []  # the rows that are a rule under a header row
    offset = at
    for line in table.split("\n"):
        if line.strip():
            if is_table_rule(line):
                rule.append(len(rows))
            cells: list[tuple[int, int]] = []
            cut = line.index("|") + 1
            for piece in line[cut:].split("|")[:-1] if line.rstrip().endswith("|") else []:
                left = len(piece) - len(piece.lstrip())
                body = piece.strip()
                cells.append((offset + cut + left, offset + cut + left + len(body)))
                cut += len(piece) + 1
            rows.append(cells)
        offset += len(line) + 1
    header = rows[0] if rule[:1] == [1] else None
    found = []
    for i, row in enumerate(rows):
        if i in rule or (header is not None and i == 0) or len(row) < 2:
            continue
        key = text[row[0][0] : row[0][1]]
        for j, (a, b) in enumerate(row[1:], start=1):
            column = None
            if len(row) > 2:
                if header is None or j >= len(header):
                    continue
                column = text[header[j][0] : header[j][1]]
            if not key or a == b:
                continue
            head, tail, key_at = _sentence(key, column)
            line = head + text[a:b] + tail
            found.append(Field(key, column, line, len(head), a, b, key_at, row[0][0]))
    return found


# a column of a time: a year, a quarter, a month
_TIME = re.compile(
    r"\b(?:1[5-9]\d\d|2\d\d\d|Q[1-4]|H[12]|FY\s?\d+|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
    r"nov|dec)",
    re.I,
)


def _timeline(f: Field) -> bool:
    """Whether ``f`` is a row of a timeline, a table of two columns whose first cell is a time
    ("| 1962 | Salt and Iron premiered |"): a question that names the event asks its time."""
    return f.column is None and f.key_at == 3 and f.line.startswith(f"In {f.key}: ")


def _sentence(key: str, column: str | None) -> tuple[str, str, int]:
    """The words a cell is read between, as a sentence (the reader and its verifier learnt
    on prose: "Employees, 2024: 175" got probability 0.18, "Employees in 2024 was 175." 0.77):
    "{row} in {time} was {cell}.", "The {column} of {row} is {cell}.", "{row} is {cell}.", and
    where the row's first cell starts in it."""
    if column is None:
        if _TIME.match(key) and len(key.split()) <= 3:
            return f"In {key}: ", ".", 3  # a timeline's row: "In 1962: Salt and Iron premiered."
        return f"{key} is ", ".", 0
    if _TIME.search(column):
        return f"{key} in {column} was ", ".", 0
    return f"The {column} of {key} is ", ".", len(f"The {column} of ")


def asked_fields(text: str, question: str) -> list[tuple[Field, bool]]:
    """The fields of ``text`` the question names, each with whether it asks the field's key
    rather than its value. A field is named when every word of its key (and of the cell's
    column header), stemmed, is among the question's ("Who manages releases?" names "Release
    manager"; "What was the revenue in 2024?" the cell of row "Revenue", column "2024"; "Who
    leads ...?" a column "Leader"); a cell's key is asked when the question names every word of
    the cell but not its key ("Who is the release manager?" of row "Felix Wagner", column
    "Role", cell "Release manager"). Not one whose holder the question says is another
    ("deputy", "former", ... that the field does not say), nor one whose key (or, asked
    backwards, whose cell in its column) the passage gives more than once (a "Name: ..." line
    in each record of a list: which one is meant, the line alone cannot say)."""
    return _named(passage_fields(text), question)


# the key words a question's asking word names beside its own ("When did SPARROW start?" names
# "Start date"), stemmed
_ASKED_BY = {
    "when": {"date", "year", "time", "day"},
    "where": {"place", "locat", "venu", "address"},
}


def _named(fields: list[Field], question: str) -> list[tuple[Field, bool]]:
    """``asked_fields`` over the fields of a passage already found."""
    if not fields:
        return []
    # a key given more than once ("Name: ..." in each record of a list) names no one field
    seen = Counter((f.key.casefold(), f.column) for f in fields)
    cells = Counter((f.cell.casefold(), f.column) for f in fields)
    asked = field_keys(question) | numbers(question)
    # a key of the asking word's too, beside one of the question's own ("Start date")
    implied = _ASKED_BY.get(
        question.split(maxsplit=1)[0].lower() if question.strip() else "", set()
    )
    words = [w.lower() for w in _WORD.findall(question)]
    out = []
    for f in fields:
        said = {w.lower() for w in _WORD.findall(f.line)}
        # what a key says in brackets need not be asked: "Winter (1 September - 31 May)"
        bare = _BRACKETS.sub("", f.key).strip() or f.key
        key = field_keys(bare) | numbers(bare)
        if not _other_holders(words, key) <= said or _name_key_only(f, question, asked):
            continue
        column = field_keys(f.column) | numbers(f.column) if f.column else set()
        # a key of two joined by "and" is named by one of them ("Behaviour and attitudes")
        halves = [field_keys(h) for h in re.split(r"\s+(?:and|&)\s+", bare)]
        if (
            seen[(f.key.casefold(), f.column)] == 1
            and (
                _among(key, asked)
                or (key & asked and _among(key, asked | implied))
                or (len(halves) == 2 and any(_among(h, asked) for h in halves))
            )
            and (f.column is None or _among(column, asked))
        ):
            out.append((f, False))
            continue
        if (
            (f.column is not None or _timeline(f))
            and cells[(f.cell.casefold(), f.column)] == 1
            and _WORD.search(f.cell)
            and _among(field_keys(f.cell), asked)
            and not _among(key, asked)
        ):
            out.append((f, True))
    return out


def _other_holders(words: list[str], key: set[str]) -> set[str]:
    """The words of ``_OTHER_HOLDER`` among a question's ``words`` that stand before a word of
    the ``key`` (stemmed), at most three words before it: "deputy" of "Who is the deputy
    project lead?" for "Project lead", not "first" of "Which label released the first
    recording ...?" for "Label"."""
    from kgqa.qa.store.index import stemmer

    stems = stemmer().stemWords(words)
    return {
        w
        for i, w in enumerate(words)
        if w in _OTHER_HOLDER and any(s in key for s in stems[i + 1 : i + 4])
    }


_BRACKETS = re.compile(r"\s*\([^)]*\)")
# what a question asks of a name's line ("What is Marta Lindgren's role?" of "Marta Lindgren:
# project lead"), stemmed
_ROLE_STEMS = {"role", "job", "post", "posit", "titl", "work", "respons"}


def _name_key_only(f: Field, question: str, asked: set[str]) -> bool:
    """Whether the field's key is a name the question names as what it is about, and the
    question asks what the line does not say: "Who scored Kirkmoor Rovers' goal against
    Alderbay?" is not asked of a team sheet's "Alderbay: Marsh; Quinn, Adebayo, ..."."""
    words = f.key.split()
    if f.column is not None or not all(w[:1].isupper() for w in words) or f.key not in question:
        return False
    rest = asked - field_keys(f.line) - numbers(f.line)
    return bool(rest - _ROLE_STEMS)


def _among(stems: set[str], asked: set[str]) -> bool:
    """Whether every one of ``stems`` is among ``asked`` (none: False), an agent noun's as
    its verb's ("leader" asked by "leads", "founder" by "founded")."""
    return bool(stems) and all(
        s in asked or (len(s) > 4 and s.endswith(("er", "or")) and s[:-2] in asked) for s in stems
    )


def numbers(text: str) -> set[str]:
    """The numbers of ``text`` (a year heads a column: "2024")."""
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def other_fields(question: str, answers: list[Answer]) -> set[int]:
    """Which ``answers`` (their ids) lie in the value of a field the question does not name,
    in a document with a field it names: "3 February 2025" of "Start date: ..." for "When is
    the planned launch?" beside "Planned launch: autumn 2027"; last year's revenue for "What
    was the revenue in 2025?"."""
    out = set()
    of_passage: dict[str, tuple[list[Field], set[tuple[int, int]]]] = {}  # parsed once each
    naming = set()  # the documents with a passage that holds a field the question names
    for a in answers:
        if a.context not in of_passage:
            fields = passage_fields(a.context)
            named = _named(fields, question)
            of_passage[a.context] = (
                fields,
                {
                    (f.key_start, f.key_start + len(f.key)) if back else (f.start, f.end)
                    for f, back in named
                },
            )
        if of_passage[a.context][1]:
            naming.add(a.doc_id)
    for a in answers:
        fields, kept = of_passage[a.context]
        # passages overlap: "Error E1: ..." at the end of one passage, beside no named field,
        # is still another field than the "Error E2" the next passage of the document holds
        if a.doc_id not in naming:
            continue
        start, end = a.start - a.passage_start, a.end - a.passage_start
        within = [(f.start, f.end) for f in fields if f.start <= start and end <= f.end]
        within += [t.span() for t in TABLE.finditer(a.context) if t.start() <= start < t.end()]
        # nor any other cell of a table: its header ("Days" of "| Season | Days | Hours |"),
        # a row's first cell that the question does not ask for
        if within and not any(k[0] <= start and end <= k[1] for k in kept):
            out.add(id(a))
    return out


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Where the paragraphs of a passage's ``text`` lie: the runs between blank lines (a
    heading is one; so is a directory's entry, or a table)."""
    cuts = list(_BLANK_LINES.finditer(text))
    return list(zip([0] + [m.end() for m in cuts], [m.start() for m in cuts] + [len(text)]))


def heading_prefix(text: str, wants: set[str], before: int | None = None) -> str:
    """What to read before a part of a passage's ``text``: its first line and a blank line,
    when that line is a short heading (with a colon only when it is a paragraph of its own:
    "SPARROW: a phase 2 trial ...") with one of the stems ``wants`` (the question's, that the
    part lacks: "Helios" of "PROJECT HELIOS - FACT SHEET"), or a number of ``wants`` ("2025"
    of "Annual Review 2025"); else a title line below it, before the part (at ``before``) and
    among the passage's first lines of no colon and no full stop ("A Hartley Celebration"
    under "HALLAM PHILHARMONIC" and "Season 2026-27 · Concert 4"); else nothing."""
    head = text[: text.find("\n")].strip() if "\n" in text else ""
    # a colon only in a heading that is a paragraph of its own ("SPARROW: a phase 2 trial")
    own = text[len(head) :].lstrip(" \t").startswith(("\n\n", "\n \n", "\n\t\n"))
    short = (
        head and len(head.split()) <= _HEAD_WORDS and (":" not in head or own) and "|" not in head
    )
    if short and (field_keys(head) | numbers(head)) & wants:
        return f"{head}\n\n"
    lines = text[: len(text) if before is None else before].split("\n")[1:-1]
    for line in lines[:_TITLE_LINES]:
        line = line.strip()
        if not line or ":" in line or "|" in line or line.endswith(".") or len(line.split()) > 8:
            break  # the title lines end where a field, a table or a sentence starts
        if (field_keys(line) | numbers(line)) & wants:
            return f"{line}\n\n"
    return ""


# how many lines under a passage's first a title line may stand
_TITLE_LINES = 4
# how many words a passage's first line read as its heading may have ("The first recording of
# the Tideway Symphony, made two years after its premiere." over a record's fields)
_HEAD_WORDS = 16


def field_read_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in the fields of the
    passages of ``hits`` that ``question`` names (``asked_fields``), each read alone (a table
    cell as a sentence: ``_sentence``), under its passage's first line when that is a short heading
    with words of the question the field lacks ("Who sponsors Project Helios?" over "PROJECT
    HELIOS - FACT SHEET" and "Sponsor: Orbital Dynamics Ltd"); a span outside the value (or,
    where the question asks the key, outside the key) is none. An answer whose passage names
    every name of the question is ``named_field``: it is shown before those read elsewhere."""
    asked = [(hit, f, back) for hit in hits for f, back in asked_fields(hit.passage.text, question)]
    said = sentence_keys(hits) if asked else []
    wanted = [
        (hit, f, back)
        for hit, f, back in asked
        if not said_of_another(question, hit.passage.text, f, said)
    ]
    parts = [
        (hit, f.line, f.key_at, len(f.key), f.key_start)
        if back
        else (hit, f.line, f.value, f.end - f.start, f.start)
        for hit, f, back in wanted[:MAX_FIELDS]
    ]
    found = read_parts(service, question, parts)
    # its names, not its first word, less a possessive's "'s" or "'" ("the Trust's income",
    # "Greyfriars' overall effectiveness")
    names = [
        re.sub(r"['\u2019]s?$", "", n)
        for n in re.findall(r"(?<=\w )[A-Z][\w'\u2019-]*(?: [A-Z][\w'\u2019-]*)*", question)
    ]
    for a in found:
        a.named_field = all(n.casefold() in a.context.casefold() for n in names)
    return found


# a sentence of a passage: up to a full stop, a question or exclamation mark, or a line's end
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def sentence_keys(hits: list[Hit]) -> list[set[str]]:
    """The stems (``field_keys``) of each sentence of the passages of ``hits``, for
    ``said_of_another``: stemmed once per question, for all the fields it asks."""
    return [field_keys(s) for hit in hits for s in _SENTENCE.findall(hit.passage.text)]


def said_of_another(question: str, text: str, field: Field, sentences: list[set[str]]) -> bool:
    """Whether the question asks the field's key of something the field's passage ``text``
    does not name but one of the ``sentences`` (``sentence_keys`` of the hits) does, with that
    key: "When was the Alderbay women's team founded?" asks "Founded: 1894" of the club's
    infobox (under a heading that names Alderbay) no more, where a sentence says "The women's
    team, founded in 2015"."""
    if field.column is not None:
        return False  # a cell's key is its row's name, not what the question asks of it
    heading = heading_prefix(text, field_keys(question), field.key_start)
    own = field_keys(field.line) | field_keys(heading)
    key = field_keys(_BRACKETS.sub("", field.key) or field.key)
    # the verb of a key that is its agent noun is the key's own ("conducts": "Conductor")
    rest = field_keys(question) - own - {k[:-2] for k in own if k.endswith(("er", "or"))}
    return bool(rest and key) and any(rest <= said and _among(key, said) for said in sentences)


def _names_org(text: str, name: str) -> bool:
    """Whether a passage's ``text`` names the organisation ``name``, in full or by its short
    name (``called_short``)."""
    from kgqa.qa.serve.short_name_reads import called_short

    return name.casefold() in text.casefold() or called_short(text, name)


def read_parts(
    service: Any, question: str, parts: list[tuple[Hit, str, int, int, int]]
) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in parts of passages,
    each read alone under ``heading_prefix`` (after the name of each organisation the
    question names that the passage names too, in full or as "the Trust": ``_names_org``):
    (hit, the text read, where in it the span must lie and how long that is, where that
    starts in the hit's passage); a span outside it (the key of a line whose value is asked,
    the words around a cell) is none."""
    if not parts:
        return []
    from kgqa.qa.serve.short_name_reads import asked_names

    asked = field_keys(question) | numbers(question)
    orgs = [name for name, _ in asked_names(question)]
    contexts = [
        "".join(f"{n}. " for n in orgs if _names_org(hit.passage.text, n))
        + heading_prefix(hit.passage.text, asked - field_keys(text), start)
        + text
        for hit, text, _, _, start in parts
    ]
    readings, probabilities = service.read_contexts(question, contexts)
    found = []
    for (hit, text, at, size, start), context, reading, probability in zip(
        parts, contexts, readings, probabilities
    ):
        span = reading.span
        at += len(context) - len(text)  # after the heading read before it
        if span is None or not span.text.strip() or span.start < at or span.end > at + size:
            continue
        found.append(hit.passage.answer(span, probability, offset=start - at))
    return found
