"""Passages that call the question's organisation by its short name: an organisation's own
pages say "the Trust", "the Company" or "the Club" where the question names it in full ("Who
founded the Kestrel Moor Trust?" of "The Trust was founded in 1971 by Edith Crane"). Each
sentence of such a passage that says it is read once more with the full name in the short
name's place (setting ``short_name_answers``); a span outside the inserted name is one more
answer, at its place in the passage. So is a passage that spells out an acronym of the
question ("Annual General Meeting" for "When was the AGM held?"), read with the acronym in its
place."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.types import Answer, Hit, Span

# the last word of an organisation's name that its own pages use alone, after "the"
HEADS = (
    "Trust|Company|Society|Club|Museum|Institute|Foundation|Council|Association|Fund|Bank|"
    "Agency|Authority|Centre|Center|Library|Hospital|School|College|University|Academy|"
    "Festival|Union|Corporation|Board|Commission|Orchestra|Gallery|Theatre|Federation|League|"
    "Charity|Cooperative|Partnership|Firm|Group|Practice|Laboratory|Observatory|Institution"
)
# a name of two to six capitalised words that ends with one of HEADS ("Kestrel Moor Trust")
_NAME = re.compile(rf"\b((?:[A-Z][\w&'.-]*[ \t]+){{1,5}}({HEADS}))\b")
_WH = {"who", "what", "which", "when", "where", "why", "how", "whose", "whom", "is", "was", "did"}


def asked_names(question: str) -> list[tuple[str, str]]:
    """The organisations ``question`` names in full, each with the word a page may use alone
    for it: [("Kestrel Moor Trust", "Trust")]."""
    out = []
    for m in _NAME.finditer(question):
        words = m.group(1).split()
        while words and words[0].lower() in _WH:  # "Which Trust ..." names none
            words = words[1:]
        if len(words) >= 2:
            out.append((" ".join(words), m.group(2)))
    return out


def short_mentions(text: str, name: str, head: str) -> list[tuple[int, int]]:
    """Where ``text``, which never names ``name``, calls it "the {head}": each place of
    ``head`` after "the" with no other name ending in ``head`` before it in its paragraph
    (after "the Cumbria Wildlife Trust", "the Trust" is that one). None when the text names
    it."""
    if name.casefold() in text.casefold():
        return []
    others = [m.start() for m in re.finditer(rf"\b(?!The\b)[A-Z][\w&'.-]*[ \t]+{head}\b", text)]
    out = []
    for m in re.finditer(rf"\b[Tt]he[ \t]+({head})\b(?![ \t]+of\b)", text):
        paragraph = max(text.rfind("\n\n", 0, m.start()), 0)
        if not any(paragraph <= o < m.start() for o in others):
            out.append(m.span(1))
    return out


def called_short(text: str, name: str) -> bool:
    """Whether ``text`` calls the organisation ``name`` by its last word alone
    (``short_mentions``): "the Trust" of "Kestrel Moor Trust"; or by the words before it, with
    no other capitalised word after them: "the Orrin" of "Orrin Museum"."""
    words = name.split()
    head = words[-1] if len(words) >= 2 else ""
    if not re.fullmatch(HEADS, head):
        return False
    own = re.escape(" ".join(words[:-1]))
    return bool(short_mentions(text, name, head)) or bool(
        re.search(rf"\b[Tt]he[ \t]+{own}\b(?![ \t]+[A-Z])(?!['\u2019-]\w)", text)
    )


def short_name_answers(service: Any, question: str, hits: list[Hit]) -> list[Answer]:
    """The answers the reader of ``service`` (a ``QAService``) reads in the sentences of the
    passages of ``hits`` that call an organisation the question names by its short name
    (``short_mentions``), each sentence read alone with the full name in the short name's
    place ("The Kestrel Moor Trust was founded in 1971 by Edith Crane")."""
    from kgqa.qa.ingest.loaders import sentence_spans

    names = asked_names(question)
    pieces = []
    for hit in hits:
        text = hit.passage.text
        name, places = next(
            ((n, p) for n, h in names if (p := short_mentions(text, n, h))), ("", [])
        )
        for start, end in sentence_spans(text) if places else ():
            inside = [(a, b, name) for a, b in places if start <= a and b <= end]
            if inside:
                pieces.append((hit, start, end, inside))
    for acronym in set(_ACRONYM.findall(question)):
        for hit in hits:
            places = spelled_out(hit.passage.text, acronym)
            if places:
                size = len(hit.passage.text)
                pieces.append((hit, 0, size, [(a, b, acronym) for a, b in places]))
    return read_replaced(service, question, pieces)


# an acronym of a question ("When was the AGM held?"), and the capitalised words of a name
# with the small words that may stand between them ("Royal National Lifeboat Institution",
# "Department of Health")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_CAPITAL = r"[A-Z][a-z]+"
_SMALL = r"(?:of|and|for|the|on|in|&)"


def spelled_out(text: str, acronym: str) -> list[tuple[int, int]]:
    """Where ``text``, which never writes ``acronym``, spells it out: capitalised words whose
    initials are its letters ("Annual General Meeting" for "AGM"), read with the acronym in
    their place ("Ferncombe Village Hall: AGM")."""
    if re.search(rf"\b{acronym}\b", text):
        return []
    words = rf"{_CAPITAL}(?:[ \t]+(?:{_SMALL}[ \t]+)?{_CAPITAL}){{{len(acronym) - 1}}}"
    out: list[tuple[int, int]] = []
    for m in re.finditer(rf"(?<![\w-])(?=({words})(?![\w-]))", text):
        initials = "".join(w[0] for w in re.findall(_CAPITAL, m.group(1)))
        if initials == acronym and (not out or m.start() >= out[-1][1]):
            out.append((m.start(), m.start() + len(m.group(1))))
    return out


Piece = tuple[Hit, int, int, list[tuple[int, int, str]]]


def read_replaced(
    service: Any, question: str, pieces: list[Piece], clip: bool = False
) -> list[Answer]:
    """The answers the reader of ``service`` reads in parts of passages with words replaced:
    each piece is (hit, start, end of the part in its passage's text, replacements (start,
    end, new text) inside it). A span is put back at its place in the passage; one that takes
    in a replaced word is none (the name put there is the question's own), or with ``clip``,
    one that starts in it starts after it ("accountant" of "was, before retiring, an
    accountant")."""
    contexts, where = [], []
    for hit, start, end, replacements in pieces:
        text, parts, replaced, at, length = hit.passage.text, [], [], start, 0
        for a, b, new in sorted(replacements):
            parts += [text[at:a], new]
            begin = length + a - at
            replaced.append((begin, begin + len(new), b - a))
            length, at = begin + len(new), b
        parts.append(text[at:end])
        contexts.append("".join(parts))
        where.append((hit, start, replaced))
    if not contexts:
        return []
    readings, probabilities = service.read_contexts(question, contexts)
    found = []
    for (hit, start, replaced), reading, probability in zip(where, readings, probabilities):
        span = reading.span
        if span is None or not span.text.strip():
            continue
        for a, b, _ in replaced if clip else ():
            if a <= span.start < b < span.end:
                span = Span(span.text[b - span.start :], span.score, b, span.end)
        if any(span.start < b and a < span.end for a, b, _ in replaced):
            continue
        shift = sum(b - a - size for a, b, size in replaced if b <= span.start)
        a, b = start + span.start - shift, start + span.end - shift
        found.append(hit.passage.answer(Span(hit.passage.text[a:b], span.score, a, b), probability))
    return found
