"""Words that open a sentence: capitalised for that, so not names for that alone ("Investors
praised ...", a heading "Products", "3. Finance")."""

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
