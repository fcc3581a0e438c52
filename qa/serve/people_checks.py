"""Checks of whom an answer's sentence is about (setting ``graph_veto``, through
``read_checks.read_elsewhere``):

- **Another of the family.** "Who did Frank Hollis marry?" is not answered from a sentence
  about "Mr Walter Hollis, elder son of Mr and Mrs Arthur Hollis", which names others of the
  family name and never Frank.
- **The other side of a succession.** "Isla Mackay will become chief technology officer,
  succeeding Peter Lindqvist, who retires in March" answers who is retiring with Peter
  Lindqvist, not Isla Mackay; and who the new one is, not with Peter Lindqvist.
- **Another's "It".** "It employs 410 people" after "Halyard Robotics was founded in 2014"
  does not say how many people Pinfold employs.
- **The thing asked, for who.** "Who is rebuilding the Beacon Ridge path?" is not answered
  by "eroded path".
"""

from __future__ import annotations

import re
from typing import Any

# a name of two or three capitalised words in a question, not its first word ("Frank Hollis",
# less a possessive's "'s")
_QUESTION_NAME = re.compile(
    r"(?<=\w )([A-Z][a-z'\u2019-]+) ([A-Z][a-z'\u2019-]+?)(?:['\u2019]s?)?\b"
)
# what stands before a given name and is no given name: a title
_TITLES = {"mr", "mrs", "miss", "ms", "dr", "rev", "sir", "dame", "lady", "lord", "st", "the"}


# where a sentence ends: a full stop (or ! or ?) before a capital or a quote, or a blank line
_ENDS = re.compile(r"[.!?](?=\s+[A-Z\"'])|\n[ \t]*\n")


def _sentences(text: str) -> list[tuple[int, int]]:
    """Where the sentences of a passage's ``text`` lie, across the line breaks of a wrapped
    paragraph (each ends at a full stop before a capital, or at a blank line)."""
    cuts = [m.end() for m in _ENDS.finditer(text)]
    return [(a, b) for a, b in zip([0, *cuts], [*cuts, len(text)]) if text[a:b].strip()]


def _sentence(answer: Any, back: int = 0) -> tuple[str, int, int]:
    """The sentence of an answer's passage that holds it (or the one ``back`` sentences before
    it, "" where a blank line comes between), its line breaks as spaces, and where the answer
    lies in it."""
    text, at = answer.context, answer.start - answer.passage_start
    spans = _sentences(text)
    n = next((i for i, (a, b) in enumerate(spans) if a <= at < b), len(spans) - 1)
    if n - back < 0:
        return "", 0, 0
    a, b = spans[n - back]
    if back and re.search(r"\n[ \t]*\n\s*\Z", text[a : spans[n][0]]):
        return "", 0, 0  # a blank line between: another paragraph
    return text[a:b].replace("\n", " "), at - a, at - a + len(answer.text)


