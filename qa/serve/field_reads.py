"""Answers read in a field: a passage the search found that holds lines of the form "Key:
value" (a directory's "Documentation: Samuel Adeyemi", a README's "License: MIT", a contact
page's "Media contact: Priya Raman") or a table of "| cell | cell |" rows, and a question that
names a key ("Who writes the documentation?": every word of the key among the question's,
stemmed) or a table's row and column ("What was the revenue in 2024?"), has that line or cell
read alone too (a cell as a sentence). The reader's span in the value is one more answer,
which competes with the others by the verifier's probability, and an answer read in the value
of another field of that passage (one the question does not name) is not shown, nor one of a
record of the same kind without the field, a key alone, or another item's price in a price
list (``unlisted``).

Read whole, a list of such lines is a run of names with nothing between them, and the reader
answered "Who writes the documentation?" with the release manager of the line above; a table
of figures by year gave the 2024 question the 2025 column.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from kgqa.qa.serve.field_shapes import TABLE, Field, passage_fields, timed_heads, timeline
from kgqa.qa.serve.range_reads import WHEN, asked_end
from kgqa.qa.types import Answer, Hit, Span

# at most this many fields are read per question (in the order of the search's hits)
MAX_FIELDS = 3
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

    words = [w.lower() for w in _WORD.findall(text)]
    return set(_stems([w for w in words if w not in _GLUE]))


def _stems(words: list[str]) -> list[str]:
    """The stems of ``words`` (lowercase), a verb's irregular past as its stem."""
    from kgqa.qa.store.index import stemmer

    return [_IRREGULAR.get(s, s) for s in stemmer().stemWords(words)]


# a verb's past forms that no stemmer brings to its stem ("Led by" is asked by "leads", a
# column "Won" by "How many games did they win?")
_IRREGULAR = {
    "led": "lead", "won": "win", "wrote": "write", "written": "write", "built": "build",
    "made": "make", "held": "hold", "sold": "sell", "bought": "buy", "taught": "teach",
    "ran": "run", "began": "begin", "begun": "begin", "paid": "pay", "gave": "give",
    "given": "give", "took": "take", "taken": "take", "met": "meet",
}  # fmt: skip


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
    return _named(passage_fields(text), question, text)


# the key words a question's asking word names beside its own ("When did SPARROW start?" names
# "Start date"), stemmed
_ASKED_BY = {
    "when": {"date", "year", "time", "day"},
    "where": {"place", "locat", "venu", "address"},
}


# the keys a "who" or "which" question's verb names that are no agent noun of it ("Who designed
# the baths?" names "Architect", "Who won?" "Winner", not "How many games did they win?"),
# stemmed
_KEYS_OF_VERBS = {"design": {"architect"}, "win": {"winner"}, "write": {"author"}}


# a line "Key: value" (for ``group_heading``)
_KEY_LINE = re.compile(r"[A-Z][^:\n]{0,40}:\s")
# how many words a group's heading may have
_GROUP_WORDS = 8


def group_heading(text: str, at: int) -> str:
    """The heading of the run of field lines that the line at ``at`` of a passage's ``text``
    lies in: the nearest line above it that is neither blank nor a "Key: value" line, when it
    is short, with no full stop and no table's bar ("Heron Loop" over "Distance: 3.2 miles" and
    "Start: Visitor Centre car park"); else ""."""
    for line in reversed(text[:at].split("\n")[:-1]):
        line = line.strip()
        if not line or _KEY_LINE.match(line) and not _titled(line, text):
            continue
        fits = len(line.split()) <= _GROUP_WORDS and not line.endswith(".") and "|" not in line
        return line if fits else ""
    return ""


def _titled(line: str, text: str) -> bool:
    """Whether a "Key: value" ``line`` of a passage's ``text`` is a heading with a subtitle: a
    key of two capitalised words or more that no other line of the text gives ("Small Worlds:
    Dolls' Houses 1700-1900" over "Curator: Marcus Ede")."""
    key = line.split(":", 1)[0].strip()
    words = key.split()
    return (
        len(words) >= 2
        and all(w[:1].isupper() or w.isdigit() for w in words)
        and len(re.findall(rf"^[ \t]*{re.escape(key)}[ \t]*:", text, re.M)) == 1
    )


