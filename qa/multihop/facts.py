"""Small facts read out of text for comparisons: dates (to say which came first) and
countries (to say whether two things share one)."""

from __future__ import annotations

import re

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
# any of them, the longest first (a pattern without a group)
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{MONTH})\.?,?\s+(?P<y1>\d{{3,4}})"
    rf"|(?P<m2>{MONTH})\.?\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>\d{{3,4}})"
    rf"|(?P<m3>{MONTH})\.?\s+(?P<y3>\d{{3,4}})"
    rf"|(?P<y4>1\d{{3}}|20\d{{2}}|\d{{3}}(?=\s*(?:AD|CE|BC|BCE)\b)))"
    rf"(?P<bc>\s*(?:BC|BCE)\b)?",
    re.IGNORECASE,
)

Date = tuple[int, int, int]


def dates_in(text: str) -> list[tuple[Date, int, int]]:
    """Every date in ``text`` as ((year, month, day), start, end); a missing month or day is 0.
    A year before Christ is negative."""
    found = []
    for m in _DATE.finditer(text):
        g = m.groupdict()
        year = int(g["y1"] or g["y2"] or g["y3"] or g["y4"])
        month_name = (g["m1"] or g["m2"] or g["m3"] or "").lower().rstrip(".")
        day = int(g["d1"] or g["d2"] or 0)
        if g["bc"]:
            year = -year
        found.append(((year, MONTHS.get(month_name, 0), day), m.start(), m.end()))
    return found


def first_date(text: str) -> Date | None:
    found = dates_in(text)
    return found[0][0] if found else None


def life_dates(text: str, name: str) -> tuple[Date | None, Date | None]:
    """Birth and death dates of the person a passage is about, from the bracket after their
    name ("Ann Lee (12 May 1900 – 3 June 1980)", "(born 1950)") or from "born ... died"."""
    at = text.lower().find(name.lower()) if name else -1
    window = text[max(0, at) : max(0, at) + 400] if at >= 0 else text[:400]
    bracket = re.search(r"\(([^()]*\d{3,4}[^()]*)\)", window)
    if bracket:
        inside = bracket.group(1)
        found = dates_in(inside)
        if found:
            if re.search(r"\b(died|d\.)\s", inside) and not re.search(r"\b(born|b\.)\s", inside):
                return None, found[0][0]
            death = found[1][0] if len(found) > 1 else None
            return found[0][0], death
    born = re.search(r"\bborn\b[^.]{0,60}", window)
    died = re.search(r"\b(?:died|death)\b[^.]{0,60}", text)
    return (
        first_date(born.group(0)) if born else None,
        first_date(died.group(0)) if died else None,
    )


# Names people give one country, lower case -> one key.
COUNTRIES = {
    "american": "united states", "usa": "united states", "u.s.": "united states",
    "us": "united states", "u.s.a.": "united states", "united states of america": "united states",
    "america": "united states", "british": "united kingdom", "uk": "united kingdom",
    "english": "united kingdom", "england": "united kingdom", "scottish": "united kingdom",
    "scotland": "united kingdom", "welsh": "united kingdom", "wales": "united kingdom",
    "great britain": "united kingdom", "britain": "united kingdom", "french": "france",
    "german": "germany", "italian": "italy", "spanish": "spain", "indian": "india",
    "chinese": "china", "japanese": "japan", "russian": "russia", "soviet": "russia",
    "soviet union": "russia", "canadian": "canada", "australian": "australia",
    "mexican": "mexico", "brazilian": "brazil", "swedish": "sweden", "norwegian": "norway",
    "danish": "denmark", "finnish": "finland", "dutch": "netherlands", "polish": "poland",
    "iranian": "iran", "persian": "iran", "irish": "ireland", "greek": "greece",
    "turkish": "turkey", "egyptian": "egypt", "argentine": "argentina",
    "argentinian": "argentina", "portuguese": "portugal", "belgian": "belgium",
    "swiss": "switzerland", "austrian": "austria", "hungarian": "hungary", "czech": "czech",
    "czechoslovak": "czech", "filipino": "philippines", "philippine": "philippines",
    "korean": "south korea", "south korean": "south korea", "pakistani": "pakistan",
    "bangladeshi": "bangladesh", "israeli": "israel", "nigerian": "nigeria",
    "south african": "south africa", "new zealand": "new zealand", "chilean": "chile",
    "colombian": "colombia", "peruvian": "peru", "cuban": "cuba", "romanian": "romania",
    "bulgarian": "bulgaria", "serbian": "serbia", "croatian": "croatia", "ukrainian": "ukraine",
    "thai": "thailand", "vietnamese": "vietnam", "indonesian": "indonesia",
    "malaysian": "malaysia", "sri lankan": "sri lanka", "nepali": "nepal", "afghan": "afghanistan",
    "iraqi": "iraq", "syrian": "syria", "lebanese": "lebanon", "saudi": "saudi arabia",
    "icelandic": "iceland", "estonian": "estonia", "latvian": "latvia",
    "lithuanian": "lithuania", "slovak": "slovakia", "slovenian": "slovenia",
    "georgian": "georgia", "armenian": "armenia", "azerbaijani": "azerbaijan",
    "kazakh": "kazakhstan", "uzbek": "uzbekistan", "mongolian": "mongolia",
    "taiwanese": "taiwan", "venezuelan": "venezuela", "jamaican": "jamaica",
}  # fmt: skip
_COUNTRY_NAMES = sorted(
    set(COUNTRIES) | set(COUNTRIES.values()) | {"iran", "india", "china", "japan", "italy"},
    key=len,
    reverse=True,
)
_COUNTRY = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(c) for c in _COUNTRY_NAMES) + r")(?![\w])", re.IGNORECASE
)


