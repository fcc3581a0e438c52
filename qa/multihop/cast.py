"""Who played whom: the cast of a film, a series or a play as its passages state it ("starred
Kim Darby as Mattie Ross and John Wayne as U.S. Marshal Rooster Cogburn", "Ted Mosby (Josh
Radnor)", "Colin Firth plays the future King George VI", "The Mother is played by Cristin
Milioti"), and the questions that ask it ("Who did John Wayne play in True Grit?", "Who played
George VI in The King's Speech?", "{bridge} also plays which character in X?"). A reader picks
the wrong name of a cast list often; the list's own pairing does not."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.multihop.clauses import ASKS
from kgqa.qa.multihop.names import SMALL, loose_key
from kgqa.qa.multihop.shapes import Clause
from kgqa.qa.multihop.steps import Step, text_step
from kgqa.qa.types import Hit

_WORD = r"(?:[A-Z]\.|[A-Z][\w'\-]*)"  # a capitalised word or an initial ("Michael J. Fox")
_PERSON = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
_PLAY = r"(?:play|portray|voice)"  # the verb, bare
_PLAYED = r"(?:play(?:s|ed)|portray(?:s|ed)|voice[sd])"  # the verb, inflected
_IN_ROLE = SMALL | {"/", "-", "&", "al", "bin", "ibn"}  # "Ra's al Ghul", "Nightwing / Dick Grayson"
_WHAT = r"(?:who|what|which)(?:\s+(?:character|role|part))?"
# "Who did ACTOR play in WORK?", "ACTOR also plays which character in WORK?", "In WORK, who
# does ACTOR play?" -> the role; "Who played ROLE in WORK?", "In WORK, who played ROLE?" -> the
# actor. The names are matched in the cast's own text, so a role may be written in lower case.
_ROLE_OF = [
    rf"(?i:{_WHAT})\s+(?i:did|does|do|has)\s+(?P<name>.+?)\s+(?:also\s+)?(?:{_PLAY}|{_PLAYED})"
    r"\s+(?:in|on)\s+(?P<work>.+?)",
    rf"(?P<name>.+?)\s+(?:also\s+)?{_PLAYED}\s+(?:which|what)\s+(?:character|role|part)\s+"
    r"(?:in|on)\s+(?P<work>.+?)",
    rf"(?i:in)\s+(?P<work>.+?),\s+(?i:{_WHAT})\s+(?:did|does|do)\s+(?P<name>.+?)\s+(?:also\s+)?"
    rf"{_PLAY}",
]
_ACTOR_OF = [
    rf"(?i:who)\s+{_PLAYED}\s+(?:the\s+role\s+of\s+)?(?P<name>.+?)\s+(?:in|on)\s+"
    r"(?P<work>(?:the\s+)?[A-Z\"].+?)",
    rf"(?i:in)\s+(?P<work>.+?),\s+(?i:who)\s+{_PLAYED}\s+(?P<name>.+?)",
]


def cast_question(question: str) -> tuple[str, str, str] | None:
    """("role", actor, work) or ("actor", role, work) when ``question`` asks one side of a
    cast pair, else None."""
    q = " ".join(question.split()).rstrip(" ?")
    for want, patterns in (("role", _ROLE_OF), ("actor", _ACTOR_OF)):
        for pattern in patterns:
            m = re.fullmatch(pattern, q)
            if m and m.group("name").strip() and m.group("work").strip():
                return want, m.group("name").strip(" ,\"'"), m.group("work").strip(" ,\"'")
    return None


def _role_end(text: str, start: int) -> int:
    """Where a role that starts at ``start`` ends: capitalised words (abbreviations, quoted
    nicknames and "/" between two names included: "U.S. Marshal Reuben J. "Rooster" Cogburn",
    "Nightwing / Dick Grayson"), with small words inside but not at its end; a comma or a
    sentence's end ("Cogburn. Wayne won ...") ends it."""
    end = start
    for m in re.finditer(r"\S+", text[start:]):
        token = m.group(0)
        bare = token.strip("\"'`,.;:()")
        if bare[:1].isupper() or bare[:1].isdigit():
            stop = token.endswith((",", ";", ":")) or (
                token.endswith(".") and "." not in bare and len(bare) > 1
            )
            end = start + m.start() + len(token.rstrip(",;:.") if stop else token)
            if stop:
                break
        elif bare.lower() not in _IN_ROLE or token in {"and", "or"}:
            break  # "Mattie Ross and John Wayne as ...": the next pairing
    return end