def _apart(f: Field, heads: dict[int, int], fields: list[Field]) -> bool:
    """Whether a line field whose key other lines of the passage give too is told apart by
    the heading of its group (``group_heading``): the question says more words of it than of
    the heading of any other line with that key ("How long is the Heron Loop?" of the
    "Distance: ..." under "Heron Loop", not the one under "Beacon Ridge Walk"). ``heads``:
    how many of the question's words the heading of each such line (by its key's start) says."""
    if f.column is not None:
        return False
    own = heads.get(f.key_start, 0)
    key = f.key.casefold()
    others = [
        heads.get(g.key_start, 0)
        for g in fields
        if g is not f and g.column is None and g.key.casefold() == key
    ]
    return own > 0 and all(own > n for n in others)


# the keys that "How long" names: a distance or a length ("How long is the Heron Loop?"), a
# time where the question asks what something takes or lasts; a duration either way (stemmed)
_LONG = {"distanc", "length", "durat"}
# the keys of a line of what a visit costs that a "How much" question of its cost names
_PAID = {"admiss", "entri", "ticket", "fee", "price", "cost", "charg"}
_COSTS_IT = re.compile(r"\s*how\s+much\s+(?:does|do|did|will|would|is|was)\s+it\s+cost\b", re.I)
_TAKES = re.compile(r"\b(?:takes?|took|taken|lasts?|lasted)\b", re.I)


def _named(fields: list[Field], question: str, text: str) -> list[tuple[Field, bool]]:
    """``asked_fields`` over the ``fields`` of a passage's ``text`` already found."""
    if not fields:
        return []
    # a key given more than once ("Name: ..." in each record of a list) names no one field,
    # unless the heading of its group tells it apart (``_apart``)
    seen = Counter((f.key.casefold(), f.column) for f in fields)
    cells = Counter((f.cell.casefold(), f.column) for f in fields)
    asked = field_keys(question) | numbers(question)
    if re.match(r"\s*(?:who|which)\b", question, re.I):  # a person's or a thing's key
        asked |= {k for s in asked for k in _KEYS_OF_VERBS.get(s, ())}
    if "finish" in asked:  # "Where did Dev Chauhan finish?" asks a results table's place
        asked |= {"posit", "place", "rank"}
    # a key of the asking word's too, beside one of the question's own ("Start date")
    implied = _ASKED_BY.get(
        question.split(maxsplit=1)[0].lower() if question.strip() else "", set()
    )
    measured: set[str] = set()  # the keys "How long" names
    if re.match(r"\s*how\s+long\b", question, re.I):
        measured = {"durat", "time"} if _TAKES.search(question) else _LONG
    words = [w.lower() for w in _WORD.findall(question)]
    # a column of prices is named by "How much": "Fee from 1 May" by "How much will a
    # check-up cost from 1 May?"
    priced = (
        {"fee", "price", "cost", "charg"} if re.match(r"\s*how\s+much\b", question, re.I) else set()
    )
    if _COSTS_IT.match(question):
        # and a line of what a visit costs by "How much does it cost to see Small Worlds?" (not
        # the line "Tickets: £15" by "How much does membership ... cost?")
        measured = _PAID
    if asked_end(question) is not None:
        # a line of dates by "When did Small Worlds open?": its range's end (``range_reads``)
        measured = {"date"}
    # a column of names by "Who is": "| Sailing Secretary | Fiona Lusk | 2021 |" under "Name"
    # (not by "Who will stand for Commodore?")
    who_is = re.match(r"\s*who\s+(?:is|was|are|were)\b", question, re.I)
    named_by = {"name", "person", "holder"} if who_is else set()
    heads = {  # the question's words in the heading of each line whose key is said again
        f.key_start: len(field_keys(group_heading(text, f.key_start)) & asked)
        for f in fields
        if f.column is None and seen[(f.key.casefold(), None)] > 1
    }
    timed = timed_heads(fields, asked) if WHEN.match(question) else set()  # its time asked
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
            (seen[(f.key.casefold(), f.column)] == 1 or _apart(f, heads, fields))
            and (
                _among(key, asked)
                or _among(key, measured)
                or (key & asked and _among(key, asked | implied))
                or (len(halves) == 2 and any(_among(h, asked) for h in halves))
            )
            and (f.column is None or _among(column, asked | priced | named_by))
        ):
            out.append((f, False))
            continue
        if (
            (f.column is not None or timeline(f))
            and cells[(f.cell.casefold(), f.column)] == 1
            and _WORD.search(f.cell)
            and (_among(field_keys(f.cell), asked) or f.key_start in timed)
            and not _among(key, asked)
        ):
            out.append((f, True))
    return _most_said(out)


