"""Relative clauses that a question asks first: "What year did the company that published X
end?" asks "Which company published X?", and its answer (the bridge) stands in the rest
("What year did {bridge} end?"); "The actor who plays X in Y also plays which character in
Z?" opens with its bridge's clause; "the place of birth of who does the voice of Stan on South
Park" asks "Who does the voice of Stan on South Park?" first."""

from __future__ import annotations

import re

from kgqa.qa.multihop.names import SMALL as _SMALL
from kgqa.qa.multihop.shapes import Clause

# a question word anywhere ("whose" too), and one that lets a question ask of a clause's bridge
WH_WORD = re.compile(r"(?i)\b(?:what|which|who|whom|whose|where|when|how)\b")
ASKS = re.compile(r"(?i)\b(?:what|which|who|whom|where|when|how)\b")
_PREPOSITION = (
    r"in|on|at|from|under|by|for|with|to|of|through|during|into|after|before|since|over|within"
)
# "the company that published X", "the county in which X was born", "the president under
# whom Y happened": a noun of up to four words, then the relative word
_RELATIVE = re.compile(
    rf"the\s+(?P<noun>(?:(?!(?:{'|'.join(_SMALL)})\s)[a-z][a-z\-]*\s+){{0,3}}?[a-z][a-z\-]*)\s+"
    rf"(?P<rel>(?:(?:{_PREPOSITION})\s+(?:which|whom))|that|which|who|whom|where|when)\s+"
    r"(?P<clause>[^?]+)"
)
_AUXILIARY = {"is", "was", "are", "were", "has", "have", "had", "did", "does", "do", "can",
              "could", "will", "would"}  # fmt: skip
_SUBJECT_WORDS = {"the", "a", "an", "his", "her", "its", "their", "he", "she", "it", "they",
                  "we", "you", "i", "this", "these", "those"}  # fmt: skip
_PEOPLE_NOUNS = {"person", "man", "woman", "one", "people", "actor", "actress", "singer",
                 "player", "artist", "author", "writer", "president", "king", "queen"}  # fmt: skip
_PARTICIPLE = r"[a-z]+ed|born|held|made|built|based|known|found|run|shot|written|sung"
_TIMES = {"year", "day", "date", "time", "period", "era", "season", "month", "decade", "century"}
_NOT_CONTENT = re.compile(
    r"\{bridge\}|\b(?:what|which|who|whom|where|when|how|is|was|are|were|the|of|a|an|did|does"
    r"|do|in|on|at|to|for)\b|[?,.]",
    re.IGNORECASE,
)


def clause(q: str) -> Clause | None:
    """ "What year did the company that published X end?", "Who is the child of the president
    under whom prohibition occurred?": the innermost (last) relative clause becomes a question
    of its own. Its words run to the end of the question, except a verb that the outer
    question needs after its subject ("... did the company that published X *end*?")."""
    opening = _subject_first(q)
    if opening is not None:
        return opening
    starts = [the.start() for the in re.finditer(r"\bthe\s", q)]
    m = next((m for at in reversed(starts) if (m := _RELATIVE.match(q, at))), None)
    if m is None:
        return _of_who(q)
    noun, rel = m.group("noun"), m.group("rel").lower()
    words = m.group("clause").strip(" ,").split()
    if noun in {"same", "other", "one", "way"} or (rel == "when" and noun not in _TIMES):
        return None  # "the object when it is not in use": not a relative clause
    before = q[: m.start()].rstrip()
    if len(words) < 2 or not ASKS.search(before):
        return None  # the question's own wh-word is in the clause: it is not a bridge
    subject = rel in ("that", "which", "who") and not (
        words[0][:1].isupper() or words[0].lower() in _SUBJECT_WORDS
    )  # the noun is the clause's subject: "the company that published X"
    tail: list[str] = []
    # with "did" before, the outer question's own verb may follow a clause that has its own
    # subject: "When did the city where X died | become its own country?"
    do_support = not subject and re.search(r"(?i)\b(?:did|does|do)\b", before) is not None
    if before.split()[-1].lower() in _AUXILIARY or do_support:  # (before holds a wh-word)
        # the outer question needs its own verb after its subject, the bridge
        cut = _outer_verb(words) if subject else _second_verb(words)
        if cut == len(words) and len(words) > 2:  # "... located (in)?", "... headquartered?"
            last = len(words) - (2 if words[-1].lower() in _SMALL else 1)
            if re.fullmatch(_PARTICIPLE, words[last].lower()):
                cut = last
        words, tail = words[:cut], words[cut:]
    if len(words) > 2 and all(re.fullmatch(_PREPOSITION, w.lower()) for w in words[-2:]):
        # "What league was the team that X was a member of in?": the clause ends at "of";
        # the last preposition is the outer question's ("What league was {bridge} in?")
        words, tail = words[:-1], [words[-1], *tail]
    outer = " ".join([before, "{bridge}", *tail]).strip() + "?"
    if not _NOT_CONTENT.sub(" ", outer).strip():
        return None  # "What is {bridge}?": the clause is the whole question
    person = rel == "who" or rel.endswith("whom") or noun in _PEOPLE_NOUNS
    body = " ".join(words)
    if subject:
        inner = f"{'Who' if rel == 'who' else f'Which {noun}'} {body}?"
        return Clause(inner, outer, person, noun)
    if rel in ("where", "when"):
        wh = rel.capitalize()
    elif " " in rel:  # "in which", "under whom"
        wh = f"{rel.split()[0].capitalize()} which {noun}"
    else:
        wh = "Who" if person else f"Which {noun}"
    # the object or place of the clause: put its auxiliary first ("was X born")
    aux = next((i for i, w in enumerate(words) if i > 0 and w.lower() in _AUXILIARY), None)
    if aux is not None:
        body = " ".join([words[aux], *words[:aux], *words[aux + 1 :]])
    return Clause(f"{wh} {body}?", outer, person, noun)


