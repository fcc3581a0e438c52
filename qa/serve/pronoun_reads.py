"""A person the question names, called "she" or "he" after the name: "Where does Maya
Lindqvist live?" of a page that says "Maya grew up in Gothenburg ... She lives in Dunbar with
her partner". Each sentence of a found passage whose "she" or "he" follows the question's
person, with no other person named between (the people the store found in that passage), that
does not name the person itself and says a word the question asks besides the name, is read
once more with the name in the pronoun's place: "Maya Lindqvist lives in Dunbar ..." (setting
``short_name_answers``). A span outside the inserted name is one more answer, at its place in
the passage."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.serve.field_reads import field_keys
from kgqa.qa.serve.interview_reads import asked_people
from kgqa.qa.serve.short_name_reads import Piece, read_replaced
from kgqa.qa.types import Answer, Hit

# the pronouns a person's sentence opens or goes on with; "her" and "him" are left alone
_PRONOUN = re.compile(r"\b(?:[Ss]he|[Hh]e)\b(?!['\u2019])")
# how far after the name its pronoun may stand
_REACH = 600


def pronoun_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in the sentences of the
    passages of ``hits`` whose "she" or "he" stands for a person the question names
    (``pronoun_places``) and say a word of the question besides the name, each read alone
    with the name for the pronoun."""
    people = asked_people(question)
    if not people:
        return []
    # what the question asks beside its people: a sentence read must say one of those words
    # (read with the name, "In 2004 she designed ..." answered "When did she die?")
    asked = field_keys(question) - field_keys(" ".join(people))
    pieces: list[Piece] = []
    subjects: dict[tuple[str, str], str | None] = {}  # (document, person): her pronoun there
    for hit in hits:
        text = hit.passage.text
        if not any(part in text for name in people for part in name.split()):
            continue
        named = _people(service, hit)
        for name in people:
            doc = (hit.passage.doc_id, name)
            if doc not in subjects:
                subjects[doc] = _subject_gender(service, hit.passage.doc_id, name)
            places = pronoun_places(text, name, named, subjects[doc])
            for start, end in _sentences(text) if places else ():
                inside = [(a, b, name) for a, b in places if start <= a and b <= end]
                said = text[start:end]
                # a sentence that names the person itself is read with the passage
                if inside and asked & field_keys(said) and not _names(said, name):
                    pieces.append((hit, start, end, inside))
    return read_replaced(service, question, pieces)


def pronoun_places(
    text: str, name: str, people: list[tuple[int, int, str]], subject: str | None = None
) -> list[tuple[int, int]]:
    """Where ``text`` says "she" or "he" for ``name``: after a mention of the person (the full
    name, or its first or last word alone) within ``_REACH`` characters, with no mention of
    another person of ``people`` (start, end, text) between them. ``subject``: the pronoun
    ("she", "he") of the person whose document ``text`` is of (``_subject_gender``); every
    pronoun of it stands for the person."""
    if subject is not None:
        return [m.span() for m in _PRONOUN.finditer(text) if m.group(0).lower() == subject]
    parts = {name.casefold(), name.split()[0].casefold(), name.split()[-1].casefold()}
    own = [(a, b) for a, b, said in people if said.casefold() in parts]
    own += [m.span() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    if not own:
        return []
    out = []
    for m in _PRONOUN.finditer(text):
        before = [(a, b, said) for a, b, said in people if b <= m.start()]
        before += [(a, b, name) for a, b in own if b <= m.start()]
        if not before:
            continue
        a, b, said = max(before, key=lambda p: p[1])
        if said.casefold() in parts and m.start() - b <= _REACH:
            out.append(m.span())
    return out


# how much of a document's opening says whose it is and that person's pronoun
_OPENING = 600


def _subject_gender(service: Any, doc_id: str, name: str) -> str | None:
    """The pronoun ("she" or "he") of ``name`` when the document ``doc_id`` is about that
    person (a biography): its title names the person, and the first "she" or "he" of its
    opening comes after the person's name with no other person's between (the store's
    mentions); else None."""
    row = service.generation.db.execute(
        "SELECT title, substr(text, 1, ?) FROM documents WHERE doc_id = ?", (_OPENING, doc_id)
    ).fetchone()
    if row is None or not row[0] or name not in row[0]:
        return None
    opening = row[1]
    first = _PRONOUN.search(opening)
    at = opening.find(name)
    if first is None or at < 0 or at > first.start():
        return None
    others = service.generation.db.execute(
        "SELECT text FROM mentions WHERE doc_id = ? AND label = ? AND start < ? AND start > ?",
        (doc_id, "PERSON", first.start(), at),
    ).fetchall()
    if any(not _names(said, name) and said not in name for (said,) in others):
        return None
    return first.group(0).lower()


def _names(text: str, name: str) -> bool:
    """Whether ``text`` names the person ``name``: in full, or by its first or last word."""
    return any(re.search(rf"\b{re.escape(part)}\b", text) for part in {name, *name.split()})


def _sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text``, one that a line break cuts ("... from the University of" /
    "Bremen.", a PDF's or a wrapped page's line) joined again."""
    from kgqa.qa.ingest.loaders import sentence_spans

    out: list[tuple[int, int]] = []
    for a, b in sentence_spans(text):
        if (
            out
            and "\n\n" not in text[out[-1][1] : a]
            and text[out[-1][0] : out[-1][1]].rstrip()[-1:] not in ".!?:"
        ):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _people(service: Any, hit: Hit) -> list[tuple[int, int, str]]:
    """The people the store found in the passage of ``hit``: (start, end in its text, the
    words)."""
    p = hit.passage
    rows = service.generation.db.execute(
        'SELECT start, "end", text FROM mentions WHERE passage_id = ? AND label = ?',
        (p.passage_id, "PERSON"),
    ).fetchall()
    return [(a - p.start, b - p.start, said) for a, b, said in rows if p.start <= a < p.end]
