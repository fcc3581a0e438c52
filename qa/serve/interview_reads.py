"""An interview's replies, read with the name of the person interviewed for "I": "What did
Noor Haddad study?" of an interview with her ("You trained as a scientist." / "I studied
chemistry at the University of Edinburgh ...") is read as "Noor Haddad trained as a
scientist." / "Noor Haddad studied chemistry ..." (setting ``short_name_answers``). So is an
e-mail's text under its "From:" line, with its sender's name ("When did Imogen Fairweather buy
her fan?" of "From: Imogen Fairweather" over "I bought a Breeze 2 ... in June")."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.serve.field_reads import paragraph_spans
from kgqa.qa.serve.short_name_reads import Piece, read_replaced
from kgqa.qa.types import Answer, Hit

# a person's name the question gives: two or three capitalised words, not its first word,
# nor a title's "The ..." ("The Salt Orchard")
_PERSON = re.compile(
    r"(?<=\w )(?<![Tt]he )(?!The\b|A\b|An\b)[A-Z][\w'\u2019-]+(?: [A-Z][\w'\u2019-]+){1,2}"
)


def asked_people(question: str) -> list[str]:
    """The people ``question`` names (``_PERSON``: two or three capitalised words, not its
    first word), less a possessive's "'s"."""
    return [re.sub(r"['\u2019]s$", "", found) for found in _PERSON.findall(question)]


_INTERVIEW = re.compile(r"\binterview", re.I)
# the words by which the one interviewed is named in a reply, and in the question before it
_REPLY_WORDS = {"I": "{}", "my": "{}'s", "My": "{}'s", "me": "{}", "myself": "{}"}
_ASKING_WORDS = {"you": "{}", "You": "{}", "your": "{}'s", "Your": "{}'s"}
_NAMING = {**_REPLY_WORDS, **_ASKING_WORDS}
_WORD = re.compile(rf"\b({'|'.join(_NAMING)})\b(?!['\u2019])")
# how much of a document's opening says whose interview it is
_OPENING = 400


def interviewee(opening: str, question: str) -> str | None:
    """The person the question names whom an interview's ``opening`` (its first passage's
    first characters, which say "interview") names, and not as the one who interviews ("by
    Priya Sandhu"); None when that is not one person."""
    if not _INTERVIEW.search(opening):
        return None
    names = set()
    for name in asked_people(question):
        if name in opening and not re.search(rf"\bby\s+{re.escape(name)}", opening):
            names.add(name)
    return names.pop() if len(names) == 1 else None


def interview_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in the replies of an
    interview with a person the question names (``interviewee``): each paragraph that says
    "I", "my" or "me", read after the paragraph before it (the question it replies to), with
    the person's name for those words and for "you" and "your" in that question. A paragraph
    that names the person (the title, which quotes her) is no reply."""
    pieces: list[Piece] = []
    openings: dict[str, str] = {}
    for hit in hits:
        p = hit.passage
        if p.doc_id not in openings:
            openings[p.doc_id] = _opening(service, p)
        who = interviewee(openings[p.doc_id], question)
        if who is None:
            continue
        text = p.text
        paragraphs = paragraph_spans(text)
        for k, (a, b) in enumerate(paragraphs):
            replies = _named_words(text, a, b, _REPLY_WORDS, who)
            if not replies or who in text[a:b]:
                continue  # a reply does not name its speaker; a title that quotes her does
            start = paragraphs[k - 1][0] if k else a
            pieces.append(
                (hit, start, b, _named_words(text, start, a, _ASKING_WORDS, who) + replies)
            )
    people = asked_people(question)
    for hit in hits:
        pieces += _sent_by(hit, people)
    return read_replaced(service, question, pieces)


def _named_words(
    text: str, start: int, end: int, words: dict[str, str], who: str
) -> list[tuple[int, int, str]]:
    """Where ``text`` says one of ``words`` ("I", "my", ...) between ``start`` and ``end``,
    each with what stands for it, ``who``'s name ("Noor Haddad", "Noor Haddad's")."""
    return [
        (m.start(), m.end(), words[m.group(1)].format(who))
        for m in _WORD.finditer(text, start, end)
        if m.group(1) in words
    ]


# an e-mail's "From:" line (a quoted reply's too, its marks gone): the sender's name, before
# an address in angle brackets
_FROM = re.compile(r"^From:[ \t]*([A-Z][^<\n]*?)[ \t]*(?:<[^>\n]*>)?[ \t]*$", re.MULTILINE)


def _sent_by(hit: Hit, people: list[str]) -> list[Any]:
    """The paragraphs of an e-mail in the passage of ``hit`` that a person of ``people``
    sent (under a "From:" line of that name, before the next "From:" line) and that say "I",
    "my" or "me": each with the sender's name for those words."""
    text = hit.passage.text
    senders = [(m.end(), m.group(1).strip()) for m in _FROM.finditer(text)]
    out: list[Any] = []
    for n, (at, sender) in enumerate(senders):
        if sender not in people:
            continue
        end = senders[n + 1][0] if n + 1 < len(senders) else len(text)
        for a, b in paragraph_spans(text):
            if a >= at and b <= end and (named := _named_words(text, a, b, _REPLY_WORDS, sender)):
                out.append((hit, a, b, named))
    return out


def _opening(service: Any, passage: Any) -> str:
    """The first characters of the document of ``passage``: its first passage's."""
    if passage.start == 0:
        return passage.text[:_OPENING]
    from kgqa.qa.serve.source_checks import document_opening

    return document_opening(service.generation, passage.doc_id)[:_OPENING]
