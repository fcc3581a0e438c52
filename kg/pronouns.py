"""Whom a pronoun, or "the company", stands for: a cautious rule over the sentences of one
document (``EntityRelationExtractor``'s parsed sentences), never a node of its own."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kgqa.kg.canonical import described_before, kin_gender
from kgqa.kg.types import Mention

# he/she/him/her/his, and the gender each says
_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
PERSONAL_PRONOUNS = set(_GENDER)
# "it", "its" and "the company" stand for an organisation named before them
_ORG_PRONOUNS = {"it", "its"}
_ORG_NOUNS = {
    "company", "firm", "group", "business", "bank", "brand", "maker", "manufacturer",
    "startup", "corporation", "organisation", "organization", "studio", "publisher",
}  # fmt: skip
# "the institute", "the museum": the organisation named before them whose name holds the noun
# ("The institute, founded in 1974 by Harold Marlow, ..." after "the Marlow Water Institute")
_NAMED_NOUNS = {
    "institute", "museum", "university", "foundation", "college", "academy", "agency",
    "council", "society", "hospital", "library", "association", "laboratory", "charity",
    "orchestra", "theatre", "theater", "gallery", "school",
}  # fmt: skip


def is_anaphor(text: str) -> bool:
    """Whether ingestion hands ``text`` to the joint model as a pronoun or "the company" that
    stands for someone named elsewhere (rather than as a name)."""
    words = text.casefold().split()
    if len(words) == 1:
        return words[0] in PERSONAL_PRONOUNS | _ORG_PRONOUNS
    return len(words) == 2 and words[0] == "the" and words[1] in _ORG_NOUNS | _NAMED_NOUNS


def org_anaphors(tokens: list[Any]) -> list[tuple[int, int]]:
    """Word spans of "it"/"its" (not the "it" of "it is raining") and of "the company", "the
    firm" ... where no name follows ("the company Quiver" names it)."""
    out: list[tuple[int, int]] = []
    for k, t in enumerate(tokens):
        if t.lower_ in _ORG_PRONOUNS and t.pos_ == "PRON" and t.dep_ != "expl":
            out.append((k, k + 1))
        elif (
            t.lower_ == "the"
            and k + 1 < len(tokens)
            and tokens[k + 1].lower_ in _ORG_NOUNS | _NAMED_NOUNS
            and not (k + 2 < len(tokens) and tokens[k + 2].pos_ in ("PROPN", "NOUN"))
        ):
            out.append((k, k + 2))
    return out


def _people(mentions: list[Mention]) -> dict[str, Mention]:
    """Distinct people among person mentions, by name: a one-word name that ends a longer one
    named before it ("Lund" after "Jakob Lund") is not counted again; two full names sharing a
    surname ("Jakob Lund", "Maren Lund") are two people, and so are a surname and a longer name
    after it ("Okafor grew up where her father, Chukwuma Okafor, taught")."""
    full = {m.text.casefold(): m for m in mentions if len(m.text.split()) > 1}
    out = dict(full)
    for m in mentions:
        words = m.text.split()
        if len(words) == 1 and not any(
            name.split()[-1] == words[0].casefold() and other.start < m.start
            for name, other in full.items()
        ):
            out.setdefault(words[0].casefold(), m)
    return out


def resolve_pronouns(sentences: list[Any]) -> None:
    """Whom he/she/him/her/his stand for: the one person named earlier in the same sentence,
    else the one person of the sentence before (or whom that sentence's subject pronoun stood
    for); none when two people compete. A one-word "person" that opens an organisation's name
    of the document is none (``_company_words``), and so is a person of the other gender, once
    the text has shown it; in a text about a ship, "she" is none unless the text has shown
    her to be a woman; a pronoun in a clause that opens its sentence is none when a person
    is named after that clause's comma, and so is one after a subject that is a name of no
    mention ("Field Notes is supported by its listeners"). What it/its/"the company" stand
    for: the same rule over organisations (and buildings). A deliberate, cautious heuristic:
    a pronoun never becomes a node, and wrong evidence is worse than none."""
    companies = _company_words(sentences)
    _resolve(
        sentences,
        lambda w: w.pronouns,
        lambda w, before: _people(
            [m for m in w.named("PERSON", before) if m.text.casefold() not in companies]
        ),
        people=True,
        ship=any(_SHIP.search(w.text) for w in sentences),
    )
    _resolve(
        sentences,
        lambda w: w.org_anaphors,
        lambda w, before: {
            m.text.casefold(): m for m in (*w.named("ORG", before), *w.named("FAC", before))
        },
        _fits_noun,
        lasts=3,  # "It is funded by ..." does not reach back to a name of the page's top
    )


# the words that open a clause before the sentence's main one
_OPENERS = {
    "when", "after", "before", "while", "although", "though", "since", "as", "if", "once",
    "until", "because", "whenever",
}  # fmt: skip


