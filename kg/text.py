"""Text cut and cleaned before spaCy reads it: the pieces of a long block, and junk that no
model reads blanked out with offsets kept."""

from __future__ import annotations

import re

# What no model reads: a "word" of more than 64 characters without a space (spaCy's tokenizer
# takes time quadratic in a token's length: 67 s for 20,000 brackets), and a run of 8 or more
# punctuation marks or symbols (rules, markup left over, "[[[[[[[[").
_JUNK = re.compile(r"\S{65,}|[^\w\s]{8,}")


# A table row as the loaders write tables (``table_row``: "| Priya Natarajan | Acme Robotics |"
# from HTML, Markdown and .docx; a row without its outer bars, "Priya Natarajan | Acme
# Robotics", as .docx rows were written before, is read too), and the rule under a header row
# (``table_rule``: "|---|---|").
_RULE = r"[ \t]*\|[-:| \t]*\|[ \t]*"
_TABLE_ROW = re.compile(r"^(?:[ \t]*\|.*\|[ \t]*|.* \| .*)$", re.MULTILINE)
_TABLE_RULE = re.compile(rf"^{_RULE}$", re.MULTILINE)
# a header row: the row above such a rule (column titles, "| Name | City |", are no text)
_TABLE_HEAD = re.compile(rf"^[ \t]*\|.*\|[ \t]*(?=\n{_RULE}$)", re.MULTILINE)


# a line that opens with a field's key of up to six words ("Type of school: Primary"): no
# wrapped line of a sentence does (a PDF's), and no answer runs on into one
FIELD_LINE = re.compile(r"[ \t]*[A-Z][\w'&/()-]*(?:[ \t]+[\w'&/()-]+){0,5}:[ \t]")


def table_row(cells: list[str]) -> str:
    """A table row as the loaders write it: "| cell | cell |"."""
    return "| " + " | ".join(cells) + " |"


def table_rule(columns: int) -> str:
    """The rule the loaders write under a table's header row: "|---|---|"."""
    return "|" + "---|" * columns


def is_table_rule(line: str) -> bool:
    """Whether ``line`` is the rule under a table's header row ("|---|:---:|")."""
    return re.fullmatch(_RULE, line) is not None


def blank_junk(text: str) -> str:
    """``text`` with its junk (``_JUNK``) turned into as many spaces, so offsets stay those of
    ``text`` and parsing costs time linear in the length, whatever the content; and each cell of
    a table row read as a sentence of its own (its bars become full stops), its header row and
    the rule under it blanked. Between bars, spaCy and the relation model read a row as one
    run-on sentence: a column "| Question |" became a person, and "| Priya Natarajan | Acme
    Robotics |" a place "Priya"; a column title read as a sentence, "City", was still a place."""
    text = _TABLE_HEAD.sub(lambda m: " " * len(m.group(0)), text)
    text = _TABLE_RULE.sub(lambda m: " " * len(m.group(0)), text)
    text = _TABLE_ROW.sub(lambda m: m.group(0).replace("|", "."), text)
    return _JUNK.sub(lambda m: " " * len(m.group(0)), text)


def cut_block(offset: int, block: str, limit: int) -> list[tuple[int, str]]:
    """``block`` (starting at ``offset``) in pieces of at most ``limit`` characters, cut after a
    sentence end, else at a line break, else at a space, else anywhere: a text block of any
    length reaches spaCy in pieces it can parse (its parser and NER need memory in proportion,
    and it refuses texts over its max_length)."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(block) - start > limit:
        window = block[start : start + limit]
        cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        cut = cut + 2 if cut > limit // 2 else -1
        for sep in ("\n", " "):
            if cut < 0:
                at = window.rfind(sep)
                cut = at + 1 if at > limit // 2 else -1
        cut = cut if cut > 0 else limit
        pieces.append((offset + start, block[start : start + cut]))
        start += cut
    pieces.append((offset + start, block[start:]))
    return [(at, piece) for at, piece in pieces if piece.strip()]
