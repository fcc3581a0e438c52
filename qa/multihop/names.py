"""Names in text: where one ends (a run of capitalised words with small words inside it:
"Isle of Man", "The Wild Women of Chastity Gulch"), the words just before one, and the keys
that match a name to another way of writing it (without punctuation, titles or a territory)."""

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


_HONORIFIC = set(
    "sir lady lord dame prince princess king queen count countess duke duchess earl baron "
    "baroness saint st dr rev".split()
)


def own_name_words(key: str) -> list[str]:
    """A name key's own words: the name before its first comma, less honorifics, initials
    and one-letter numerals ("sir john hay-williams, 2nd baronet" and "john hay-williams,
    2nd baronet williams of bodelwyddan" are john hay-williams; "adlai e. stevenson i" and
    "adlai stevenson i" are adlai stevenson). Fewer than two words: none (too loose)."""
    words = [
        w for w in key.split(",", 1)[0].split()
        if not re.fullmatch(r"\w\.?", w) and w.strip(".") not in _HONORIFIC
    ]  # fmt: skip
    return words if len(words) > 1 else []


def short_name(key: str) -> str:
    """A name key without its titles and what follows the name ("king henry iii of england":
    "henry iii"; "sir john hay-williams, 2nd baronet": "john hay-williams"); "" when fewer
    than two words are left or nothing was taken away."""
    words = key.split(",", 1)[0].split()
    while words and words[0].strip(".") in _HONORIFIC:
        words = words[1:]
    if "of" in words:
        words = words[: words.index("of")]
    short = " ".join(words)
    return short if len(words) > 1 and short != key else ""