def _cataphoric(w: Any, i: int) -> bool:
    """Whether word ``i`` of sentence ``w`` lies in a clause that opens it, before the comma
    that ends that clause, with a person named after the comma ("When her father dies, Elsa
    Varga leaves ..."): the pronoun may stand for that one, so it stands for no one known."""
    tokens = w.tokens
    if not tokens or tokens[0].lower_ not in _OPENERS:
        return False
    comma = next((k for k in range(i, len(tokens)) if tokens[k].text == ","), None)
    if comma is None:
        return False
    after = w.offset + w.words.spans[comma][1]
    return any(m.start >= after for m in w.named("PERSON"))


# a sentence that says something is a ship: its text's "she" may be the ship
_SHIP = re.compile(
    r"\b(?:is|was)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}(?:ship|vessel|boat|sealer|schooner|"
    r"steamer|steamship|yacht|ferry|barque|brig|liner|tanker|trawler|frigate|submarine|sloop|"
    r"cutter|whaler|icebreaker|galleon|clipper|warship|cruiser|destroyer|battleship|lifeboat)\b",
    re.I,
)


def _fits_noun(words: list[Any], referent: Mention) -> bool:
    """Whether an anaphor's ``words`` ("the institute") may stand for ``referent``: its noun
    is one of any organisation's ("the company"), or is in the referent's name."""
    noun = words[-1].lower_
    return noun not in _NAMED_NOUNS or noun in referent.text.casefold().split()


def _company_words(sentences: list[Any]) -> set[str]:
    """The words (case folded) that open an organisation's name of two words or more in the
    document, or are one, and are no word of a person's name there: a one-word "person" of
    these words is the tagger's mistake ("Before Corvane she led ..." in a document about
    Corvane Therapeutics), so no pronoun stands for it."""
    orgs, people = set(), set()
    for w in sentences:
        for m in w.mentions:
            words = m.text.casefold().split()
            if m.label == "ORG" and words:
                orgs.add(words[0])
            elif m.label == "PERSON" and len(words) > 1:
                people.update(words)
    return orgs - people


def _resolve(
    sentences: list[Any],
    spans_of: Callable[[Any], list[tuple[int, int]]],
    named: Callable[[Any, int | None], dict[str, Mention]],
    fits: Callable[[list[Any], Mention], bool] = lambda words, referent: True,
    lasts: int | None = None,
    people: bool = False,
    ship: bool = False,
) -> None:
    """The rule of ``resolve_pronouns`` for one kind of anaphor (``spans_of`` a sentence) and
    the distinct things of that kind a sentence names (``named``, before a word or in all).
    ``fits``: whether an anaphor's words may stand for a referent. ``lasts``: after how many
    sentences that neither name the topic nor stand for it it is none, and a heading ends it
    (None: it lasts, as a biography's "she" does across its sections). ``people``: the
    anaphors are he/she/him/her/his, and a person's gender, once known, is kept: "she" never
    stands for a man ("Her husband, Per Lundqvist, ... She is survived by ..."). ``ship``:
    the text is about a ship ("Tindra was a wooden sealer ..."), whose "she" stands for no
    one but a woman the text has shown to be one."""
    topic: Mention | None = None
    since = 0  # sentences since the topic was named or stood for
    genders: dict[str, str] = {}  # people's names (case folded): "m" or "f"
    for w in sentences:
        since += 1
        kept = False  # a pronoun of the sentence may be the topic's: it stays the topic
        if lasts is not None and (since > lasts or _heading(w)):
            topic = None
        spans = spans_of(w)
        here = named(w, None)
        if people:
            for m in here.values():
                if (g := kin_gender(w.text, m.start - w.offset)) is not None:
                    genders.setdefault(m.text.casefold(), g)
        for i, j in spans:
            before = named(w, i)
            if len(before) == 1:
                w.referent[(i, j)] = next(iter(before.values()))
            else:
                w.referent[(i, j)] = topic if not before else None
            if people and _cataphoric(w, i):
                w.referent[(i, j)] = None  # "When her father dies, Elsa Varga leaves ..."
            if not before and _unnamed_subject(w, i):
                w.referent[(i, j)] = None  # "Field Notes is supported by its listeners"
            found = w.referent[(i, j)]
            if found is not None and not fits(w.tokens[i:j], found):
                w.referent[(i, j)] = None
            if people and (found := w.referent[(i, j)]) is not None:
                said = _GENDER[w.tokens[i].lower_]
                known = genders.get(found.text.casefold())
                if (
                    known is None
                    and topic is not None
                    and topic is not found
                    and genders.get(topic.text.casefold()) == said
                    and _reported_by(w, i, found)
                ):
                    # "Rourke later said she was ...", in a text about a woman: she may be
                    # either, so neither; the text is still about the woman
                    w.referent[(i, j)], kept = None, True
                elif known is not None and known != said:
                    w.referent[(i, j)] = None  # "she" for a man the text named as a husband
                elif ship and said == "f" and known is None:
                    w.referent[(i, j)] = None  # "She sank off Hammerfest": the ship
                elif any(t.dep_ in ("nsubj", "nsubjpass") for t in w.tokens[i:j]):
                    genders.setdefault(found.text.casefold(), said)
            if w.referent[(i, j)] is not None:
                for t in w.tokens[i:j]:
                    w.mention_of[t.i] = w.referent[(i, j)]
        subject = next(
            (
                w.referent[(i, j)]
                for i, j in spans
                if w.referent[(i, j)] is not None
                and any(t.dep_ in ("nsubj", "nsubjpass") for t in w.tokens[i:j])
            ),
            None,
        )
        if subject is None and len(here) > 1:
            subject = _salient_subject(w, here)
        if subject is None and people and len(here) == 1:
            subject = _described_by(w, spans, next(iter(here.values())))
        if kept:
            since = 0
        elif subject is not None:  # "She ... joined Colm Brennan. She ...": still about her
            topic, since = subject, 0
        elif len(here) == 1:
            topic, since = next(iter(here.values())), 0
        elif len(here) > 1:
            topic = None
        elif any(w.referent.get(span) is not None for span in spans):
            since = 0


