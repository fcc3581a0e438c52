"""Which side of "Which musician played in the band Soulfly, Max Cavalera or Billy Idol?" the
text supports: the claim's own words ("played", "band", "Soulfly") looked for in each side's
passages. A word that only one side's passages hold speaks for that side; a name ("Soulfly",
"Walter Ericson") speaks louder than a common word. The side with clearly more support wins;
when the words do not tell the sides apart, the caller decides another way."""

from __future__ import annotations

import re
from functools import cache

from kgqa.qa.reader.verifier import content_words

# the question's own frame: its wh-word and the kind of thing it asks for ("which musician")
_FRAME = re.compile(r"(?i)^\s*(?:which|what|who|whose)\s+(?:\w+\s+)?")
_WORD = re.compile(r"\w+", re.UNICODE)
# a name is worth this many common words
NAME_WEIGHT = 2.0
# the winner needs this much more support than the other side
MARGIN = 2.0


def claim_words(question: str, sides: list[str]) -> dict[str, float]:
    """The claim's content words (lower case) with their weights: the question less its
    frame, the sides' names and the comparison's own words."""
    body = _FRAME.sub("", question, count=1)
    for side in sides:
        body = body.replace(side, " ")
    named = {w.lower() for w in _WORD.findall(body) if w[:1].isupper()}
    side_words = {w for side in sides for w in content_words(side)}
    kept = content_words(body)
    in_order = dict.fromkeys(w.lower() for w in _WORD.findall(body))  # the question's order
    return {
        w: NAME_WEIGHT if w in named else 1.0
        for w in in_order
        if w in kept and len(w) > 2 and w not in side_words and not w.isdigit()
    }


def supported_side(question: str, texts: dict[str, list[str]]) -> tuple[str, list[str]] | None:
    """The side whose passages (``texts``: side -> passage texts) alone hold clearly more of
    the claim's words, and those words; None when no side stands out."""
    sides = list(texts)
    words = claim_words(question, sides)
    if len(sides) != 2 or not words:
        return None
    held = {side: content_words(" ".join(texts[side])) for side in sides}
    a, b = sides
    own = {
        a: [w for w in words if w in held[a] and w not in held[b]],
        b: [w for w in words if w in held[b] and w not in held[a]],
    }
    score = {side: sum(words[w] for w in own[side]) for side in sides}
    winner, loser = sorted(sides, key=lambda s: -score[s])
    if score[winner] - score[loser] < MARGIN:
        return None
    return winner, own[winner]


# "more (individual) species"; the thing counted is in lower case ("more members Band of
# Skulls or Live?" counts members)
_MORE = re.compile(
    r"\b(?P<way>[Mm]ore|[Ff]ewer|[Ll]ess)\s+(?:[a-z]+\s+)?(?P<word>(?P<noun>[a-z]+?)(?:e?s)?)\b"
)
# "In which genus is the number of species larger, A or B?"
_NUMBER_OF = re.compile(r"(?i)\bnumber of\s+(?P<word>(?P<noun>[a-z]+?)(?:e?s)?)\b")
_BY = re.compile(
    r"(?i)\b(?:more|most|less|least|fewer|fewest|(?:larg|great|high|small|low)(?:er|est))\b"
)
_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}

# things a passage may count by listing them, and what parts a list ("A, B and C")
_LISTED = {"member", "musician", "player", "location"}
_LIST_PARTS = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def count_in(text: str, noun: str) -> tuple[float, int, int] | None:
    """The first count of ``noun`` in ``text`` ("about 66 species", "five members", "the only
    species": 1) and where it stands; None when the text counts none."""
    number = r"(?P<n>\d[\d,]*|" + "|".join(_NUMBER_WORDS) + ")"
    m = re.search(rf"(?i)\b{number}\s+(?:[\w-]+\s+){{0,2}}?{re.escape(noun)}(?:e?s)?\b", text)
    if m is not None:
        raw = m.group("n").lower().replace(",", "")
        return float(_NUMBER_WORDS.get(raw, raw)), m.start(), m.end()
    only = re.search(
        rf"(?i)\b(?:monotypic|(?:the )?only|a single|sole)\b[^.]{{0,20}}{re.escape(noun)}", text
    )
    if only is not None:
        return 1.0, only.start(), only.end()
    if noun.lower() in _LISTED:  # "consisting of A (guitar), B (bass) and C (drums)": 3
        listed = re.search(
            r"(?i)\b(?:consist(?:s|ed|ing)?\s+of|compris(?:es|ed|ing)|made up of"
            rf"|{re.escape(noun)}s?\s+includes?)\s+([^.]+)",  # "Current locations include A, B"
            text,
        )
        if listed is not None:
            items = re.sub(r"\([^)]*\)", "", listed.group(1))
            parts = _LIST_PARTS.split(items)
            names = [p for p in parts if re.search(r"\b[A-Z]", p)]  # "lead vocalist Sam Harris"
            if len(names) > 1:
                return float(len(names)), listed.start(), listed.end()
    return None


# how many issues a year a publication's frequency means
_PER_YEAR = {"daily": 365, "weekly": 52, "fortnightly": 26, "biweekly": 26, "semimonthly": 24,
             "monthly": 12, "bimonthly": 6, "quarterly": 4, "semiannual": 2, "biannual": 2,
             "annual": 1, "yearly": 1}  # fmt: skip
