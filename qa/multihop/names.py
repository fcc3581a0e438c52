"""Names in text: where one ends (a run of capitalised words with small words inside it:
"Isle of Man", "The Wild Women of Chastity Gulch") and the words just before one."""

from __future__ import annotations

import re

from kgqa.kg.canonical import canonical_key

# small words a name may hold in lower case
SMALL = {"of", "the", "de", "da", "del", "la", "le", "von", "van", "in", "on", "for", "a",
         "an", "to", "and", "at", "du", "des", "y", "e", "i", "el"}  # fmt: skip


def name_end(text: str, start: int = 0) -> int:
    """Where the name that starts at ``start`` ends: a run of capitalised words, numbers and
    quoted or bracketed words, with small words inside it ("The Wild Women of Chastity Gulch",
    "Moscow Pride '06", "Crime After Crime (Film)")."""
    end = start
    for m in re.finditer(r"\S+", text[start:]):
        token = m.group(0)
        bare = token.strip("\"'(),.;:!?")
        capital = bool(re.match(r"[A-Z0-9\u00c0-\u024f\"'(]", token)) and not (
            bare.lower() in SMALL and not bare[:1].isupper()
        )
        if capital or (token.startswith("(") and end > start):
            end = start + m.end()
        elif bare.lower() not in SMALL and token not in {"-", "&", ":"}:
            break
        if token.endswith((",", "?")) and not capital:
            break
    return end


def a_b_prefix(body: str, name: str) -> str:
    """The words just before ``name`` in ``body`` ("director of film")."""
    at = body.find(name)
    return body[max(0, at - 30) : max(0, at)] if at > 0 else ""


# a name in a question: capitalised words, with small words between them
_NAME = re.compile(
    r"[A-Z0-9][\w'\-.!]*(?:\s+(?:(?:of|the|de|and|in|on|for|a|an|to)\s+)*[A-Z0-9][\w'\-.!]*)*"
)


def question_names(question: str) -> list[str]:
    """The names a question says, without a possessive ("Ten High's manufacturer": Ten High)."""
    return [m.group(0).removesuffix("'s") for m in _NAME.finditer(question)]


def loose_key(name: str) -> str:
    """A name's key without its punctuation ("Batman: Under the Red Hood" and "Batman Under the
    Red Hood", "Op.3 6" and "Op 3 6" are one)."""
    return " ".join(re.sub(r"[^\w\s]", " ", canonical_key(name)).split())