# a US state stands for its country where a text names no country ("born in Hartford,
# Connecticut"); Georgia (a country too) and Washington (a name too) are left out
US_STATES = {
    s.lower(): "united states"
    for s in (
        "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida "
        "Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland "
        "Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio "
        "Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Wisconsin Wyoming"
    ).split()
    + ["New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina",
       "North Dakota", "Rhode Island", "South Carolina", "South Dakota", "West Virginia"]
}  # fmt: skip
_STATE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(s.title()) for s in sorted(US_STATES, key=len)[::-1])
    + r")(?![\w])"
)  # fmt: skip


def country_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names a country (by name or adjective), in order; where it names none,
    where it names a US state."""
    found = [
        (m.start(1), m.end(1))
        for m in _COUNTRY.finditer(text)
        if m.group(1) not in {"us", "Us"}  # the pronoun
    ]
    return found or [(m.start(1), m.end(1)) for m in _STATE.finditer(text)]


def countries_in(text: str) -> list[str]:
    """The countries a text names (by name or adjective; else by a US state), each as one
    key, in order."""
    words = (text[a:b].lower() for a, b in country_spans(text))
    return list(dict.fromkeys(COUNTRIES.get(w) or US_STATES.get(w, w) for w in words))


def country_key(text: str) -> str:
    """One key for a country answer ("American", "U.S.", "United States" -> the same)."""
    found = countries_in(text)
    return found[0] if found else text.strip().lower()


# "Charlotte-based Bank of America", "the London-based HSBC": where a name is based, before it
_BASED = re.compile(r"(?:the\s+)?(?:[A-Z][\w.'’]*\s+){0,3}[A-Z][\w.'’]*-based\s+(?=[A-Z])")


def bridge_span(text: str, start: int, end: int, noun: str, place: bool) -> tuple[int, int, str]:
    """What a clause's answer at [start, end) of passage ``text`` names as a bridge of kind
    ``noun``: for a country, the last country the span names, as a country's name ("the
    Ghanche District, Gilgit Baltistan of Pakistan": Pakistan); for a place, its first name
    ("Mountrail County in the U.S. state of North Dakota"); else the span; never the words
    that say what kind of thing it is ("province of Vojvodina") or where it is based
    ("Charlotte-based Bank of America")."""
    lead = re.match(r"(?:the\s+)?(?:[a-z]+\s+){1,2}of\s+(?=[A-Z])", text[start:end])
    start += lead.end() if lead else 0  # "province of Vojvodina", "the city of Venice"
    based = _BASED.match(text[start:end])
    start += based.end() if based else 0
    inside = country_spans(text[start:end]) if noun == "country" else []
    if inside:
        a, b = start + inside[-1][0], start + inside[-1][1]
        return a, b, country_key(text[a:b]).title()
    cut = re.search(r"\s+in\s+(?=[A-Z]|the\s)", text[start:end]) if place else None
    if cut:
        end = start + cut.start()
    return start, end, text[start:end]


def count_end(question: str, text: str) -> int:
    """Where an answer ``text`` to a "how many" question ends: after its leading number (and
    the word after the number unless the question says it: "140 mi", "22 times between 1361
    and 1528" -> "22"); the whole text for another question or no leading number."""
    m = re.match(r"(\D{0,20}?\d[\d,.]*(?:\s+(?:million|billion|thousand|hundred))?)(\s+[\w\-]+)?",
                 text) if re.match(r"(?i)\s*how\s+many\b", question) else None  # fmt: skip
    if m is None:
        return len(text)
    unit = (m.group(2) or "").strip().lower()
    said = unit and re.search(rf"(?i)\b{re.escape(unit)}\b", question)
    return m.end(1) if said or not unit else m.end(2)


def pick_date(a: Date, b: Date, latest: bool) -> int:
    """0 when date ``a`` wins, 1 when ``b`` does; compared on what both dates know."""
    if a[0] != b[0] or not (a[1] and b[1]):
        later = b[0] > a[0]
    elif a[1] != b[1] or not (a[2] and b[2]):
        later = b[1] > a[1]
    else:
        later = b[2] > a[2]
    return (1 if later else 0) if latest else (0 if later else 1)
