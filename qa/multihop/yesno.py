"""Yes or no about two things ("Are A and B from the same country?", "Are A and B both
orchids?"): each side's fact compared, or the claim checked against each side's passage.
``mh`` is the ``kgqa.qa.multihop.solve.MultiHop`` asking (its passages and reader)."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.multihop.claims import claim_stems, holds
from kgqa.qa.multihop.facts import COUNTRIES, countries_in, country_key
from kgqa.qa.multihop.shapes import YesNo
from kgqa.qa.multihop.steps import Solved, Step
from kgqa.qa.squad import normalize_answer


def yes_no(mh: Any, shape: YesNo) -> Solved | None:
    """Yes or no, with a step for each side (after the hops of ``shape.relations``) and the
    comparison; None when a side's hops find nothing."""
    relations = list(dict.fromkeys(shape.relations))
    steps: list[Step] = []
    values: list[str] = []
    for n, side in enumerate(shape.sides):
        entity = side
        if relations:
            followed = mh.follow(side, relations)
            if followed is None:
                return None
            entity, more = followed
            steps += more
        if shape.same:
            step = fact(mh, entity, shape.attribute)
        else:
            step = claim(mh, entity, shape.claims[n] if shape.claims else shape.claim)
        if step is None:
            return _claim_word_in_name(mh, shape) if side == shape.sides[-1] else None
        steps.append(step)
        values.append(step.answer)
    if shape.same:
        keys = [
            country_key(v) if shape.attribute == "country" else normalize_answer(v) for v in values
        ]
        yes = keys[0] == keys[1] or bool(keys[0] and keys[1] and keys[0] in keys[1])
    else:
        yes = all(v == "yes" for v in values)
    steps.append(Step("Do both agree?", "yes" if yes else "no", "comparison"))
    return Solved("yes" if yes else "no", steps, mh.used())


def _claim_word_in_name(mh: Any, shape: YesNo) -> Solved | None:
    """ "Were both A and B ESA astronauts?": no passage is about "B ESA", so its last
    word starts the claim (for both sides); None when the name cannot be cut."""
    name, _, word = shape.sides[-1].rpartition(" ")
    if shape.same or shape.relations or not shape.claim or len(name.split()) < 2:
        return None
    return yes_no(mh, YesNo([*shape.sides[:-1], name], False, "", f"{word} {shape.claim}"))


def fact(mh: Any, entity: str, attribute: str) -> Step | None:
    """The ``attribute`` of ``entity`` for a "same ..." question: its country from its
    passage's text when it names one, else the reader's answer."""
    if attribute == "identity":
        return Step(f"Who is {entity}?", entity, "comparison")
    if attribute == "country":
        question = f"Which country is {entity} from?"
        for hit in mh.about(entity, question)[:1]:
            found = countries_in(hit.passage.text[:400])
            if found:
                p = hit.passage
                return Step(question, found[0], "text", p.doc_id, p.passage_id, p.start, p.end)
        return mh.read(question, entity)
    return mh.read(f"What is the {attribute} of {entity}?", entity)


def claim(mh: Any, entity: str, claim: str) -> Step | None:
    """Whether the passage about ``entity`` says ``claim``: every word of it is there
    (``claims.holds``); a nationality ("American", "US-based") is the country its passage
    names first (``fact``)."""
    parts = re.split(r"[\s-]+", claim.strip())
    places = [  # "English-language" is no nationality
        w for w, after in zip(parts, [*parts[1:], ""])
        if w.lower() in COUNTRIES and after.lower() != "language"
    ]  # fmt: skip
    nation = COUNTRIES.get(claim.lower()) or (COUNTRIES[places[0].lower()] if places else None)
    if nation is not None:
        found = fact(mh, entity, "country")
        if found is None:
            return None
        rest = " ".join(w for w in parts if w not in places) if places else ""
        if country_key(found.answer) != nation or not claim_stems(rest):
            said = "yes" if country_key(found.answer) == nation else "no"
            return Step(
                f"Is {entity} {claim}?", said, "text", found.doc_id, found.passage_id,
                found.start, found.end,
            )  # fmt: skip
        claim = rest
    hits = mh.about(entity, f"{entity} {claim}")
    if not hits:
        return None
    p = hits[0].passage
    yes = holds(claim, p.text, " ".join(h.passage.text for h in hits[1:3]))
    return Step(
        f"Is {entity} {claim}?", "yes" if yes else "no", "text", p.doc_id, p.passage_id,
        p.start, p.end,
    )  # fmt: skip