def other_kin(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) were read in a sentence that names someone else of the family
    name of a person the question names ("Walter Hollis" or "Mrs Arthur Hollis" for "Frank
    Hollis"), outside the answer, each time it says the family name, and never that person's
    given name."""
    names = [(g, f) for g, f in _QUESTION_NAME.findall(question) if g.lower() not in _TITLES]
    if not names:
        return set()
    out = set()
    for a in answers:
        sentence, at, end = _sentence(a)
        outside = sentence[:at] + " " * (end - at) + sentence[end:]
        for given, family in names:
            # the word before each time the family name is said: all of them another given
            # name ("Walter Hollis", "Mrs Arthur Hollis"), none alone ("Hollis was born ...",
            # "Mr Hollis": maybe the one asked)
            before = re.findall(rf"(\S*)\s+{re.escape(family)}\b|^{re.escape(family)}\b", outside)
            others = [
                w for w in before if w[:1].isupper() and w.lower() not in _TITLES and w != given
            ]
            if (
                others
                and len(others) == len(before)
                and not re.search(rf"\b{re.escape(given)}\b", sentence)
            ):
                out.add(id(a))
    return out


# a question about the one who leaves a post, and one about the one who takes it ("Who did
# Lorna Kerrigan succeed?" asks who left)
_ASKS_LEAVER = re.compile(
    r"\b(?:retir\w*|step(?:s|ped|ping)?\s+down|leav(?:es|ing)|outgoing|departing|predecessor|"
    r"did\s+.+\s+(?:succeed|replace))\b",
    re.I,
)
_ASKS_NEWCOMER = re.compile(
    r"\b(?:new|incoming|successor|will\s+(?:become|succeed|replace|take\s+over)|"
    r"(?:succeeded|replaced)\s+[A-Z])"
)
# the words of a succession: the one who leaves comes after them, the one who comes before
_SUCCEEDING = (
    r"(?:succeed(?:ing|s|ed)?|replac(?:ing|es|ed)|(?:takes?|taking|took)\s+over\s+from|"
    r"in\s+place\s+of)"
)
_LEAVER_BEFORE = re.compile(rf"\b{_SUCCEEDING}\s+(?:the\s+)?\Z", re.I)
_NEWCOMER_AFTER = re.compile(rf"\A[^.;]{{0,80}}?\b{_SUCCEEDING}\s+(?:the\s+)?[A-Z]")
# "X was succeeded by Y": the roles the other way round
_BY = re.compile(r"\b(?:succeeded|replaced)\s+by\b", re.I)


def other_side(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) are the newcomer of a succession their sentence tells ("X will
    become ..., succeeding Y") where the question asks who leaves ("retiring", "stepping down",
    "Who did X succeed?"), or the one who leaves where it asks the new one."""
    leaver, newcomer = bool(_ASKS_LEAVER.search(question)), bool(_ASKS_NEWCOMER.search(question))
    if leaver == newcomer:
        return set()
    out = set()
    for a in answers:
        sentence, at, end = _sentence(a)
        if _BY.search(sentence):
            continue  # "was succeeded by": left alone
        leaves = bool(_LEAVER_BEFORE.search(sentence[:at]))
        comes = not leaves and bool(_NEWCOMER_AFTER.search(sentence[end:]))
        if (leaver and comes) or (newcomer and leaves):
            out.add(id(a))
    return out


# a sentence that opens with a pronoun or "the company" for what the sentence before names
_IT_OPENS = re.compile(r"(?:It|They|The\s+(?:company|firm|group|charity|trust|club|society))\s")
# a sentence that opens with a name: its capitalised words
_NAME_OPENS = re.compile(r"(?:[A-Z][\w&'\u2019-]*\s+)*[A-Z][\w&'\u2019-]*")


def others_it(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) were read in a sentence that opens with "It" (or "They", "The
    company") after a sentence that opens with another name than the question's, in a
    passage that never says a word of a name of the question: "How many people does Pinfold
    employ?" is not answered by "Halyard Robotics was founded in 2014 ... It employs 410
    people"."""
    from kgqa.qa.serve.field_reads import question_names

    # the words of the question's names ("Corvane" of "Corvane Therapeutics")
    names = {w for n in question_names(question) for w in re.findall(r"\w+", n.casefold())}
    if not names:
        return set()
    out = set()
    for a in answers:
        sentence = _sentence(a)[0].strip()
        before = _sentence(a, back=1)[0].strip()
        if (
            _IT_OPENS.match(sentence)
            and _NAME_OPENS.match(before)
            and not names & set(re.findall(r"\w+", a.context.casefold()))
        ):
            out.add(id(a))
    return out


_WHO = re.compile(r"^\s*who\b", re.I)


def asked_thing(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) to a "who" question are a lowercase phrase whose last word is a
    word of the question: the thing asked about, not who did it ("eroded path" for "Who is
    rebuilding the Beacon Ridge path?")."""
    from kgqa.qa.serve.field_reads import field_keys

    if not _WHO.match(question):
        return set()
    asked = field_keys(question)
    out = set()
    for a in answers:
        words = a.text.split()
        if words and a.text == a.text.lower() and field_keys(words[-1]) & asked:
            out.add(id(a))
    return out
