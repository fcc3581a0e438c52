"""A person's parents as an encyclopedia states them in the person's own passage:

- "son of Sir Roger Martin, 2nd Baronet and Anna-Marie Harvey" (the father first);
- "the eldest daughter of George II, Prince of Waldeck and Pyrmont and his wife, Princess
  Emma of Anhalt-Bernburg-Schaumburg-Hoym";
- "child and heir of Alan III, Duke of Brittany by his wife Bertha of Blois";
- "daughter of Lady Sarah Elizabeth Amherst and her husband John Hay-Williams";
- "His mother was Lady Elizabeth Penelope" (and then "the second son of John Stuart, Lord
  Mount Stuart" names the father).

The reader, asked "Who is the father of X?" of such a sentence, often answers with the mother
(or with a house or a city); these forms say which name is which."""

from __future__ import annotations

import re

from kgqa.kg.canonical import canonical_key
from kgqa.qa.multihop.names import name_end

PARENTS = ("father", "mother", "parent")  # "parent": either, the first one named

# "daughter of detective novelist C. W. Grafton": words that say what the parent was may come
# first, but no article or preposition ("son of a farmer in Kent" names no parent)
_CHILD_OF = re.compile(
    r"\b(?:son|daughter|child|heir)\s+of\s+(?:the\s+)?"
    r"(?:(?!(?:a|an|the|in|at|on|from|of|and|to|by|with|for)\s)[a-z]+\s+){0,3}(?=[A-Z])"
)
# "... and his wife, B", "... by his second wife B", "... and her husband B"
_SPOUSE = re.compile(
    r",?\s+(?:and|by)\s+(?:of\s+)?(?:perhaps\s+)?(?P<whose>his|her)\s+(?:[A-Za-z]+\s+){0,2}?"
    r"(?P<who>wife|husband|consort)\s*,?\s+(?=[A-Z])"
)
_STATED = re.compile(r"\b(?:His|Her|Their)\s+(?P<who>father|mother)\s+(?:was|is)\s+(?=[A-Z])")
# a sentence ends at a full stop after a word of two letters or more (not "J. Smith")
_SENTENCE_END = re.compile(r"(?<=\w\w)\.\s")


