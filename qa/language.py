"""Whether a text looks like English: the shipped models (spaCy's pipeline, the embedder, the
reader and the relation model) read English, so kgqa says so when a question or a document is
in another language instead of answering it silently and badly.

A cheap test, no model: most letters must be Latin, and a text of a few words must hold some of
English's most common words."""

from __future__ import annotations

import re

# Common English function words that other Latin-script languages rarely use as words (so
# not "a", "in" or "an"): about a seventh of the words of ordinary English text.
_COMMON = frozenset(
    "the of and to is was for that with by from it its are were this been "
    "his her he she they their who which what where when how why whom whose did does do "
    "has have had or not but also first after can you your my we our will would could should "
    "there than".split()
)
_WORD = re.compile(r"[^\W\d_]+")


def looks_english(text: str) -> bool:
    """False when ``text`` is mostly non-Latin letters, or when it has at least 8 words and
    hardly any (under 4%) are common English words; True otherwise, and for text too short to
    tell."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    latin = sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters)
    if latin / len(letters) < 0.5:
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 8:
        return True
    return sum(w in _COMMON for w in words) / len(words) >= 0.04


def language_warning(text: str, what: str) -> str | None:
    """The warning for a question or a document that does not look like English, or None."""
    if looks_english(text):
        return None
    return (
        f"the {what} does not look like English; kgqa's shipped models read English, so its "
        "answers and entities will be poor (settings spacy_model, embedder, reader_model and "
        "relation_model take other models)"
    )