def _most_said(named: list[tuple[Field, bool]]) -> list[tuple[Field, bool]]:
    """``named`` less each field whose key is asked where another field of its column has a
    key of those words and more: "Who is the Sailing Secretary?" names "Secretary" too."""
    keys = {id(f): field_keys(_BRACKETS.sub("", f.key) or f.key) for f, back in named if not back}
    return [
        (f, back)
        for f, back in named
        if back
        or not any(keys[id(f)] < keys[id(g)] and g.column == f.column for g, b in named if not b)
    ]


def _other_holders(words: list[str], key: set[str]) -> set[str]:
    """The words of ``_OTHER_HOLDER`` among a question's ``words`` that stand before a word of
    the ``key`` (stemmed), at most three words before it: "deputy" of "Who is the deputy
    project lead?" for "Project lead", not "first" of "Which label released the first
    recording ...?" for "Label"."""
    stems = _stems(words)
    return {
        w
        for i, w in enumerate(words)
        if w in _OTHER_HOLDER and any(s in key for s in stems[i + 1 : i + 4])
    }


_BRACKETS = re.compile(r"\s*\([^)]*\)")
_DAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b", re.I)
# what a question asks of a name's line ("What is Marta Lindgren's role?" of "Marta Lindgren:
# project lead", "Who plays Ada Pengelly?" of a cast list's "Ada Pengelly – Sophie Carver"),
# stemmed
_ROLE_STEMS = {"role", "job", "post", "posit", "titl", "work", "respons", "play"}


def _name_key_only(f: Field, question: str, asked: set[str]) -> bool:
    """Whether the field's key is a name the question names as what it is about, and the
    question asks what the line does not say: "Who scored Kirkmoor Rovers' goal against
    Alderbay?" is not asked of a team sheet's "Alderbay: Marsh; Quinn, Adebayo, ..."."""
    words = f.key.split()
    if f.column is not None or not all(w[:1].isupper() for w in words) or f.key not in question:
        return False
    if question.lstrip().startswith(f.key):
        return False  # the question's first word is no name: "Since which version ...?"
    if _DAY.search(f.key):
        return False  # a day's row says when: "What are the opening hours on Saturday?"
    if re.match(
        rf"\s*(?:what|which)(?:\s+(?:is|was|are|were))?\s+(?:the\s+)?{re.escape(f.key)}\b",
        question,
        re.I,
    ):
        return False  # the key is what is asked: "What is the CVE number of ...?"
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
    in a document with a field it names (or of the same kind as one: two keys or more alike):
    "3 February 2025" of "Start date: ..." for "When is the planned launch?" beside "Planned
    launch: autumn 2027"; last year's revenue for "What was the revenue in 2025?"; and which
    are a key alone (``_label_only``)."""
    out = set()
    of_passage: dict[str, tuple[list[Field], set[tuple[int, int]]]] = {}  # parsed once each
    naming = set()  # the documents with a passage that holds a field the question names
    for a in answers:
        if a.context not in of_passage:
            fields = passage_fields(a.context)
            named = _named(fields, question, a.context)
            of_passage[a.context] = (
                fields,
                {
                    (f.key_start, f.key_start + len(f.key)) if back else (f.start, f.end)
                    for f, back in named
                },
            )
        if of_passage[a.context][1]:
            naming.add(a.doc_id)
    # a record of the same kind as one with the field (two keys or more alike) but without it:
    # "Who illustrated The Lantern Keepers?" is not answered by its record's "Author: ...",
    # where another book's record has "Illustrator: Sam Whitley"
    kinds = [_line_keys(fields) for fields, kept in of_passage.values() if kept]
    for a in answers:
        if any(len(_line_keys(of_passage[a.context][0]) & k) >= 2 for k in kinds):
            naming.add(a.doc_id)
    asked = field_keys(question) | numbers(question)
    for a in answers:
        fields, kept = of_passage[a.context]
        if _label_only(asked, a, fields):
            out.add(id(a))
            continue
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


def _line_keys(fields: list[Field]) -> set[str]:
    """The keys of a passage's field lines (not its table cells), casefolded."""
    return {f.key.casefold() for f in fields if f.column is None}