def _role_start(text: str, end: int) -> int:
    """Where a role that ends at ``end`` (before "(Actor)") starts: capitalised words back
    from it, and a lower-case word between two of them ("Queen dowager Clarisse Renaldi")."""
    tokens = list(re.finditer(r"\S+", text[:end]))
    start = end
    for i in range(len(tokens) - 1, -1, -1):
        word = tokens[i].group(0).strip("\"'`")
        if word[:1].isupper() and not word.endswith((",", ".", ";", ":")):
            start = tokens[i].start()
        elif (
            word.islower() and i > 0 and tokens[i - 1].group(0)[:1].isupper() and start < end
            and not tokens[i - 1].group(0).endswith((",", "."))
        ):  # fmt: skip
            continue
        else:
            break
    return start


# "ACTOR as ROLE", "ACTOR plays the future ROLE", "ACTOR (in his last film), reprising his role
# as ROLE", "ACTOR returned as ROLE": the role starts where the match ends
_AS = re.compile(
    rf"(?P<actor>{_PERSON})(?:\s+\([^)]{{0,40}}\),?)?\s+(?:(?:reprising|reprises|reprised|in|"
    rf"for)\s+(?:his|her|their)\s+(?:\w+\s+)?role\s+|(?:returned|returns|returning|appeared|"
    rf"appears|was\s+cast|is\s+cast)\s+)?(?:as|{_PLAYED})\s+"
    r"(?:(?:the|a|an|[a-z0-9\-][\w\-]*)\s+){0,4}?(?=[A-Z\"])"
)
_BOTH = re.compile(rf"\s+and\s+(?:the\s+)?({_PERSON}),?\s+respectively\b")
# "ROLE (ACTOR)", "ROLE (played by ACTOR)", "ROLE is played by ACTOR": the role ends where the
# match starts
_BY = re.compile(
    rf"\s\((?:(?:played|portrayed|voiced)\s+by\s+)?(?P<actor>{_PERSON})\)"
    rf"|,?\s+(?:is|was)\s+(?:played|portrayed|voiced)\s+by\s+(?P<by>{_PERSON})"
)


