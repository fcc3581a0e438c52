"""Open relations from the dependency parse (relation extractor "dependency"): subject, verb
and object between mentions, with the verb's lemma as the label."""

from __future__ import annotations

import re
from typing import Any

from kgqa.kg.types import Mention, Relation, Sentence

_SUBJECTS = {"nsubj", "nsubjpass"}
# the end of a sentence, where a line that is one ends
_SENTENCE_END = re.compile(r"[.!?;:][\"'\u201d\u2019)\]]*\s*$")
_OBJECTS = {"dobj", "attr", "oprd", "dative"}


class DependencyRelationExtractor:
    """Open relations from the dependency parse: subject - verb - object between mentions.

    The predicate is the verb lemma (the participle for passives such as "born"), joined with a
    preposition when the object hangs from one ("born_in", "work_at").
    """

    name = "dependency"

    def __init__(self, direct_confidence: float = 0.7, prep_confidence: float = 0.6) -> None:
        self.direct_confidence = direct_confidence
        self.prep_confidence = prep_confidence

    def __call__(self, sent: Any, mention_of: dict[int, Mention], offset: int) -> list[Relation]:
        sentence = Sentence(offset + sent.start_char, offset + sent.end_char)
        out: list[Relation] = []
        if not _SENTENCE_END.search(sent.text):
            return out  # a heading, a table's row ("1896 Greenland sealing Ole Falk"): no clause
        for verb in sent:
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            first = _first_half(verb)
            subjects = self._subjects(first if first is not None else verb, mention_of)
            if not subjects:
                continue
            passive = any(t.dep_ == "auxpass" for t in verb.children)
            lemma = (verb.lower_ if passive else verb.lemma_.lower()).replace(" ", "_")
            for obj, label, conf in self._objects(verb, lemma, mention_of):
                for subj in subjects:
                    if obj != subj:
                        out.append(Relation(subj, obj, label, conf, self.name, sentence))
        return out

    def _subjects(self, verb: Any, mention_of: dict[int, Mention]) -> list[Mention]:
        subjects = [
            m for t in verb.children if t.dep_ in _SUBJECTS for m in _mentions_of(t, mention_of)
        ]
        if not subjects and verb.dep_ in ("conj", "xcomp", "advcl", "relcl"):
            head = verb.head
            subjects = [
                m for t in head.children if t.dep_ in _SUBJECTS for m in _mentions_of(t, mention_of)
            ]
            if verb.dep_ == "relcl":
                subjects = subjects or _mentions_of(head, mention_of)
        return subjects

    def _objects(
        self, verb: Any, lemma: str, mention_of: dict[int, Mention]
    ) -> list[tuple[Mention, str, float]]:
        objs: list[tuple[Mention, str, float]] = []
        for child in verb.children:
            if child.dep_ in _OBJECTS:
                found = _mentions_of(child, mention_of)
                objs += [(m, lemma, self.direct_confidence) for m in found]
                if not found:
                    # "studied physics at King's College": the place hangs from the object.
                    objs += self._prep_objects(child, lemma, mention_of)
            elif child.dep_ in ("prep", "agent"):
                objs += self._prep_objects(verb, lemma, mention_of, only=child)
        return objs

    def _prep_objects(
        self, head: Any, lemma: str, mention_of: dict[int, Mention], only: Any = None
    ) -> list[tuple[Mention, str, float]]:
        preps = [only] if only is not None else [c for c in head.children if c.dep_ == "prep"]
        return [
            (m, f"{lemma}_{prep.lower_}", self.prep_confidence)
            for prep in preps
            for pobj in prep.children
            if pobj.dep_ == "pobj"
            for m in _mentions_of(pobj, mention_of)
        ]


def _first_half(verb: Any) -> Any:
    """The first half of a hyphenated verb that the tokenizer split ("co" of "co-founded"),
    which the parse makes the clause's verb ("..., who co-founded Lumen": "co" the relative
    clause's, "founded" a verb of the main clause, whose subject it then took); None when
    ``verb`` is no such second half."""
    doc = verb.doc
    if verb.i < 2 or doc[verb.i - 1].text not in ("-", "\u2010"):
        return None
    first = doc[verb.i - 2]
    return first if not first.whitespace_ and not doc[verb.i - 1].whitespace_ else None


def _mentions_of(token: Any, mention_of: dict[int, Mention]) -> list[Mention]:
    """The mention a token belongs to, plus mentions of tokens conjoined with it; a common noun
    of no mention, as an object, stands for the name right after it in apposition ("by the
    oceanographer Ingrid Lindgren"; not "to a new partner, Vantorp Pharma", whose comma may part
    two; nor a subject: "The programming language Ada ... was named after her" gave an edge
    to whomever "her" was taken for)."""
    found: list[Mention] = []
    for t in [token, *(c for c in token.conjuncts)]:
        m = mention_of.get(t.i)
        if m is None and t.pos_ == "NOUN" and t.dep_ not in _SUBJECTS:
            named = (
                c.i
                for c in t.children
                if c.dep_ == "appos" and c.left_edge.i == t.i + 1 and c.i in mention_of
            )
            m = next((mention_of[i] for i in named), None)
        if m is not None and m not in found:
            found.append(m)
    return found
