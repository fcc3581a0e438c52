"""The shapes a fact takes in a passage, read as fields (``field_reads``): a line "Key: value",
several such on one line, a line of facts parted by dots ("Serves 6 · Prep 30 minutes"), a
table's cell under its row and column, a people page's name over its post (or a name with its
post after a dash or in brackets), a paper's author
and affiliation, a name with the years of a life. Each is a ``Field``: what a question names to
ask it, and the line the reader reads (a cell as a sentence)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from kgqa.kg.canonical import SUPERSCRIPT_DIGITS
from kgqa.kg.text import is_table_rule

# a line "Key: value": a key of a capital and at most four words, a value of one line
_FIELD = re.compile(
    r"^[ \t]*(?:[-*\u2022][ \t]+)?([A-Z][\w&/'()-]*(?:[ \t]+[\w&/'()-]+){0,3})[ \t]*:[ \t]+"
    r"(\S[^\n]{0,150})$",
    re.M,
)
# a table: lines of "| cell | cell |" rows, one after another
TABLE = re.compile(r"^[ \t]*\|[^\n]*\|[ \t]*(?:\n[ \t]*\|[^\n]*\|[ \t]*)+$", re.M)


@dataclass(frozen=True)
class Field:
    """One fact of a passage in the shape of a field: a line "Key: value", or a cell of a
    table under its row's first cell (a results table's: the name beside the place) and its
    column's header."""

    key: str  # what a question names to ask it: the line's key, the row's name
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
    found += _schedule(text)
    found += _dashed(text)
    found += _registered(text)
    found += _affiliations(text)
    found += _lifespans(text)
    for m in [
        *_NAME_AND_POST.finditer(text),
        *_NAME_DASH_POST.finditer(text),
        *_NAME_BRACKET_POST.finditer(text),
    ]:
        if POST_WORDS & set(re.split(r"[\s-]+", m.group(2).casefold())):
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


# a schedule's line: a time, then what happens ("10:30 First warning signal", "14:00-15:30
# Session 1: ...")
_CLOCK = r"(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[ \t]*[ap]\.?m\.?)?"
_SCHEDULE = re.compile(
    rf"^[ \t]*({_CLOCK}(?:[ \t]*[-\u2013][ \t]*{_CLOCK})?)[ \t]+(?:[-\u2013:][ \t]+)?"
    r"([A-Z][^\n]{2,100}?)[ \t]*$",
    re.M,
)


def _schedule(text: str) -> list[Field]:
    """The lines of a schedule (``_SCHEDULE``), each read as "At 10:30: First warning signal"
    (a ``timeline`` row): "When is the first warning signal?" names the event and asks its
    time, "What happens at 16:00?" names the time."""
    found = []
    for m in _SCHEDULE.finditer(text):
        time, head = m.group(1), f"At {m.group(1)}: "
        line = f"{head}{m.group(2)}"
        found.append(Field(time, None, line, len(head), *m.span(2), 3, m.start(1)))
    return found


# a list's line of a key, a dash and a value, neither a sentence: "Director – Helen Marsh",
# "Ada Pengelly – Sophie Carver" (a cast list), "Dr Leah Mbeki - Associate dentist"
_DASHED = re.compile(
    r"^[ \t]*(?:[*\u2022][ \t]+)?([A-Z][^\n\u2013\u2014:|]{0,60}?)[ \t]+[\u2013\u2014-][ \t]+"
    r"([A-Z0-9\u00a3$\u20ac][^\n\u2013\u2014|]{0,80}?)[ \t]*$",
    re.M,
)
# at most this many words on either side of a list line's dash
_DASHED_WORDS = 8


def _dashed(text: str) -> list[Field]:
    """The lines of a list of two lines or more, blank lines apart at most, each a key, a dash
    and a value (``_DASHED``; no side a sentence or longer than eight words, the key no time
    of a schedule), each a field read as it stands ("Lighting – Jess Tandy"): "Who is doing
    the lighting?" names its key."""
    lines = [
        m
        for m in _DASHED.finditer(text)
        if all(
            len(side.split()) <= _DASHED_WORDS and not re.search(r"[.!?]\s", side + " ")
            for side in (m.group(1), m.group(2))
        )
        and not re.match(_CLOCK, m.group(1))
    ]
    found = []
    for n, m in enumerate(lines):
        listed = [
            o
            for o in (lines[n - 1] if n else None, lines[n + 1] if n + 1 < len(lines) else None)
            if o is not None and not text[min(o.end(), m.end()) : max(o.start(), m.start())].strip()
        ]
        if listed:
            line = m.group(0).strip()
            value = line.rindex(m.group(2))
            key_at = line.index(m.group(1))
            found.append(Field(m.group(1), None, line, value, *m.span(2), key_at, m.start(1)))
    return found


