"""Words that open a sentence: capitalised for that, so not names for that alone ("Investors
praised ...", a heading "Products", "3. Finance"); and the line breaks after a title or heading,
and a transcript's speakers, where a sentence opens (a spaCy pipeline component,
``LINE_BREAKS``)."""

from __future__ import annotations

import re
from typing import Any

# a list or section number before a heading or an item: "3", "b", "iv"
_ENUMERATOR = re.compile(r"^(?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,4})$")


def opens(token: Any) -> bool:
    """Whether ``token`` opens its sentence, or follows only a list or section number there
    ("Finance" in "3. Finance")."""
    if token.is_sent_start:
        return True
    doc, i = token.doc, token.i
    return i >= 2 and doc[i - 2].is_sent_start and numbered(doc[i - 2].text, doc[i - 1].text)


def numbered(first: str, second: str) -> bool:
    """Whether two words are a list or section number ("3" "."; "b" ")")."""
    return bool(_ENUMERATOR.match(first)) and second in (".", ")")


def may_be_name(inside: set[str], joint: Any, word: str) -> bool:
    """Whether a word that opens a sentence may be a name: the text capitalises it inside a
    sentence too (``inside``), or it is no common word of the joint model's vocabulary."""
    common = getattr(joint, "common", None)  # a joint extractor of a plugin may have none
    return word in inside or common is None or not common(word)


LINE_BREAKS = "kgqa_line_breaks"
# a line that ends no sentence but is a title or heading ("Dorothy Hodgkin" over "Dorothy
# Crowfoot Hodgkin was ..."): at most this many words
_HEADING_WORDS = 10
# a heading ends in a noun, a name or a number ("A year of expansion", "Annual Report 2024"), a
# line cut short in a sentence often does not ("... written by")
_HEADING_ENDS = {"NN", "NNS", "NNP", "NNPS", "CD", "-RRB-"}


def _line_breaks(doc: Any) -> Any:
    """Sentence starts at the line breaks after a title or heading: a line of a few words that
    ends in a noun, a name or a number (the tagger's), before a line that opens with a capital
    or a digit. The parser kept such a line in the next line's sentence, and NER made one name
    of both (a PDF's title "Dorothy Hodgkin" over "Dorothy Crowfoot Hodgkin was ..."); lines of
    running text, wrapped at a width, are long, so stay joined."""
    start = 0
    for t in doc:
        if not (t.is_space and "\n" in t.text):
            continue
        line = [w for w in doc[start : t.i] if not w.is_space]
        start = t.i + 1
        after = doc[t.i + 1] if t.i + 1 < len(doc) else None
        if (
            line
            and after is not None
            and len(line) <= _HEADING_WORDS
            and line[-1].tag_ in _HEADING_ENDS
            and (after.text[:1].isupper() or after.text[:1].isdigit())
        ):
            after.is_sent_start = True
    _speaker_turns(doc)
    return doc


# a line that opens with a label and a colon: "TOM REDDY: You grew up in Enugu."
_LABELLED = re.compile(r"^[ \t]*([A-Z][\w.'-]*(?:[ \t]+[A-Z][\w.'-]*){0,2}):[ \t]+(?=\S)", re.M)


def _speaker_turns(doc: Any) -> None:
    """Sentence starts after the speaker of each turn of a transcript (a label in capitals, or
    one that opens two lines or more): "TOM REDDY: Who leads DryLine?" is no sentence about Tom
    Reddy, and the parser made him its subject."""
    found = list(_LABELLED.finditer(doc.text))
    labels: dict[str, int] = {}
    for m in found:
        labels[m.group(1)] = labels.get(m.group(1), 0) + 1
    for m in found:
        label = m.group(1)
        if labels[label] < 2 and not (label.isupper() and len(label) > 1):
            continue
        span = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if span is not None and span[0].i > 0:
            span[0].is_sent_start = True


def add_line_breaks(nlp: Any) -> None:
    """Put ``LINE_BREAKS`` in a spaCy pipeline, before its parser (none without a parser)."""
    from spacy.language import Language

    if not Language.has_factory(LINE_BREAKS):
        Language.component(LINE_BREAKS, func=_line_breaks)
    if "parser" in nlp.pipe_names and LINE_BREAKS not in nlp.pipe_names:
        nlp.add_pipe(LINE_BREAKS, before="parser")
