"""Mentions to canonical entity nodes.

The foundation rules: Unicode NFC, case folding, whitespace collapsing, a leading determiner
("the", "a", "an") and a trailing possessive ("'s") removed. The node id is a slug of the
canonical key plus the entity type, stable across runs, so exports from two runs compare.
"""

from __future__ import annotations

import re
import unicodedata

_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_EDGE_PUNCT = " \t\n.,;:!?\"'“”‘’()[]{}"


def display_name(surface: str) -> str:
    """The surface form without determiner, possessive or stray punctuation, spaces collapsed."""
    text = unicodedata.normalize("NFC", surface)
    text = re.sub(r"\s+", " ", text).strip(_EDGE_PUNCT)
    text = _DETERMINER.sub("", text)
    text = _POSSESSIVE.sub("", text)
    return text.strip(_EDGE_PUNCT)


def canonical_key(surface: str) -> str:
    return display_name(surface).casefold()


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out or "x" + str(abs(hash(text)) % 10**8)


def node_id(surface: str, label: str) -> str:
    """Stable node id: ``slug(canonical name):LABEL``."""
    key = canonical_key(surface)
    ascii_key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "-", ascii_key).strip("-")
    if not base:
        # Names with no ASCII letters keep a readable, still stable, id.
        base = re.sub(r"\s+", "-", key)
    return f"{base}:{label}"
