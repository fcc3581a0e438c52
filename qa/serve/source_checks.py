"""Checks of where an answer comes from (setting ``graph_veto``, with ``read_checks``): a
document that never says a name of the question that another answer's passage says
("£186,000" of a railway newsletter's locomotive for "How much did the footbridge repairs
cost?", beside the footbridge's article), the source a sentence reports ("Cornwall Council
has said") for who did what it reports, and a page's dateline for when anything but the
page happened."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.serve.event_checks import YEAR as _YEAR
from kgqa.qa.serve.field_reads import field_keys, numbers

# words of a question that ask rather than name: "How much", "will it", "carried out"
_ASKING = {"much", "mani", "will", "would", "can", "could", "should", "may", "might", "out", "up"}


def doc_words(generation: Any, doc_id: str) -> set[str]:
    """The stems and numbers of a document's text, its title and its id, in ``generation``
    (read once, then cached with it)."""
    cache = generation.cache.setdefault("doc_words", {})
    if doc_id not in cache:
        rows = generation.db.execute(
            "SELECT p.text FROM passages p WHERE p.doc_id = ? UNION ALL "
            "SELECT title FROM documents WHERE doc_id = ?",
            (doc_id, doc_id),
        )
        text = "\n".join([doc_id, *(t for (t,) in rows if t)])
        cache[doc_id] = field_keys(text) | numbers(text)
    return cache[doc_id]


def document_opening(generation: Any, doc_id: str) -> str:
    """The text of the first passage of a document in ``generation`` ("" for none)."""
    row = generation.db.execute(
        "SELECT text FROM passages WHERE doc_id = ? ORDER BY start LIMIT 1", (doc_id,)
    ).fetchone()
    return row[0] if row else ""


def _heading(generation: Any, doc_id: str) -> str:
    """A document's title in ``generation``, else the first line of its text (a Markdown
    page's headline); none that is a sentence rather than a heading (a text file's first
    paragraph: more than ``_HEADING_WORDS`` words, or a full stop at its end). Read once, then
    cached with the generation."""
    cache = generation.cache.setdefault("doc_headings", {})
    if doc_id not in cache:
        row = generation.db.execute("SELECT title FROM documents WHERE doc_id = ?", (doc_id,))
        title = next((title for (title,) in row if title), "")
        title = title or document_opening(generation, doc_id).strip().split("\n", 1)[0]
        heading = len(title.split()) <= _HEADING_WORDS and not title.endswith(".")
        cache[doc_id] = title if heading else ""
    return cache[doc_id]


# how many words a heading may have
_HEADING_WORDS = 14


def other_subject(question: str, answers: list[Any], generation: Any) -> set[int]:
    """Which ``answers`` (ids) were read in a document that never says a name of the
    question which another answer's passage says, that passage saying every other word of the
    question that the answer's passage says too. A name of the question is a word written
    with a capital in it, or a word of that other document's title or headline: "When will
    the Ferry Lane footbridge reopen?" is not answered by a railway newsletter's "reopened in
    1988" where the page "Ferry Lane footbridge to reopen after repairs" was read too."""
    asked = (field_keys(question) | numbers(question)) - _ASKING
    if len(asked) < 2 or generation is None:
        return set()
    capitals = field_keys(" ".join(w for w in question.split()[1:] if w[:1].isupper()))
    said: dict[tuple[str, str], frozenset[str]] = {}  # the question's words a passage says
    names: dict[str, set[str]] = {}  # the question's names by the document that has them
    for a in answers:
        title = _heading(generation, a.doc_id)
        if a.doc_id not in names:
            names[a.doc_id] = asked & (capitals | field_keys(title))
        if (key := (a.doc_id, a.context)) not in said:
            text = f"{title}\n{a.context}"
            said[key] = frozenset(asked & (field_keys(text) | numbers(text)))
    out = set()
    for a in answers:
        mine = said[a.doc_id, a.context]
        for b in answers:
            theirs = said[b.doc_id, b.context]
            if b.doc_id == a.doc_id or not theirs > mine:
                continue
            unsaid = (theirs - mine) & names[b.doc_id]
            if unsaid and not unsaid & doc_words(generation, a.doc_id):
                out.add(id(a))
                break
    return out


