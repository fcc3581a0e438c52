"""Checks of what event an answer's words say it is of (setting ``graph_veto``, with
``read_checks``): a date said of another event of a life ("(born 14 May 1968)" for a death), a
date under the label of another event ("Recorded 2 October 2026" for when an episode was
published), a date read where its passage says the event asked only in another sentence ("9
November 2026" under a race's headline, for when the club was founded, beside "since the club
was founded in 1983"), and a step short of winning for who won ("shortlisted", "finished
second")."""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.serve.field_reads import field_keys
from kgqa.qa.serve.field_shapes import YEAR_DIGITS

YEAR = re.compile(rf"\b({YEAR_DIGITS})\b")


def line_sentence(answer: Any) -> str:
    """The sentence of an answer's passage that holds it, within its line (a table row or a
    list item is a line)."""
    text, at = answer.context, answer.start - answer.passage_start
    end = at + len(answer.text)
    start = max(text.rfind("\n", 0, at), *(text.rfind(p, 0, at) for p in (". ", "? ", "! ")))
    stops = [e for e in (text.find("\n", end), text.find(". ", end)) if e >= 0]
    return text[start + 1 : min(stops, default=len(text))]


# a question about a birth or a death, and what says a date or place is of the other: "When did
# Adaeze Okafor die?" is not answered by "(born 14 May 1968)" nor the infobox's "Born | ..."
# (the words that ask about the event, the words just before a date or place that say it is
# the event's)
_EVENTS = {
    "birth": (re.compile(r"\b(?:born|birth|birthplace)\b", re.I),
              re.compile(r"(?:\b(?:born|birth)\b|\bb\.)\W{0,6}(?:(?:on|in)\W+)?$", re.I)),
    "death": (re.compile(r"\b(?:die|died|dies|death|dead|buried)\b", re.I),
              re.compile(r"(?:\b(?:died|death|dies)\b|\bd\.)\W{0,6}(?:(?:on|in)\W+)?$", re.I)),
}  # fmt: skip