# a company's registration in a footer or a letter's foot ("Registered in England No.
# 10448237", "Registered in England and Wales with company number 09337120")
_REGISTERED = re.compile(
    r"\bRegistered in (?:England(?: and Wales)?|Wales|Scotland|Northern Ireland),?[ \t]+"
    r"(?:with[ \t]+)?(?:company[ \t]+)?(?:No\.?|number)[ \t]*:?[ \t]*([A-Z]{0,2}\d{6,8})\b"
)


def _registered(text: str) -> list[Field]:
    """A company's registration number (``_REGISTERED``), read as "Company number: 10448237"."""
    head = "Company number: "
    return [
        Field("Company number", None, f"{head}{m.group(1)}", len(head), *m.span(1), 0, m.start())
        for m in _REGISTERED.finditer(text)
    ]


# a value's last word and full stop, where the stop is no abbreviation's ("Lyle.", not "Ltd.")
_STOPPED = re.compile(
    r"(?<![.\w])(?!(?:ltd|inc|co|corp|plc|bros|etc|jr|sr|st|no|am|pm)\.)[\w'\u2019)-]+\.\Z", re.I
)


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
        if n + 1 < len(keys) or _STOPPED.search(value):
            value = value.rstrip(".;")  # a sentence's stop: "Apologies: Cllr David Lyle."
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
# a minutes' list of those present, each name with its post in brackets ("Cllr Janet Moss
# (Chair), Cllr Peter Harrow (Vice-Chair), ..."): the same field
_NAME_BRACKET_POST = re.compile(
    rf"{_PERSON_NAME}[ \t]*\(([A-Z][\w&'-]*(?:[ \t]+[\w&'-]+){{0,4}})\)"
)
POST_WORDS = {
    "officer", "president", "director", "head", "chair", "chairman", "chairwoman", "chairperson",
    "manager", "treasurer", "secretary", "founder", "lead", "leader", "coordinator", "editor",
    "engineer", "curator", "counsel", "partner", "dean", "principal", "ceo", "cfo", "coo", "cto",
    "executive", "trustee", "captain", "coach", "clerk", "headteacher", "headmaster",
    "headmistress", "dentist", "hygienist", "nurse", "doctor", "surgeon", "pharmacist",
    "receptionist", "administrator", "accountant", "solicitor", "librarian", "archivist",
    "conductor", "accompanist", "organist", "chef", "warden", "ranger", "bursar", "registrar",
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
    each under its row's first cell (its second in a ranking: ``_ranked``) and, in a table of
    three columns or more, its column's header (the first row, when a rule of dashes follows
    it)."""
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
    data = [r for i, r in enumerate(rows) if i not in rule and not (header and i == 0)]
    by = 1 if _ranked(text, header, data) else 0  # the column that names a row
    found = []
    for row in data:
        if len(row) < 2:
            continue
        key = text[row[by][0] : row[by][1]]
        for j, (a, b) in enumerate(row):
            if j == by:
                continue
            column = None
            if len(row) > 2:
                if header is None or j >= len(header):
                    continue
                column = text[header[j][0] : header[j][1]]
                if by:  # a league table's short headers, in full ("Pts": "Points")
                    column = _SHORT_COLUMNS.get(column.casefold().rstrip("."), column)
            if not key or a == b:
                continue
            head, tail, key_at = _sentence(key, column)
            if by and j == 0:
                # the place, read "Dev Chauhan finished in position 3." (49% for "Where did Dev
                # Chauhan finish?", where "Dev Chauhan: Position 3." got 3%)
                head, tail = f"{key} finished in position ", "."
            line = head + text[a:b] + tail
            found.append(Field(key, column, line, len(head), a, b, key_at, row[by][0]))
        if by and _FIRST.fullmatch(text[row[0][0] : row[0][1]]) and key:
            # the first place's: "Who won the regatta?" ("Winner" asked by "won": field_reads)
            head = "The winner was "
            found.append(Field("Winner", None, f"{head}{key}.", len(head), *row[by], 4, row[0][0]))
    return found


# a results table's first column, of places ("| Place | Helm | Boat | Points |", "| Pos | Team
# | Pts |"), and its cells: "1", "2nd", "=3"
_RANK_HEAD = re.compile(r"place|pos(?:ition)?\.?|rank(?:ing)?|#|no\.?|finish", re.I)
_RANK = re.compile(r"=?\d{1,3}(?:st|nd|rd|th)?\.?", re.I)
# a league table's short column headers
_SHORT_COLUMNS = {
    "p": "Played", "pld": "Played", "w": "Won", "d": "Drawn", "l": "Lost", "pts": "Points",
    "gd": "Goal difference", "gf": "Goals for", "ga": "Goals against", "f": "For",
    "a": "Against", "pos": "Position",
}  # fmt: skip
_FIRST = re.compile(r"=?1(?:st)?\.?", re.I)


def _ranked(
    text: str, header: list[tuple[int, int]] | None, data: list[list[tuple[int, int]]]
) -> bool:
    """Whether a table is a ranking: three columns or more, the first headed by a place
    ("Place", "Pos", "Rank") with a place in each row, the second a name; its rows are named by
    their second cell ("Sandeep Gill: Boat Merlin Rocket 3611."), and its first row
    says who won."""
    return bool(
        header
        and len(header) > 2
        and _RANK_HEAD.fullmatch(text[header[0][0] : header[0][1]])
        and data
        and all(len(r) > 2 and _RANK.fullmatch(text[r[0][0] : r[0][1]]) for r in data)
        and all(not _RANK.fullmatch(text[r[1][0] : r[1][1]]) for r in data)
    )


# a column of a time: a year, a quarter, a month
_TIME = re.compile(
    r"\b(?:1[5-9]\d\d|2\d\d\d|Q[1-4]|H[12]|FY\s?\d+|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
    r"nov|dec)",
    re.I,
)


def timeline(f: Field) -> bool:
    """Whether ``f`` is a row of a timeline, a table of two columns whose first cell is a time
    ("| 1962 | Salt and Iron premiered |"), or a schedule's line (``_schedule``): a question
    that names the event asks its time."""
    return (
        f.column is None and f.key_at == 3 and f.line.startswith((f"In {f.key}: ", f"At {f.key}: "))
    )


def timed_heads(fields: list[Field], asked: set[str]) -> set[int]:
    """The rows of a timetable among ``fields`` (``timeline`` rows at a clock time: "At
    12.00pm: Lunch in the picnic area.") whose event's first word is asked (``asked``: a
    question's stems) and opens no other row's, by their key's start: "When will the trip's
    lunch be?" names the lunch's row, though not "picnic area"."""
    from kgqa.qa.store.index import stemmer

    timed = [f for f in fields if timeline(f) and f.line.startswith("At ")]
    first = {
        id(f): stemmer().stemWords([w.lower() for w in re.findall(r"[A-Za-z]+", f.cell)[:1]])
        for f in timed
    }
    said = Counter(w for words in first.values() for w in words)
    return {
        f.key_start
        for f in timed
        if first[id(f)] and said[first[id(f)][0]] == 1 and first[id(f)][0] in asked
    }


def _sentence(key: str, column: str | None) -> tuple[str, str, int]:
    """The words a cell is read between, as a sentence (the reader and its verifier learnt
    on prose: "Employees, 2024: 175" got probability 0.18, "Employees in 2024 was 175." 0.77):
    "{row} in {time} was {cell}.", "{row}: {column} {cell}." ("Shaftesbury: Won 9." got 0.82,
    "The Won of Shaftesbury is 9." 0.40; over the nine user sets, two more right), "{row} is
    {cell}.", and where the row's first cell starts in it."""
    if column is None:
        if _TIME.match(key) and len(key.split()) <= 3:
            return f"In {key}: ", ".", 3  # a timeline's row: "In 1962: Salt and Iron premiered."
        if re.fullmatch(_CLOCK, key):
            return f"At {key}: ", ".", 3  # a day's timetable: "At 2.45pm: Coach leaves York."
        return f"{key} is ", ".", 0
    if _TIME.search(column):
        return f"{key} in {column} was ", ".", 0
    return f"{key}: {column} ", ".", 0