_OPENING = re.compile(
    r"(?i:the)\s+(?P<noun>[a-z][a-z\-]*(?:\s+[a-z][a-z\-]*)?)\s+(?P<rel>that|which|who)\s+"
    r"(?P<clause>[^?]+)"
)


def _subject_first(q: str) -> Clause | None:
    """ "The actor who plays Count Olaf in X also plays which character in Y?": the question
    opens with its bridge and the bridge's clause; the outer question's own verb follows the
    names of the clause, and its wh-word comes after that."""
    m = _OPENING.match(q)
    if m is None:
        return None
    words = m.group("clause").split()
    if not words or words[0][:1].isupper() or words[0].lower() in _SUBJECT_WORDS:
        return None  # the clause has a subject of its own: "The city that X ..."
    cut = _outer_verb(words)
    inner, tail = " ".join(words[:cut]).strip(" ,"), " ".join(words[cut:]).strip(" ?")
    if " " not in inner or not tail or not WH_WORD.search(tail):
        return None
    noun, rel = m.group("noun").lower(), m.group("rel").lower()
    person = rel == "who" or noun in _PEOPLE_NOUNS
    return Clause(f"{'Who' if person else f'Which {noun}'} {inner}?", f"{{bridge}} {tail}?",
                  person, noun)  # fmt: skip


def _of_who(q: str) -> Clause | None:
    """ "What is the place of birth of who does the voice of Stan on South Park?": the person
    the clause after "of who" describes is the bridge."""
    who = re.search(r"\bof\s+who\s+(?P<clause>(?:is|was|does|did|plays|played)\s[^?]+)", q)
    if who is None or not re.search(r"(?i)\b(what|which|where|when|how)\b", q[: who.start()]):
        return None
    return Clause(f"Who {who.group('clause').strip()}?", q[: who.start()] + "of {bridge}?", True)


def _outer_verb(words: list[str]) -> int:
    """Where the outer question's own words start in a clause that ran to the question's end:
    the first lower-case word (not a small word) after a name ("published Starship Command |
    end"; a number goes with the name: "BAe 146", "the Rebellion in 1857"); the clause's
    length when there is none."""
    seen_name = False
    for i, word in enumerate(words):
        word = word.lstrip("\"'`(")  # a quoted title: '"A Series of Unfortunate Events"'
        if word[:1].isupper() or (seen_name and word[:1].isdigit()):
            seen_name = True
        elif seen_name and word.lower() not in _SMALL:
            return i
    return len(words)


# verbs that take no object, so a plain word after them is the outer question's verb
_INTRANSITIVE = {"born", "died", "formed", "located", "based", "lived", "headquartered",
                 "founded", "established", "buried", "raised", "released", "built", "held",
                 "created", "started", "began", "ended"}  # fmt: skip
_NOT_VERBS = _SMALL | _AUXILIARY


def _second_verb(words: list[str]) -> int:
    """Where the outer question's verb starts in a clause with its own subject and verb that
    ran to the question's end ("Pope John XXIII died | become its own country"): the word
    after the clause's verb, when that verb takes no object and the word is a plain
    lower-case one; else the clause's length."""
    for i in range(1, len(words) - 1):
        verb, nxt = words[i].lower(), words[i + 1]
        if verb in _INTRANSITIVE and nxt[:1].islower() and nxt.lower() not in _NOT_VERBS:
            return i + 1
    return len(words)