def _label_only(asked: set[str], answer: Answer, fields: list[Field]) -> bool:
    """Whether ``answer`` is the key of a line "Key: value" of which the question (its word
    stems and numbers ``asked``) names neither the key nor the value: "Illustrator" of
    "Illustrator: Sam Whitley" says nothing of what Jean Okafor worked as."""
    start, end = answer.start - answer.passage_start, answer.end - answer.passage_start
    return any(
        f.key_start <= start
        and end <= f.key_start + len(f.key)
        and answer.context[f.key_start + len(f.key) :].lstrip().startswith(":")
        and not (field_keys(f.key) | field_keys(f.cell)) & asked
        for f in fields
    )


# a price: "£52", "$12.50", "€1,200", "45 pounds"
_PRICE = re.compile(
    r"[£$€]\s?\d[\d,]*(?:\.\d\d)?|\d[\d,]*(?:\.\d\d)?\s?(?:pounds|euros|dollars|pence)", re.I
)
# a list of prices has this many priced fields at least
_PRICES = 3


def unlisted(question: str, answers: list[Answer]) -> set[int]:
    """Which ``answers`` (their ids) are the price of another item of a price list than the
    question asks: of a passage with three priced fields or more ("Dog vaccination booster:
    £52. Cat vaccination booster: £46. Microchipping: £25."), one whose item the question names
    less than half of ("How much does it cost to neuter a cat?" names "cat" of "Cat vaccination
    booster"), or none of what sets it apart from another item ("How much is a rabbit
    vaccination?" names neither "Dog" nor "Cat"; "a student's Sunday ticket", not "Day" of
    "Day ticket" beside "Weekend ticket")."""
    asked = field_keys(question)
    out = set()
    of_passage: dict[str, list[Field]] = {}  # each passage's priced fields, parsed once
    for a in answers:
        if a.context not in of_passage:
            of_passage[a.context] = [
                f for f in passage_fields(a.context) if _PRICE.fullmatch(f.cell.strip(" ."))
            ]
        priced = of_passage[a.context]
        start = a.start - a.passage_start
        item = next((f for f in priced if f.start <= start < f.end), None)
        if len(priced) < _PRICES or item is None:
            continue
        key = field_keys(item.key)
        apart = [key - field_keys(f.key) for f in priced if f is not item]
        if 2 * len(key & asked) < len(key) or any(d and d != key and not d & asked for d in apart):
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
    under "HALLAM PHILHARMONIC" and "Season 2026-27 · Concert 4"); else nothing. Before all
    these, where the part is a line whose key other lines of the passage give too, the heading
    of its group of lines (``group_heading``) with one of ``wants`` ("Garden Room" over its
    "View: ...", not the page's "Our rooms")."""
    group = _grouped(text, before)
    if group and (field_keys(group) | numbers(group)) & wants:
        return f"{group}\n\n"
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


def _grouped(text: str, at: int | None) -> str:
    """The heading of the group of field lines (``group_heading``) of the line at ``at`` of a
    passage's ``text``, where other lines of the passage give its key too; else ""."""
    if at is None:
        return ""
    start = text.rfind("\n", 0, at) + 1
    key = _KEY_LINE.match(text, start)
    if key is None:
        return ""
    name = re.escape(text[start : key.end()].rstrip().rstrip(":").strip())
    said = re.findall(rf"^[ \t]*{name}[ \t]*:", text, re.M | re.I)
    return group_heading(text, start) if len(said) >= 2 else ""


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
    names = question_names(question)
    for a in found:
        a.named_field = all(n.casefold() in a.context.casefold() for n in names)
    return found


def question_names(question: str) -> list[str]:
    """The names of ``question``, not its first word, less a possessive's "'s" or "'" ("the
    Trust's income", "Greyfriars' overall effectiveness")."""
    return [
        re.sub(r"['\u2019]s?$", "", n)
        for n in re.findall(r"(?<=\w )[A-Z][\w'\u2019-]*(?: [A-Z][\w'\u2019-]*)*", question)
    ]


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
    # a sentence that gives the field's value too agrees with it ("Margaret Hale has chaired
    # the hall committee since 2019" with "Chair: Margaret Hale")
    value = field_keys(field.cell)
    return bool(rest and key) and any(
        rest <= said and _among(key, said) and not (value and value <= said) for said in sentences
    )


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
    question names that the passage names too, in full or as "the Trust": ``_names_org``, and
    each other name of the question that the passage says and the heading and part do not:
    "Bramble Bakery. Company number: 09337120"):
    (hit, the text read, where in it the span must lie and how long that is, where that
    starts in the hit's passage); a span outside it (the key of a line whose value is asked,
    the words around a cell) is none."""
    if not parts:
        return []
    from kgqa.qa.serve.short_name_reads import asked_names

    asked = field_keys(question) | numbers(question)
    orgs = [name for name, _ in asked_names(question)]
    # the other names of the question that the passage says before the part or on its line
    # (a footer's "Bramble Bakery Ltd · ... · Registered in Wales No. 09337120"), and the part
    # does not; not after it ("The Tweed Cup ... went to ..." under a results table)
    others = [n for n in question_names(question) if n not in orgs]
    contexts = []
    for hit, text, _, _, start in parts:
        heading = heading_prefix(hit.passage.text, asked - field_keys(text), start)
        said = f"{heading}{text}".casefold()
        line_end = hit.passage.text.find("\n", start)
        before = hit.passage.text[: len(hit.passage.text) if line_end < 0 else line_end]
        names = [n for n in orgs if _names_org(hit.passage.text, n)] + [
            n for n in others if n.casefold() in before.casefold() and n.casefold() not in said
        ]
        contexts.append("".join(f"{n}. " for n in names) + heading + text)
    readings, probabilities = service.read_contexts(question, contexts)
    found = []
    for (hit, text, at, size, start), context, reading, probability in zip(
        parts, contexts, readings, probabilities
    ):
        span = reading.span
        at += len(context) - len(text)  # after the heading read before it
        if span is not None and span.end > at + size >= span.start:
            # a key's colon after it ("08:45:" of "At 08:45: Registration closes") is cut off
            if not context[at + size : span.end].strip(" \t:;,."):
                span = Span(context[span.start : at + size], span.score, span.start, at + size)
        if span is not None and span.start < at < span.end <= at + size:
            # and a cell's column before it ("Club Otley" of "Tobias Lindqvist: Club Otley.")
            if not re.search(r"[:.;\n]", context[span.start : at]):
                span = Span(context[at : span.end], span.score, at, span.end)
        if span is None or not span.text.strip() or span.start < at or span.end > at + size:
            continue
        whole = context[at : at + size]
        if not re.search(r"\s", whole.strip()):  # one token is read whole: "CVE-2026-41877"
            lead = len(whole) - len(whole.lstrip())
            span = Span(whole.strip(), span.score, at + lead, at + lead + len(whole.strip()))
        found.append(hit.passage.answer(span, probability, offset=start - at))
    return found