def cast_pairs(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(actor span, role span) for each pairing that ``text`` states."""
    pairs = []
    found = list(_AS.finditer(text))
    for i, m in enumerate(found):
        end = _role_end(text, m.end())
        if i + 1 < len(found):  # "as Ethan Montgomery (adult) KJ Apa as ...": a list's next
            end = min(end, len(text[: found[i + 1].start()].rstrip()))
        if end <= m.end():
            continue
        # "stars A and B as X and Y respectively": A plays X, B plays Y
        both = _BOTH.match(text, end)
        first = re.search(rf"({_PERSON})\s+and\s+$", text[max(0, m.start() - 60) : m.start()])
        if both and first:
            at = max(0, m.start() - 60)
            pairs.append(((at + first.start(1), at + first.end(1)), (m.end(), end)))
            pairs.append((m.span("actor"), both.span(1)))
        else:
            pairs.append((m.span("actor"), (m.end(), end)))
    for m in _BY.finditer(text):
        start = _role_start(text, m.start())
        if start < m.start():
            pairs.append((m.span("actor" if m.group("actor") else "by"), (start, m.start())))
    return pairs


def same_person(one: str, other: str) -> bool:
    """Whether two names stand for one actor: equal, or the same surname where one of them is
    the surname alone ("Wayne" of "John Wayne") or they share their first name."""
    a, b = loose_key(one).split(), loose_key(other).split()
    if not a or not b or a[-1] != b[-1]:
        return False
    return a == b or len(a) == 1 or len(b) == 1 or a[0] == b[0]


def _names_role(role: str, name: str) -> bool:
    """Whether a role says ``name``: all of its words, in its own order ("George VI" of "the
    future King George VI", "Ethan" of "Ethan Montgomery")."""
    words, have = loose_key(name).split(), loose_key(role)
    return bool(words) and re.search(rf"\b{re.escape(' '.join(words))}\b", have) is not None


def cast_span(text: str, want: str, name: str) -> tuple[int, int] | None:
    """The role ``name`` plays (``want`` "role") or the actor who plays the role ``name``
    ("actor") in ``text``'s cast, the first pairing that matches."""
    for actor, role in cast_pairs(text):
        if want == "role" and same_person(text[actor[0] : actor[1]], name):
            return role
        if want == "actor" and _names_role(text[role[0] : role[1]], name):
            return actor
    return None


def cast_step(mh: Any, question: str) -> Step | None:
    """The answer to a cast question from the cast lists in the passages about its work (and
    the question's own best passages that name the work), or None. ``mh``: the
    ``solve.MultiHop`` asking."""
    asked = cast_question(question)
    if asked is None:
        return None
    want, name, work = asked
    key = loose_key(work)
    hits: list[Hit] = list(mh.about(work, question))
    for hit in mh.search(question)[:8]:
        if hit not in hits and key in loose_key(hit.passage.doc_id + " " + hit.passage.text):
            hits.append(hit)
    for hit in hits:
        span = cast_span(hit.passage.text, want, name)
        if span is not None:
            mh.hits.setdefault(hit.passage.passage_id, hit)
            return text_step(question, hit, *span)
    return None


def starring_step(mh: Any, entity: str, question: str) -> Step | None:
    """A cast member of ``entity``: the first name its passage lists after "starring",
    "stars" or "starred" (a film's lead is named first)."""
    for hit in mh.about(entity, question)[:2]:
        m = re.search(rf"\bstarr?(?:ing|s|ed)\s+(?:by\s+)?({_PERSON})", hit.passage.text)
        if m:
            return text_step(question, hit, *m.span(1))
    return None


# "the actor of Barney Stinson from How I Met Your Mother": the one who played that role
_ACTOR_OF_ROLE = re.compile(
    r"\bthe\s+(?:actor|actress|voice\s+actor|performer)\s+of\s+(?P<role>[A-Z][^?,]*?)\s+"
    r"(?:from|in|on)\s+(?P<work>[A-Z\"][^?,]*?)(?=\s+(?:play|plays|played|receive|[a-z]+ed)\b|"
    r"\s*[?,]|$)"
)
# "Who played the monarch at the end of WW2 in The King's Speech?": who the description is first
_PLAYED_DESCRIBED = re.compile(
    rf"(?i:who)\s+(?P<verb>{_PLAYED})\s+(?P<desc>the\s+(?!(?:title|lead|leading|main)\b)"
    r"(?!(?:role|part|character)s?\b)[a-z][^?]*?)\s+in\s+"
    r"(?P<work>(?:the\s+)?[A-Z\"][^?]*?)\s*\??"
)


def cast_clause(q: str) -> Clause | None:
    """A clause whose bridge is a cast member: "the actor of ROLE from WORK" (asked as "Who
    played ROLE in WORK?"), or the described role of "Who played the monarch ... in WORK?"."""
    m = _ACTOR_OF_ROLE.search(q)
    if m is not None and ASKS.search(q):
        outer = q[: m.start()] + "{bridge}" + q[m.end() :]
        inner = f"Who played {m.group('role')} in {m.group('work')}?"
        return Clause(inner, outer, True, "actor")
    m = re.fullmatch(_PLAYED_DESCRIBED, q)
    if m is not None:
        outer = f"Who {m.group('verb')} {{bridge}} in {m.group('work')}?"
        return Clause(f"Who was {m.group('desc')}?", outer, True, "")
    return None
