"""The shapes of a question that needs two facts or more, as ``kgqa.qa.multihop.parse`` reads
them and ``kgqa.qa.multihop.solve`` follows them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Chain:
    """Hops to follow from ``entity`` (innermost first), and the question to ask of the last
    bridge: ``outer`` with ``{bridge}`` where the chain stood (None: the bridge is the answer)."""

    entity: str
    relations: list[str]
    outer: str | None


@dataclass
class Comparison:
    """Pick one of ``sides`` by a date (``attribute`` birth, death or date; ``latest``: the
    later wins), after following ``relations`` from each side (a bridge comparison: "the film
    whose director was born first")."""

    sides: list[str]
    attribute: str
    latest: bool
    relations: list[str] = field(default_factory=list)
    verb: str = "released"


@dataclass
class YesNo:
    """Yes or no about two things: do they share ``attribute`` (``same``), or is each of them
    ``claim``; ``relations`` are followed first ("both directors of films A and B ...")."""

    sides: list[str]
    same: bool
    attribute: str
    claim: str
    relations: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)  # one per side, where they differ


@dataclass
class Clause:
    """A relative clause to answer first: ``inner`` asks it on its own ("Which company
    published Starship Command?"), and its answer stands for ``{bridge}`` in ``outer`` ("What
    year did {bridge} end?"), which may have a shape of its own. ``person``: the inner answer
    is someone ("the person who ..."); ``noun``: what the bridge is ("company", "city")."""

    inner: str
    outer: str
    person: bool = False
    noun: str = ""


@dataclass
class Common:
    """What two named things share; ``pairs``: the ways to read the two names, most likely
    first ("Andrew and Jeremy Get Married and The Last Lions" has two); ``kind``: the question
    asks a kind of thing (a profession, a type of film), which no name or nationality is."""

    pairs: list[tuple[str, str]]
    kind: bool = False


Shape = Chain | Comparison | YesNo | Clause | Common