_FREQUENCY = re.compile(
    r"(?i)\b(daily|weekly|fortnightly|bi-?weekly|semi-?monthly|monthly|bi-?monthly|quarterly"
    r"|semi-?annual|bi-?annual|annual|yearly)(?:ly)?\b"
)


def per_year(text: str) -> tuple[float, int, int] | None:
    """The first frequency ``text`` states ("a quarterly magazine": 4 a year), and where."""
    m = _FREQUENCY.search(text)
    if m is None:
        return None
    return float(_PER_YEAR[m.group(1).lower().replace("-", "")]), m.start(), m.end()


def counted_side(
    question: str, texts: dict[str, list[str]]
) -> tuple[str, str, int, int, int] | None:
    """For "Which genus has more species, A or B?": the side whose passages count more (or
    fewer) of the thing, the thing, and where the winner's count stands (passage number,
    start, end); None unless both sides' passages count it, differently."""
    m = _MORE.search(question) or _NUMBER_OF.search(question)
    if m is None or len(texts) != 2:
        return None
    noun = m.group("noun").lower()
    if m.re is _MORE:
        way = m.group("way")
    elif (by := _BY.search(question)) is not None:  # "the number of species is larger"
        way = by.group(0)
    else:
        return None
    often = re.search(r"(?i)\b(?:frequently|often)\b", question)  # "publishes more often"
    counts: dict[str, tuple[float, int, int, int]] = {}
    for side, passages in texts.items():
        read = [per_year(p) if often else count_in(p, noun) for p in passages]
        found = [(c, n) for n, c in enumerate(read) if c]
        if not found:
            return None
        (value, start, end), n = found[0]
        counts[side] = (value, n, start, end)
    a, b = texts
    if counts[a][0] == counts[b][0]:
        return None
    sign = -1.0 if re.match(r"(?i)few|less|least|small|low", way) else 1.0
    winner = max((a, b), key=lambda s: sign * counts[s][0])
    _, n, start, end = counts[winner]
    return winner, "issues a year" if often else m.group("word").lower(), n, start, end


def listed_side(question: str, answers: dict[str, str]) -> str | None:
    """For "Which film has more directors, A or B?": the side whose answer (the reader's
    span for each side) lists more (or fewer) names ("Ann Lee and Bo Ray" against "Cy
    Dunn"); None unless both sides have one and the counts differ."""
    m = _MORE.search(question)
    if m is None or len(answers) != 2:
        return None
    counts = {
        side: sum(1 for part in _LIST_PARTS.split(text) if part[:1].isupper())
        for side, text in answers.items()
    }
    a, b = answers
    if not (counts[a] and counts[b]) or counts[a] == counts[b]:
        return None
    sign = 1 if m.group("way").lower() == "more" else -1
    return max((a, b), key=lambda side: sign * counts[side])


# words that frame a category instead of narrowing it: "involved in the film industry" is
# "film", "tabloid-style magazines" are "tabloid magazines", "described as a genus" is "genus"
_FRAMING = set(
    "a an the of in on at to for and or is are was were be been both all each by with from as "
    "that this these those it its their his her they them which who what type types kind kinds "
    "considered described located species genus involved industry style based known about".split()
)


def _stems(text: str) -> list[str]:
    from kgqa.qa.store.index import stemmer

    words = [w.lower() for w in _WORD.findall(text)]
    return list(stemmer().stemWords(words))


def claim_stems(claim: str) -> list[str]:
    """The words of a yes/no claim that must hold ("ice plants" -> ice, plant), stemmed."""
    return [s for w, s in zip(_WORD.findall(claim), _stems(claim)) if w.lower() not in _FRAMING]


# what a text says instead of a claim's head word: a cactus is a plant, a professor teaches
_KINDS_OF = {
    "plant": "cactus cacti tree shrub herb fern moss grass vine succulent orchid",
    "animal": "mammal bird fish reptile amphibian insect dog cat breed",
    "teacher": "professor lecturer academic educator instructor tutor",
    "writer": "author novelist poet journalist playwright essayist screenwriter columnist",
    "author": "novelist poet playwright essayist",
    "musician": "singer guitarist drummer pianist bassist composer rapper violinist songwriter",
    "actor": "actress",
    "film": "movie",
    "movie": "film",
    "politician": "senator congressman congresswoman governor mayor minister legislator",
    "scientist": "physicist chemist biologist mathematician astronomer geologist",
}


@cache
def _kinds_of(stem: str) -> tuple[str, ...]:
    """The stems of the words that say ``stem``'s kind of thing (itself first)."""
    for word, kinds in _KINDS_OF.items():
        if _stems(word) == [stem]:
            return (stem, *_stems(kinds))
    return (stem,)


def holds(claim: str, text: str, more: str = "") -> bool:
    """Whether ``text`` says every word of ``claim`` ("documentaries about gaming": a
    documentary and games), a word matching by its stem or a longer form of it ("teachers",
    "teaching"). The claim's head (its last word) must be in ``text``, or a word of its kind
    (``_KINDS_OF``: "cacti" for "plants", "professor" for "teachers"); the words before it
    may also be in ``more`` (other passages that name the entity: "film" directors). A claim
    of framing words only holds."""
    own = set(_stems(text))
    wider = own | set(_stems(more))

    def found(s: str, held: set[str]) -> bool:
        return s in held or any(
            min(len(s), len(t)) >= 4 and (t.startswith(s) or s.startswith(t)) for t in held
        )

    words = claim_stems(claim)
    head = any(found(k, own) for k in _kinds_of(words[-1])) if words else True
    return head and all(found(s, wider) for s in words[:-1])