def other_event(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) a question about one event of a life (birth, death) gets from
    words that say they are of the other: the answer comes right after "born" (or "Born |")
    where the question asks a death, after "died" where it asks a birth, after either where
    it asks neither ("When was Ingrid Lundqvist mayor?" is not answered by "died on 26
    February 2026")."""
    asked = [event for event, (words, _) in _EVENTS.items() if words.search(question)]
    if len(asked) > 1:
        return set()
    # a question about neither (when someone was mayor) is answered by neither
    others = [said for event, (_, said) in _EVENTS.items() if event not in asked]
    out = set()
    for a in answers:
        at = a.start - a.passage_start
        if any(said.search(a.context[max(0, at - 30) : at]) for said in others):
            out.add(id(a))
    return out


# a date under a label of its event ("Recorded 2 October 2026", "Published: 9 October 2026"),
# and the labels that name one event
_EVENT_LABEL = re.compile(r"(?:\A|[.\n\u00b7|]\s*)([A-Z][a-z]+ed)[ \t]*:?[ \t]+(?:on[ \t]+)?\Z")
_SAME_EVENT = [
    {"found", "form", "establish", "creat", "start", "launch", "open", "incorpor", "set"},
    {"publish", "releas", "post", "air", "broadcast", "issu"},
    {"record", "film", "tape"},
    {"built", "build", "complet", "construct", "erect", "finish"},
]


def other_label(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) a label just before them gives as the date of another event
    than the question asks: "When was episode 42 published?" is not answered by the
    transcript's "Recorded 2 October 2026"."""
    asked = field_keys(question)
    out = set()
    for a in answers:
        at = a.start - a.passage_start
        label = _EVENT_LABEL.search(a.context[max(0, at - 30) : at])
        if not label or not YEAR.search(a.text):
            continue
        event = field_keys(label.group(1))
        if not event & asked and not any(event & g and asked & g for g in _SAME_EVENT):
            out.add(id(a))
    return out


# a question of who won, and the words of a step short of winning
_ASKS_WIN = re.compile(r"\b(?:won|win|wins|winners?)\b", re.I)
_SHORT_OF_WIN = re.compile(
    r"\b(?:short-?listed|long-?listed|nominated|nominees?|finalists?|runners?-up|"
    r"(?:finish\w*|came|placed|ended)[ \t]+(?:the[ \t]+season[ \t]+)?(?:second|third|fourth|"
    r"fifth|\d+(?:st|nd|rd|th)))\b",
    re.I,
)
_WON = re.compile(r"\b(?:won|wins|winners?|awarded|victor|victory)\b", re.I)


def short_of_winning(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) their sentence gives a step short of winning, and not a win,
    where the question asks who won: "A Year on Hilbre has been shortlisted for the Wainwright
    Prize" does not say who won it, nor "Stourton's first XI finished second" who won the
    league."""
    if not _ASKS_WIN.search(question):
        return set()
    return {
        id(a)
        for a in answers
        if _SHORT_OF_WIN.search(sentence := line_sentence(a)) and not _WON.search(sentence)
    }


# a question of when something happened, and the word stems that say each kind of event (a
# stem of five letters or more begins a word; a shorter one is the whole word); narrower than
# ``_SAME_EVENT``, which also counts "set", "post", "air" and "finish": words that say other
# things in a passage's sentences than in a label before a date
_WHEN = re.compile(r"^\s*(?:when|in\s+what\s+year|what\s+year)\b", re.I)
_KINDS_OF_EVENT = [
    {"found", "establish", "creat", "start", "launch", "open", "incorpor", "form"},
    {"built", "build", "complet", "construct", "erect"},
    {"publish", "releas", "issu", "broadcast"},
]
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
_WORDS = re.compile(r"[\w-]+")


def _says(stems: set[str], kind: set[str]) -> bool:
    return any(s == w or (len(w) >= 5 and s.startswith(w)) for s in stems for w in kind)


def unsaid_event(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids), a date for a question of when something was founded, built or
    published, were read in a sentence that says no word of that kind of event, where another
    sentence of their passage says it with a year and a word of the question's names: "When was
    Linden Harriers founded?" is not answered by "9 November 2026" of the results' headline
    beside "Sixty-two Harriers ran, ... since the club was founded in 1983"."""
    if not _WHEN.search(question):
        return set()
    asked = field_keys(question)
    kinds = [k for k in _KINDS_OF_EVENT if _says(asked, k)]
    if len(kinds) != 1:
        return set()
    # the question's names, whose words the other sentence says ("Harriers"): "The Portobello
    # Library followed in 1938" stays beside "the Leith Public Baths opened in 1934"
    names = set(re.findall(r"(?<!^)\b[A-Z][\w-]+", question.strip()))
    saying: dict[str, list[str]] = {}  # each passage's sentences that say it, found once
    out = set()
    for a in answers:
        if not YEAR.search(a.text) or _says(field_keys(line_sentence(a)), kinds[0]):
            continue
        if a.context not in saying:
            saying[a.context] = [
                s
                for s in _SENTENCES.split(a.context)
                if YEAR.search(s)
                and _says(field_keys(s), kinds[0])
                and names & set(_WORDS.findall(s))
            ]
        if any(a.text not in s for s in saying[a.context]):
            out.add(id(a))
    return out


# words that tell one of a kind of event from the others of its kind: "the spring concert" is
# not "our summer concert", nor "the men's final" the women's
_QUALIFIERS = [
    {"spring", "summer", "autumn", "fall", "winter"},
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"},
    {"morning", "afternoon", "evening"},
    {"men's", "women's", "boys'", "girls'"},
]


def other_kind(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) their sentence gives of another event of the kind the question
    asks, told apart by a word of the same set ("Where is the spring concert?" is not
    answered by "Our summer concert is ... in Colchester Castle Park"), where the sentence does
    not say the question's word before that event too."""
    words = re.findall(r"[\w']+", question.casefold().replace("\u2019", "'"))
    asked = [
        (word, noun, kind)
        for word, noun in zip(words, words[1:])
        for kind in _QUALIFIERS
        if word in kind and noun not in kind
    ]
    out = set()
    for a in answers:
        sentence = line_sentence(a).casefold().replace("\u2019", "'")
        for word, noun, kind in asked:
            said = set(re.findall(rf"([\w']+)\s+{re.escape(noun)}\b", sentence))
            if word not in said and said & kind:
                out.add(id(a))
    return out


# a field's key of a qualifier and what it qualifies, just before an answer on its line
# ("Adult return: £18.50", "Last sailing: 18:30"), and the qualifiers of one kind that tell
# fields of one thing apart, beside those of events (``_QUALIFIERS``)
_QUALIFIED_KEY = re.compile(r"(?:\A|\n|[\u00b7|]\s)[ \t]*([A-Za-z]+)[ \t]+([a-z]+)[ \t]*:[ \t]+\Z")
_FIELD_QUALIFIERS = [
    {"adult", "child", "children", "senior", "student", "concession", "infant", "family",
     "junior", "pensioner", "member", "visitor"},
    {"car", "van", "foot", "bicycle", "bike", "cycle", "motorcycle", "motorbike", "coach",
     "lorry"},
    {"first", "last"},
]  # fmt: skip


def other_qualifier(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) are the value of a field whose key qualifies a thing otherwise
    than the question does, by a word of the same kind: "How much is a child return ...?" is
    not answered by "Adult return: £18.50", "When is the first sailing ...?" not by "Last
    sailing: 18:30"."""
    words = re.findall(r"[a-z]+", question.lower())
    # each word of the question before another, with that other's stems
    pairs = [(w, field_keys(n)) for w, n in zip(words, words[1:])]
    out = set()
    for a in answers:
        at = a.start - a.passage_start
        line = a.context[max(0, at - 40) : at]
        key = _QUALIFIED_KEY.search(line)
        if key is None:
            continue
        own, thing = key.group(1).lower(), field_keys(key.group(2))
        said = {w for w, stems in pairs if stems == thing}
        if any(own in kind and said & (kind - {own}) for kind in _QUALIFIERS + _FIELD_QUALIFIERS):
            out.add(id(a))
    return out


# a name's version ("Lodestar 3.0.0", "Lodestar v2.4"), and a range of versions ("3.0.0 to 3.4.2")
_VERSION = re.compile(r"\b([A-Z][\w-]*)\s+v?(\d+(?:\.\d+){1,3})(?![\w.]*\d)")
_VERSIONS = re.compile(r"(\d+(?:\.\d+){1,3})\s*(?:to|-|\u2013|through|until)\s*(\d+(?:\.\d+){1,3})")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def other_version(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) their sentence gives of another version of the name whose
    version the question asks of ("When was Lodestar 3.0.0 released?" is not answered by
    "Lodestar 3.4.3, released on 12 November 2026"), where the sentence names that name's
    versions, none of them the question's nor a range that holds it ("3.0.0 to 3.4.2"); not
    another name's ("Python 3.10" for "Which Python version did 3.0.0 require?")."""
    asked = {(n, _version(v)) for n, v in _VERSION.findall(question)}
    if len(asked) != 1:
        return set()
    name, version = asked.pop()
    out = set()
    for a in answers:
        sentence = line_sentence(a)
        named = {_version(v) for n, v in _VERSION.findall(sentence) if n == name}
        spans = [(_version(x), _version(y)) for x, y in _VERSIONS.findall(sentence)]
        if (
            named
            and version not in named
            and not any(x <= version <= y for x, y in spans)
            and not re.fullmatch(r"v?\d+(?:\.\d+){1,3}", a.text.strip())
        ):
            out.add(id(a))
    return out


# a numbered thing of a name ("Autumn Series Race 3", "Phase 2", "Apollo 11"): a capitalised
# word and a whole number of one to three digits; not a month's day nor a word that opens a
# phrase of time or place ("In 12 days", "By 5 pm")
_NUMBERED = re.compile(r"\b([A-Z][a-z]{2,}|[A-Z]{2,})[ \t]+(\d{1,3})\b(?![.,:]?\d)")
_NOT_NAMES = {
    "in", "on", "at", "by", "for", "from", "to", "since", "until", "the", "of", "top", "under",
    "over", "after", "before", "about", "all", "only", "last", "first", "next", "page", "and",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}  # fmt: skip


def other_number(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) lie in a passage that names another number of a numbered thing
    the question asks of, and never the question's: "Which boat won Autumn Series Race 3?" is
    not answered by the record of "Autumn Series Race 5"."""
    asked = {
        (name, int(n)) for name, n in _NUMBERED.findall(question) if name.lower() not in _NOT_NAMES
    }
    if not asked:  # most questions name no numbered thing: no passage need be searched
        return set()
    out = set()
    for a in answers:
        said = {(name, int(n)) for name, n in _NUMBERED.findall(a.context)}
        if any(
            (name, n) not in said and any(m != n for other, m in said if other == name)
            for name, n in asked
        ):
            out.add(id(a))
    return out


# a date said from the day of writing ("last week", "yesterday", "next month", "three days
# ago"), and one of the calendar (a year, or a day of a month)
_RELATIVE = re.compile(
    r"(?:(?:last|next|this|earlier\s+this|later\s+this)\s+(?:week|weekend|month|year|spring|"
    r"summer|autumn|winter|\w+day)|yesterday|today|tomorrow|tonight|recently|"
    r"(?:a|an|one|two|three|four|five|six|\d+)\s+(?:days?|weeks?|months?|years?)\s+ago)",
    re.I,
)
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_CALENDAR = re.compile(rf"{YEAR.pattern}|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\b|{_MONTHS}\s+\d")


def relative_date(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) to a "when" question are a date said from the day of writing
    ("last week") where another answer, at least half as likely, gives a date of the
    calendar: "When were the by-elections?" is answered by the results' "26 November 2026",
    not the news article's "last week"."""
    if not re.match(r"\s*when\b", question, re.I):
        return set()
    relative = {id(a): a for a in answers if _RELATIVE.fullmatch(a.text.strip())}
    dated = [
        a.probability or 0.0 for a in answers if id(a) not in relative and _CALENDAR.search(a.text)
    ]
    return {i for i, a in relative.items() if dated and max(dated) >= 0.5 * (a.probability or 0.0)}