def _trimmed(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing spaces and punctuation."""
    while end > start and text[end - 1] in " ,.;":
        end -= 1
    return end


def _name(text: str, start: int) -> tuple[int, int] | None:
    end = _trimmed(text, start, name_end(text, start))
    return (start, end) if end > start else None


def parent_span(text: str, relation: str, within: int = 400) -> tuple[int, int] | None:
    """Where ``text`` (the person's own passage) names the person's ``relation`` ("father"
    or "mother"; "parent": the first one named), in its first ``within`` characters; None
    unless a form above says which parent a name is."""
    head = text[:within]
    other = None  # the other parent, where the passage says who it is
    for stated in _STATED.finditer(head):
        if stated.group("who") == relation or relation == "parent":
            return _name(text, stated.end())
        other = _name(text, stated.end())
    m = _CHILD_OF.search(head)
    if m is None:
        return None
    sentence_end = _SENTENCE_END.search(text[m.end() :])
    sentence = text[: m.end() + sentence_end.start()] if sentence_end else text
    first = _name(sentence, m.end())
    if first is None:
        return None
    if relation == "parent":  # "son of A, 2nd Baronet and B": A
        cut = re.search(r",\s|\s+and\s+(?=[A-Z])", sentence[first[0] : first[1]])
        return (first[0], first[0] + cut.start()) if cut else first
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
    if not joins and other is not None and text[other[0] : other[1]] not in names:
        return first  # "the second son of A ... His mother was B": A is the father
    if not joins or "'" in names:
        return None
    cut = joins[-1]
    parts = [(first[0], first[0] + cut.start()), (first[0] + cut.end(), first[1])]
    if not all(len(sentence[a:b].split()) > 1 for a, b in parts):
        return None
    a, b = parts[0] if relation == "father" else parts[1]
    return a, _trimmed(sentence, a, b)


# a hop that asks for a child or a spouse, and the words before a name that make it the other
_ASKED = re.compile(r"(?i)\bthe\s+(?P<who>child|son|daughter|wife|husband|spouse)\s+of\b")
_OTHER_KIN = {
    "child": re.compile(r"(?i)\b(?:married|marry|wife|husband|widow(?:er)?|spouse)\b"),
    "spouse": re.compile(r"(?i)\b(?:sons?|daughters?|child|children|father|mother)\b"),
}


def kin_clash(question: str, text: str, start: int, within: int = 30) -> bool:
    """Whether the words just before the name at ``start`` of ``text`` (at most ``within``
    characters, in its sentence) make it another kin than the one ``question`` asks for:
    "married Ellen Arden" is no answer to "Who is the child of X?", and "his daughter Ann"
    none to "Who is the wife of X?"."""
    asked = _ASKED.search(question)
    if asked is None:
        return False
    who = asked.group("who").lower()
    kind = "child" if who in ("child", "son", "daughter") else "spouse"
    before = re.split(r"[.;]\s", text[max(0, start - within) : start])[-1]
    if kind == "child":  # "a daughter of Woodrow Wilson and Ellen Axson": the other parent
        parents = re.split(r"[.;]\s", text[max(0, start - 3 * within) : start])[-1]
        if re.search(r"(?i)\b(?:sons?|daughters?|child|heir)\s+of\s+[^,]*\band\s+$", parents):
            return True
    return _OTHER_KIN[kind].search(before) is not None


# "Ivy Vell (1887 - 1933) was a daughter of Governor Tom Vell and ..."
_CHILD_SAID = re.compile(
    r"\b(?:is|was)\s+(?:the\s+|an?\s+)?(?:[a-z]+\s+){0,2}?(?P<who>son|daughter|child)\s+of\s+"
)


def child_span(text: str, parent: str, relation: str, within: int = 300) -> tuple[int, int] | None:
    """Where a passage that opens with its subject as a child of ``parent`` ("Ivy Vell (1887 -
    1933) was a daughter of Governor Tom Vell and Ada Rusk") names that subject, for the hop
    ``relation`` ("child", "son" or "daughter"); None otherwise."""
    said = _CHILD_SAID.search(text[:within])
    if said is None or relation not in ("child", said.group("who")):
        return None
    rest = text[said.end() :]
    sentence = rest[: m.start()] if (m := _SENTENCE_END.search(rest)) else rest
    if canonical_key(parent) not in canonical_key(sentence):
        return None
    # "... adopted daughter of Hans Albert Einstein, the son of Albert Einstein": the parent's
    # child is the name before ", the son of", not the passage's subject (a grandchild)
    said_of = re.search(
        rf"([A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*)*),\s+(?:the\s+|an?\s+)?(?:[a-z]+\s+)?"
        rf"(son|daughter|child)\s+of\s+{re.escape(parent)}\b",
        sentence,
    )
    if said_of is not None:
        at = said.end()
        found = relation in ("child", said_of.group(2))
        return (at + said_of.start(1), at + said_of.end(1)) if found else None
    name = _name(text, 0)
    if name is None:
        return None
    subject = re.split(r"\s*[(,]", text[name[0] : name[1]])[0]  # without its dates
    end = name[0] + len(subject)
    if canonical_key(subject) == canonical_key(parent):  # "Peel was the son of Sir Robert Peel"
        return None
    return (name[0], end) if name[0] < end <= said.start() else None


def kin_span(text: str, entity: str, relation: str) -> tuple[int, int] | None:
    """A parent named in ``text``, the entity's own passage (``parent_span``), or a child
    whose own passage ``text`` names the entity as a parent (``child_span``)."""
    if relation in PARENTS:
        return parent_span(text, relation)
    return child_span(text, entity, relation)
