"""What two named things have in common (the shape ``parse.Common``): "Eric Ambler and
Carol Shields are both best known for what profession?", "What type of media do Bitter Jester
and Sicko have in common?".

Each thing's passage defines it in its first sentence ("... was an English author of
thrillers"), and the answer is the words both definitions share: of the runs of shared words
in the first definition, the one with the most of them, the last on a tie (English puts the
head noun last: "a breed of Bichon type dog" and "a breed of dog" share "dog"). No shared word:
no answer this way, and the question goes the single-passage way."""

from __future__ import annotations

import re

# "X (1909 - 1998) was an English author of thrillers, in particular spy novels, who ..."
_DEFINES = re.compile(r"\b(?:is|was|are|were)\s+(?:(?:an?|the|one of the)\s+)?(?=\S)")
_DEFINITION_ENDS = re.compile(
    r"[.;(]|,?\s+(?:who|which|that|whose|where|known|founded|born|based|located|created"
    r"|published|directed|written|released|produced|starring|from)\b"
)
_NOT_SHARED = set(
    "a an the of in and or for to with by on at from as is was its his her their also one "
    "first former best known particular most well both other many several some such than "
    "very who which".split()
)
_WORD = re.compile(r"[A-Za-z][\w'\-–]*")


def definition(text: str) -> tuple[int, int] | None:
    """Where the definition in a passage's first sentence starts and ends (after "is a")."""
    m = _DEFINES.search(text[:400])
    if m is None:
        return None
    end = _DEFINITION_ENDS.search(text, m.end())
    stop = end.start() if end else min(len(text), m.end() + 200)
    return (m.end(), stop) if stop > m.end() else None


def _key(word: str) -> str:
    word = word.lower().replace("–", "-")  # "Armenian–American" and "Armenian-American"
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def shared_run(first: str, second: str, kind: bool = False) -> tuple[int, int] | None:
    """The characters of ``first`` (a definition) that ``second`` shares: the run of shared
    words (joined by commas or "and") with the most of them, the last on a tie. With
    ``kind``, capitalised words (names, nationalities) are never shared."""
    said = [w.group(0) for w in _WORD.finditer(second) if not (kind and w.group(0)[0].isupper())]
    theirs = {_key(part) for w in said for part in [w, *re.split("[-–]", w)]} - _NOT_SHARED
    words = list(_WORD.finditer(first))
    best: tuple[int, int, int, int] | None = None  # (count, end, start char, end char)
    i = 0
    while i < len(words):
        if _key(words[i].group(0)) not in theirs:
            i += 1
            continue
        j, last, count = i, i, 0
        while j < len(words):
            key = _key(words[j].group(0))
            if j > i and first[words[j - 1].end() : words[j].start()].strip(" ,"):
                break  # anything but commas and spaces between: the run ends
            if key in theirs:
                last, count = j, count + 1
            elif key != "and":
                break
            j += 1
        run = (count, words[last].end(), words[i].start(), words[last].end())
        if best is None or run[:2] > best[:2]:
            best = run
        i = last + 1
    return None if best is None else (best[2], best[3])