# verbs of saying and thinking, whose clause's pronoun may be their subject's or another's
_SAYING = {
    "say", "tell", "write", "recall", "remember", "describe", "call", "think", "believe",
    "add", "note", "claim", "insist", "explain", "admit", "feel", "joke", "complain",
}  # fmt: skip


def _reported_by(w: Any, i: int, found: Mention) -> bool:
    """Whether word ``i`` of sentence ``w`` lies in the clause of a verb of saying whose
    subject is ``found`` ("Rourke later said she was the only student ...")."""
    for verb in w.tokens[i].ancestors:
        if verb.lemma_.lower() in _SAYING and verb.pos_ == "VERB":
            return any(t.dep_ == "nsubj" and w.mention_of.get(t.i) is found for t in verb.children)
    return False


def _unnamed_subject(w: Any, i: int) -> bool:
    """Whether sentence ``w`` has, before its word ``i``, a subject that is a proper noun of
    no mention ("Field Notes is supported by its listeners", where the entity finder missed
    the podcast's name): the pronoun is most likely that one's, not the topic's."""
    return any(
        t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "PROPN" and t.i not in w.mention_of
        for t in w.tokens[:i]
    )


def _salient_subject(w: Any, here: dict[str, Mention]) -> Mention | None:
    """The name that is the main clause's subject of sentence ``w``, when the others it names
    are named as someone's kin or only inside a clause or a phrase of their own ("Okafor grew
    up in Enugu, where her father, Chukwuma Okafor, taught."; "The Marlow Water Institute has
    appointed the Delft professor Adaeze Okafor"): the sentence is still about its subject.
    Two named as the main clause's own arguments compete ("Lise Meitner worked with Otto
    Hahn. She ...", "Veltrani bought Dunmore Sensors. It ...": nobody)."""
    subject = next(
        (
            m
            for t in w.tokens
            if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"
            for m in [w.mention_of.get(t.i)]
            if m is not None and any(m is x for x in here.values())
        ),
        None,
    )
    if subject is None:
        return None
    for m in here.values():
        if m is subject or w.kin(m):
            continue
        if w.text[subject.end - w.offset : m.start - w.offset].strip() == "(":
            continue  # its short form: "The Massachusetts Institute of Technology (MIT)"
        words = [t for t in w.tokens if w.mention_of.get(t.i) is m]
        top = next((t for t in words if t.head not in words or t.head == t), None)
        if top is None or not any(a.dep_ in _ASIDE for a in [top, *top.ancestors]):
            return None
    return subject


def _described_by(w: Any, spans: list[tuple[int, int]], only: Mention) -> Mention | None:
    """Whom a pronoun of sentence ``w`` (word ``spans``) stands for, when the one person the
    sentence names is described as that one's ("Her husband, Per Lundqvist, a teacher, died in
    2015."; "Her successor as mayor, Bengt Olofsson, called her ..."): the sentence is still
    about that one, who stays the topic."""
    if not (w.kin(only) or described_before(w.text, only.start - w.offset)):
        return None
    return next(
        (
            found
            for span in spans
            if (found := w.referent.get(span)) is not None
            and found is not only
            and w.offset + w.words.spans[span[0]][0] < only.start
        ),
        None,
    )


# where a name is aside from the main clause: in a clause of its own, or a word before a noun
_ASIDE = {"relcl", "acl", "advcl", "ccomp", "xcomp", "compound", "amod", "poss", "npadvmod"}


def _heading(w: Any) -> bool:
    """Whether a sentence is a heading that names a body of its own ("Supervisory board", over
    "Its other members are ..."): a line of a few words without a full stop, that ends in
    such a noun ("Requirements" under "Installing Quillon" keeps Quillon the topic)."""
    text = w.sent.text.strip()
    words = text.split()
    return (
        0 < len(words) <= 8
        and text[-1] not in ".!?:;,\"'"
        and words[-1].casefold() in _ORG_NOUNS | _NAMED_NOUNS | _BODIES
    )


# what a heading names that "it" may stand for under it
_BODIES = {
    "board", "committee", "team", "department", "division", "unit", "project", "programme",
    "program", "office", "panel", "fund", "network", "centre", "center", "lab", "trust",
}  # fmt: skip