# the source a sentence reports its news from, its clause ending there: "..., Cornwall Council
# has said.", "..., said Ms Okafor." and "according to the council" (not "the council said it
# will repair the bridge", where the council is the one who repairs)
_WHEN_SAID = r"(?:\s+(?:on|in|at|last|this|yesterday|today|earlier|late)\b[^.;\n]{0,25})?"
_REPORTED_BY = re.compile(
    r"\A\s*(?:has\s+|have\s+|had\s+)?(?:said|says|told\s+\w+|announced|confirmed|stated)"
    rf"{_WHEN_SAID}\s*(?:[.,;\n\"\u201d]|\Z)",
    re.I,
)
_REPORTING = re.compile(r"(?:\b(?:said|says)|\baccording\s+to(?:\s+the)?)\s*\Z", re.I)
_CLAUSE_ENDS = re.compile(r"\A\s*(?:[.,;\n\"\u201d]|\Z)")
_ASKS_REPORT = re.compile(
    r"\b(?:say|says|said|tell|told|announc\w*|confirm\w*|stated?|statement|report\w*|according|"
    r"source|quoted?|spokes\w*)\b",
    re.I,
)


def reporter(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) are the source their sentence reports ("..., Cornwall Council
    has said", "said Ms Okafor", "according to the council") where the question does not ask
    who said it, and the rest of their sentence says no word of the question: "Who carried
    out the repairs?" is not answered by the council that said when the bridge reopens."""
    if _ASKS_REPORT.search(question):
        return set()
    asked = field_keys(question)
    out = set()
    for a in answers:
        text, at = a.context, a.start - a.passage_start
        before, after = text[max(0, at - 40) : at], text[at + len(a.text) :]
        said = _REPORTED_BY.match(after) or _REPORTING.search(before) and _CLAUSE_ENDS.match(after)
        if not said:
            continue
        rest = re.split(r"[.!?]\s|\n", after, maxsplit=1)[0]
        if not field_keys(rest) & asked:  # "..., said Rachel Osei, who chairs the board"
            out.add(id(a))
    return out


# a page's dateline: the date under its headline, with nothing but a place ("CAMBRIDGE,
# England, 18 November 2026") or a word that says it is the page's ("Published 9 October 2026")
_DATELINE_WORDS = re.compile(r"^(?:published|posted|updated|released|dated|on|by|at)$", re.I)
_DATE_ASKED = re.compile(
    r"\b(?:announc\w*|report\w*|publish\w*|post|posted|releas\w*|launch\w*|updated?|issued?|"
    r"date[ds]?|today|news|press|dateline|written|wrote)\b",
    re.I,
)


def dateline(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) are a page's dateline, the day it was published, where the
    question asks the date of another event: "When was Lumen Therapeutics founded?" is not
    answered by the press release's "CAMBRIDGE, England, 18 November 2026", nor when a path
    closes by its notice's "Notice from the ranger service, 20 November 2026."."""
    if _DATE_ASKED.search(question):
        return set()
    out = set()
    for a in answers:
        text, at = a.context, a.start - a.passage_start
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at) if "\n" in text[at:] else len(text)
        before, after = text[start:at], text[at + len(a.text) : end].strip()
        words = [w.strip(",") for w in before.split()]
        # or a notice's, a letter's or a post's opening line, its source and its date: "Notice
        # from the ranger service, 20 November 2026.", its words none of the question's
        opening = (
            a.passage_start + start < _OPENING
            and before.rstrip().endswith(",")
            and after in ("", ".")
            and not re.search(r"[\d.:;!?]", before)
            # not the date of what the question asks ("By-election results, 26 November 2026")
            and not field_keys(before) & field_keys(question)
        )
        if (
            _YEAR.search(a.text)
            and len(text[start:end].split()) <= 12
            and not re.search(r"[.:;!?]", before)
            and (
                opening
                or (
                    all(w[:1].isupper() or _DATELINE_WORDS.match(w) for w in words)
                    and (words or after)  # a date alone on its line heads a diary's entry
                    and (not after or after[0] in "\u00b7|\u2014\u2013-")
                )
            )
        ):
            out.add(id(a))
    return out


# how far into its document a line may start to be its opening line (``dateline``)
_OPENING = 200
