"""A person's parents as an encyclopedia states them in the person's own passage:

- "son of Sir Roger Martin, 2nd Baronet and Anna-Marie Harvey" (the father first);
- "the eldest daughter of George II, Prince of Waldeck and Pyrmont and his wife, Princess
  Emma of Anhalt-Bernburg-Schaumburg-Hoym";
- "child and heir of Alan III, Duke of Brittany by his wife Bertha of Blois";
- "daughter of Lady Sarah Elizabeth Amherst and her husband John Hay-Williams";
- "His mother was Lady Elizabeth Penelope".

The reader, asked "Who is the father of X?" of such a sentence, often answers with the mother
(or with a house or a city); these forms say which name is which."""

from __future__ import annotations

import re

from kgqa.qa.multihop.parse import name_end

_CHILD_OF = re.compile(r"\b(?:son|daughter|child|heir)\s+of\s+(?=[A-Z])")
# "... and his wife, B", "... by his second wife B", "... and her husband B"
_SPOUSE = re.compile(
    r",?\s+(?:and|by)\s+(?:of\s+)?(?:perhaps\s+)?(?P<whose>his|her)\s+(?:[A-Za-z]+\s+){0,2}?"
    r"(?P<who>wife|husband|consort)\s*,?\s+(?=[A-Z])"
)
_STATED = re.compile(r"\b(?:His|Her|Their)\s+(?P<who>father|mother)\s+(?:was|is)\s+(?=[A-Z])")


def _name(text: str, start: int) -> tuple[int, int] | None:
    end = name_end(text, start)
    while end > start and text[end - 1] in " ,.;":
        end -= 1
    return (start, end) if end > start else None


def parent_span(text: str, relation: str, within: int = 400) -> tuple[int, int] | None:
    """Where ``text`` (the person's own passage) names the person's ``relation`` ("father"
    or "mother"), in its first ``within`` characters; None unless a form above says which
    parent a name is."""
    head = text[:within]
    for stated in _STATED.finditer(head):
        if stated.group("who") == relation:
            return _name(text, stated.end())
    m = _CHILD_OF.search(head)
    if m is None:
        return None
    sentence_end = re.search(r"(?<=\w\w)\.\s", text[m.end() :])
    sentence = text[: m.end() + sentence_end.start()] if sentence_end else text
    first = _name(sentence, m.end())
    if first is None:
        return None
    spouse = _SPOUSE.match(sentence, first[1])
    if spouse is not None:
        second = _name(sentence, spouse.end())
        if second is None:
            return None
        first_is_father = spouse.group("whose") == "his"
        return first if (relation == "father") == first_is_father else second
    # "son of A and B": both parents named, the father first; the last "and" splits them (a
    # title may hold one: "Prince of Thurn and Taxis"); one word is no one's name
    names = sentence[first[0] : first[1]]
    joins = list(re.finditer(r"\s+and\s+(?=[A-Z])", names))
    if not joins or "'" in names:
        return None
    cut = joins[-1]
    parts = [(first[0], first[0] + cut.start()), (first[0] + cut.end(), first[1])]
    if not all(len(sentence[a:b].split()) > 1 for a, b in parts):
        return None
    a, b = parts[0] if relation == "father" else parts[1]
    while b > a and sentence[b - 1] in " ,.;":
        b -= 1
    return a, b
