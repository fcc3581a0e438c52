"""Mentions to canonical entity nodes.

The foundation rules: Unicode NFC, case folding, whitespace collapsing, a leading determiner
("the", "a", "an") and a trailing possessive ("'s") removed. The node id is a slug of the
canonical key plus the entity type, stable across runs, so exports from two runs compare.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
# the superscript digits, which mark an author's affiliation or a note ("Lena Hartmann¹")
SUPERSCRIPT_DIGITS = "\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079"
# superscript digits and marks end an author's name ("Lena Hartmann¹", "Mei Tanaka*"): they
# point to an affiliation or a note, and are no part of the name
_EDGE_PUNCT = " \t\n.,;:!?\"'“”‘’()[]{}" + SUPERSCRIPT_DIGITS + "*†‡"


def display_name(surface: str) -> str:
    """The surface form without determiner, possessive or stray punctuation, spaces collapsed."""
    text = unicodedata.normalize("NFC", surface)
    text = re.sub(r"\s+", " ", text).strip(_EDGE_PUNCT)
    text = _DETERMINER.sub("", text)
    text = _POSSESSIVE.sub("", text)
    return text.strip(_EDGE_PUNCT)


def canonical_key(surface: str) -> str:
    return display_name(surface).casefold()


# Latin letters that no accent makes (so NFKD keeps them whole), as ASCII writes them:
# "Tromsø" is "Tromso", not "Troms"
_LATIN_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i"}
)


def slug(text: str) -> str:
    """The id form of a name: ASCII letters and digits joined by '-' ("Marie Curie" ->
    "marie-curie", "Tromsø" -> "tromso"); a name with no ASCII letters keeps its own letters,
    spaces as '-' ("北京" -> "北京"), so ids stay readable and stable. Node ids and name
    look-ups both use it."""
    folded = text.casefold().translate(_LATIN_LETTERS)
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return out or re.sub(r"\s+", "-", folded.strip())


def node_id(surface: str, label: str) -> str:
    """Stable node id: ``slug(canonical name):LABEL``."""
    return f"{slug(canonical_key(surface))}:{label}"


_TITLES = re.compile(
    r"^(?:(?:dr|mr|mrs|ms|miss|prof|professor|sir|dame|lord|lady|rev|fr|st|saint|"
    r"president|king|queen|prince|princess|pope|general|gen|captain|capt|judge|senator|sen|"
    r"governor|gov|mayor)\.?\s+)+",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\(\s*([A-Z0-9][A-Za-z0-9&.]{1,10})\s*\)")
# a company's legal form at the end of its name: "Harbor Lights Ltd", "Acme, Inc.", "Voss GmbH"
_LEGAL_FORM = re.compile(
    r"(?:,?\s+(?:Ltd|Limited|Inc|Incorporated|Corp|Corporation|Co|Company|LLC|LLP|PLC|plc|"
    r"GmbH|AG|S\.?A|N\.?V|B\.?V|Pty|S\.?p\.?A|S\.?r\.?l|Oy|AB)\.?)+$"
)


# the words of a post ("CFO", "Chief Financial Officer", "Vice President", "Chair"): NER takes
# such a post for an organisation ("Tomasz Wierzbicki - CFO" made "works for CFO")
_ROLE_ACRONYMS = {
    "ceo", "cfo", "coo", "cto", "cio", "cmo", "cso", "cco", "cdo", "cpo", "chro", "ciso",
    "vp", "svp", "evp", "avp", "md", "gm",
}  # fmt: skip
_ROLE_WORDS = {
    "chief", "executive", "financial", "operating", "technology", "technical", "scientific",
    "science", "medical", "commercial", "marketing", "information", "people", "officer",
    "vice", "president", "senior", "director", "managing", "general", "head",
    "chair", "chairman", "chairwoman", "chairperson", "co-chair", "manager", "treasurer",
    "secretary", "deputy", "assistant", "associate", "founder", "co-founder", "cofounder",
    "of", "and", "&", "-",
}  # fmt: skip
_ROLE_HEADS = _ROLE_ACRONYMS | {
    "officer", "president", "director", "head", "chair", "chairman", "chairwoman",
    "chairperson", "co-chair", "manager", "treasurer", "secretary", "founder", "co-founder",
    "cofounder",
}  # fmt: skip


# a post's last word, written in lowercase after the words of what it is about ("Release
# manager", "Project lead": a team table's cells)
_LOWERCASE_HEADS = _ROLE_HEADS | {"lead", "leader", "coordinator", "maintainer", "editor"}


def is_role_title(text: str) -> bool:
    """Whether ``text`` names a post rather than someone or something: made of the words of
    posts only, one of them a post itself ("CFO", "Chief Scientific Officer", "Chair"), a few
    words that end in a post's word in lowercase ("Release manager", "Project lead"), or a
    post over a body or a field ("Chair of Trustees", "Head of Planning")."""
    name = display_name(text)
    words = name.casefold().replace(",", " ").split()
    tail = name.split()[-1] if words else ""
    return bool(words) and (
        (
            all(w in _ROLE_WORDS or w in _ROLE_ACRONYMS for w in words)
            and any(w in _ROLE_HEADS for w in words)
        )
        or (2 <= len(words) <= 4 and tail.islower() and tail in _LOWERCASE_HEADS)
        # a post over a body or a field ("Chair of Trustees", "Head of Planning")
        or (3 <= len(words) <= 4 and words[0] in _ROLE_HEADS and words[1] == "of")
    )


# what a letter's close says ("Best regards"), and days of the week ("Tue" of an e-mail's date;
# not "Sun" or "Sat", which name things too)
_SAYS_NOTHING = {
    "regards", "best regards", "kind regards", "warm regards", "warmest regards",
    "best wishes", "sincerely", "yours sincerely", "yours faithfully", "yours truly",
    "many thanks", "thanks", "thank you", "cheers",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday",
    # a possessive or a pronoun alone ("Our newest design ...", an interview's "You grew up")
    "our", "my", "your", "we", "us", "their", "its", "you", "he", "she", "they", "them", "him",
    "me",
    # a degree ("University of Nigeria (BSc)")
    "bsc", "msc", "phd", "mba", "dphil", "mphil", "llb", "llm", "beng", "meng", "dsc",
    # a currency's code before an amount ("NOK 120")
    "nok", "sek", "dkk", "eur", "usd", "gbp", "chf", "jpy", "cny", "inr", "aud", "cad", "nzd",
    "zar", "pln", "czk", "huf", "isk", "hkd", "sgd",
}  # fmt: skip
_ASKING = {"Who", "Whom", "Whose", "What", "Which", "Where", "When", "Why", "How"}
# a company's legal form alone ("B.V." of "Deloitte Accountants B.V." that NER cut off)
_LEGAL_ALONE = re.compile(
    r"(?:Ltd|Limited|Inc|LLC|LLP|PLC|plc|GmbH|AG|S\.?A|N\.?V|B\.?V|Pty|S\.?p\.?A|S\.?r\.?l)\.?"
)
# what a document is ("Annual Report 2024", "Fact Sheet"): its title, no organisation
_DOCUMENT_KINDS = re.compile(
    r"^(?:annual report|report|fact sheet|press release|minutes|newsletter|release notes|"
    r"changelog|brochure|white paper|datasheet|data sheet)(?:\s+\d{4})?$",
    re.IGNORECASE,
)
# a kin noun after a possessive, just before a name: "her father, ", "his brother "
_KIN_BEFORE = re.compile(
    r"\b(?:his|her|their|whose)\s+(?:(?:late|elder|older|younger|twin)\s+)?((?:great-)*"
    r"(?:grandfather|grandmother|grandson|granddaughter|grandchild|grandparents?)|father|mother|"
    r"brother|sister|son|daughter|husband|wife|uncle|aunt|cousin|"
    r"nephew|niece|parents?|spouse)\s*,?\s*\Z",
    re.IGNORECASE,
)
_PARENTS = {"father", "mother", "parent", "parents"}
_CHILDREN = {"son", "daughter"}


def kin_before(text: str, start: int) -> str | None:
    """What the words just before a name at ``start`` say it is to someone: "parent" ("her
    father, Chukwuma Okafor"), "child" ("his son Jacques"), "kin" (a brother, a wife, ...), or
    None."""
    noun = _kin_noun(text, start)
    if noun is None:
        return None
    return "parent" if noun in _PARENTS else "child" if noun in _CHILDREN else "kin"


def _kin_noun(text: str, start: int) -> str | None:
    """The kin noun (case folded) just before a name at ``start`` ("father" of "her father,
    Chukwuma Okafor"), or None."""
    found = _KIN_BEFORE.search(text[max(0, start - 40) : start])
    return None if found is None else found.group(1).casefold()


# a possessive word that opens a phrase: "Our scientists", "My team" describe, not name
_POSSESSIVE_OPENING = re.compile(r"^(?:our|my|your|his|her|their|its)\s", re.IGNORECASE)


def names_nothing(text: str) -> bool:
    """Whether a mention of ``text`` is no entity: a post (``is_role_title``), one letter ("B"
    of "Series B"), a letter's close ("Best regards"), a day of the week ("Tue"), what a
    document is ("Annual Report"), a phrase that opens with a possessive ("Our scientists"),
    a possessive or pronoun alone, a degree ("PhD"), a currency's code ("NOK"), a legal form
    alone ("B.V."), a question word ("Who") or a title alone ("Mr")."""
    name = display_name(text)
    return (
        is_role_title(text)
        or len(name) == 1
        or name.casefold() in _SAYS_NOTHING
        or bool(_DOCUMENT_KINDS.match(name))
        or bool(_POSSESSIVE_OPENING.match(name))
        or bool(_LEGAL_ALONE.fullmatch(name))
        or name in _ASKING  # "Who leads the project?" ("WHO" is a name)
        or not _TITLES.sub("", f"{name} ").strip()  # "Mr" of "Mr and Mrs D. Farrell"
    )


def part_of_post(text: str, start: int, end: int) -> bool:
    """Whether the words ``start`` .. ``end`` of ``text`` open the name of a post that the
    word after them ends ("Chief Financial" of "Chief Financial Officer")."""
    after = re.match(r"[ \t]+([A-Z][a-z]+)\b", text[end : end + 30])
    return after is not None and is_role_title(f"{text[start:end]} {after.group(1)}")


# what a post is head of, after its "of" ("Director of Operations", "Head of Data"): a part of
# the work, not an organisation
_POST_OF = re.compile(
    r"\b(?:Director|Head|President|VP|Chief|Manager|Officer|Dean|Lead)\s+of\s+(?:the\s+)?\Z"
)
_FUNCTIONS = {
    "operations", "data", "finance", "marketing", "sales", "engineering", "research",
    "communications", "product", "products", "design", "technology", "people", "policy",
    "strategy", "development", "human resources", "hr", "it", "legal", "compliance", "risk",
    "security", "customer success", "support", "partnerships", "content", "growth",
    "education", "studies", "admissions", "facilities", "infrastructure", "platform",
    "business development", "investor relations", "procurement", "logistics",
}  # fmt: skip


def function_of_post(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is the part of the work that a post before it heads
    ("Operations" of "Director of Operations"), not an organisation."""
    before = _POST_OF.search(text[max(0, start - 30) : start])
    return before is not None and display_name(text[start:end]).casefold() in _FUNCTIONS


# a part of an organisation, named as such ("Department of Plant Biology", "Institute of Botany")
_UNIT = re.compile(
    r"^(?:the\s+)?(?:Department|Dept\.?|Faculty|School|Institute|Division|Laboratory|Centre|"
    r"Center|Unit|Office|Section)\s+(?:of|for)\s",
    re.IGNORECASE,
)


def is_unit(name: str) -> bool:
    """Whether ``name`` is a unit's ("Department of Plant Biology"): of the two ends of a
    Part_Of edge, the part."""
    return bool(_UNIT.match(name)) and not re.search(r"\bUniversity\b", name)


# lowercase words that end a name and describe it ("Fisheries Ecology group")
_DESCRIPTORS = re.compile(r"(?:\s+[a-z][a-z-]*)+$")


# a match's score after a team's name: "Alderbay Athletic 3-1" of a report's headline
_SCORE = re.compile(r"[ \t]+\d{1,3}[ \t]?[-\u2013][ \t]?\d{1,3}\Z")


def without_descriptors(text: str, start: int, end: int) -> int:
    """Where the name of ``text[start:end]`` ends, less the lowercase words that end it after
    two names or more ("Fisheries Ecology group" is the "Fisheries Ecology" of a table), and
    less a match's score ("Alderbay Athletic 3-1")."""
    score = _SCORE.search(text, start, end)
    if score is not None and text[start : score.start()].strip():
        end = score.start()
    found = _DESCRIPTORS.search(text, start, end)
    if found is None or len(text[start : found.start()].split()) < 2:
        return end
    return found.start()


# an award's name: "Hartwell Prize for Translational Medicine", "Turing Award"
_AWARD = re.compile(r"\b(?:Prize|Award|Medal|Trophy|Cup|Fellowship|Scholarship)s?\b")


def is_award(text: str) -> bool:
    """Whether ``text`` names an award, which NER types as an organisation: no one is a member
    of it, works for it or leads it ("Imani Okoye received the Hartwell Prize ..." made her a
    Member_Of the prize)."""
    return bool(_AWARD.search(text))


# the last word of a place's, a building's, a body's or an event's name, which the tagger now
# and then takes for a person's ("Vessby Art Hall", "Tyne Regatta"): the type it names instead.
# Words that are also surnames (Hall, Lane, Church, ...) count only after two words or more.
_HEAD_KINDS = {
    **dict.fromkeys(
        ("Cathedral", "Square", "Road", "Avenue", "Airport", "Station", "Stadium", "Harbour",
         "Harbor", "Quay", "Tower", "Palace"),
        "FAC",
    ),
    **dict.fromkeys(
        ("Society", "Club", "Association", "University", "Institute", "Museum", "Foundation",
         "Athletic", "Rovers", "United", "Wanderers", "Albion",
         "Council", "Library", "Gallery", "Theatre", "Theater", "Hospital", "School",
         "College", "Academy", "Agency", "Company", "Municipality", "Orchestra"),
        "ORG",
    ),
    **dict.fromkeys(
        ("Festival", "Regatta", "Conference", "Congress", "Championships", "Marathon"), "EVENT"
    ),
}  # fmt: skip
_SURNAME_HEADS = dict.fromkeys(
    ("Hall", "Lane", "Church", "Street", "Mill", "Bridge", "Castle"), "FAC"
)


def person_or_not(name: str, label: str) -> str:
    """The type of a mention ``name`` that NER typed ``label``: a "person" whose name ends in
    a place's, a building's, a body's or an event's word is that instead ("Vessby Art Hall" is
    a building, "Tyne Regatta" an event; "Peter Hall" stays a person)."""
    words = display_name(name).split()
    if label != "PERSON" or len(words) < 2:
        return label
    head = words[-1]
    if head in _HEAD_KINDS:
        return _HEAD_KINDS[head]
    return _SURNAME_HEADS[head] if head in _SURNAME_HEADS and len(words) > 2 else label


# a possessive pronoun and the lowercase words of what someone is to its referent, just before
# a name: "Her successor as mayor, ", "his doctoral adviser "
_DESCRIBED_BEFORE = re.compile(r"\b(?:his|her)\s+(?:[a-z-]+\s+){0,3}[a-z-]+\s*,?\s*\Z", re.I)


def described_before(text: str, start: int) -> bool:
    """Whether the words just before a name at ``start`` say what it is to someone named by a
    possessive pronoun ("Her husband, Per Lundqvist", "Her successor as mayor, Bengt
    Olofsson"): the sentence is still about that someone."""
    return _DESCRIBED_BEFORE.search(text[max(0, start - 50) : start]) is not None


# the gender a kin noun gives the one it introduces ("her husband, Per Lundqvist": a man)
_KIN_GENDER = {
    **dict.fromkeys(
        ("father", "brother", "son", "husband", "uncle", "nephew", "grandfather", "grandson"),
        "m",
    ),
    **dict.fromkeys(
        ("mother", "sister", "daughter", "wife", "aunt", "niece", "grandmother",
         "granddaughter"),
        "f",
    ),
}  # fmt: skip


def kin_gender(text: str, start: int) -> str | None:
    """The gender ("m" or "f") that the kin noun just before a name at ``start`` gives it,
    or None."""
    noun = _kin_noun(text, start)
    return None if noun is None else _KIN_GENDER.get(noun.replace("great-", ""))


def strip_title(name: str) -> str:
    """'Dr. Marie Curie' -> 'Marie Curie' (for people; a bare title is kept)."""
    stripped = _TITLES.sub("", name).strip()
    return stripped or name


def person_name(surface: str) -> str:
    return strip_title(display_name(surface))


def canonical_name(surface: str, label: str) -> str:
    """The name a mention contributes to its node: titles go for people."""
    return person_name(surface) if label == "PERSON" else display_name(surface)


def without_legal_form(name: str) -> str | None:
    """An organisation's name without its legal form ("Harbor Lights Ltd" -> "Harbor Lights",
    "Acme, Inc." -> "Acme"); None when it has none, or nothing else."""
    short = _LEGAL_FORM.sub("", name).strip()
    return short if short and short != name else None


def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w and w[0].isupper()]
    return "".join(w[0] for w in words)


def acronym_forms(letters: str) -> set[str]:
    """The ways an acronym writes ``letters`` (a name's initials, upper case): as they are, and
    with a run of one letter counted ("WWWC": "W3C" as the World Wide Web Consortium writes it,
    "MMM": "3M" as Minnesota Mining and Manufacturing does)."""
    runs = [(m.group(0)[0], len(m.group(0))) for m in re.finditer(r"(.)\1*", letters)]
    if all(n == 1 for _, n in runs):
        return {letters}
    after = "".join(c if n == 1 else f"{c}{n}" for c, n in runs)
    before = "".join(c if n == 1 else f"{n}{c}" for c, n in runs)
    return {letters, after, before}


@dataclass(frozen=True)
class AliasMerge:
    """One mention given another mention's node, and the rule that did it."""

    mention: int  # index into the document's mentions
    target: int
    rule: str


def document_aliases(
    text: str,
    mentions: list[tuple[str, str, int, int]],
    sentences: Sequence[tuple[int, int]] = (),
) -> list[AliasMerge]:
    """Within-document merges of (surface, label, start, end) mentions, in text order;
    ``sentences``: the (start, end) spans the extractor read the mentions in (a mention in
    none of them counts the whole text as its sentence).

    Rules: ``acronym`` - "World Health Organization (WHO)" makes later "WHO" the long form
    (and "World Wide Web Consortium (W3C)" "W3C": ``acronym_forms``);
    ``legal-form`` - an organisation named without its legal form ("Harbor Lights") where the
    document names it with one ("Harbor Lights Ltd"), before or after, is that organisation
    (not when two organisations of the document share the short name: "Acme Ltd", "Acme Inc");
    ``surname`` / ``given-name`` - a one-word name that is the last (first) word of a
    multi-word PERSON mentioned before it becomes that person (the closest one before it, so
    "Curie" after "Pierre Curie" is Pierre, after "Marie Curie" is Marie); a first name that
    the tagger typed as an organisation or a group counts too, one typed as a place does not;
    ``short-name`` - an organisation named by the first words of a longer organisation's name
    mentioned before it ("Acme's" after "Acme Robotics"), or by the document's first line
    ("About the Lindgren Institute"), is that organisation, unless the document has two such
    ("Acme Robotics", "Acme Foods"), a person of that surname, or the longer name in the same
    sentence ("Microsoft Research is a division of Microsoft"); ``leading-words`` - the same,
    for a short name of two words or more ("Lindgren Institute" of "Lindgren Institute for
    Marine Research"), which holds across documents too (``kg.graph.CORPUS_RULES``).
    """
    merges: list[AliasMerge] = []
    acronyms: dict[str, int] = {}
    for i, (surface, _label, _start, end) in enumerate(mentions):
        after = end
        while after < len(text) and text[after] == " ":
            after += 1
        m = _ACRONYM.match(text, after)
        short = m.group(1).replace(".", "") if m else ""
        if short and short.upper() in acronym_forms(initials(display_name(surface)).upper()):
            acronyms[short] = i
    legal: dict[str, set[str]] = {}  # short name -> the full names that carry it
    first: dict[str, int] = {}  # full name -> its first mention
    for i, (surface, label, _start, _end) in enumerate(mentions):
        name = display_name(surface)
        short = without_legal_form(name) if label == "ORG" else None
        if short is not None:
            legal.setdefault(short.casefold(), set()).add(name.casefold())
            first.setdefault(name.casefold(), i)
    # a multi-word organisation's words -> its first mention; a name's words are capitalised
    # ("Acme Robotics"), a heading that the tagger took whole is not ("Brennan Foods products")
    orgs: dict[tuple[str, ...], int] = {}
    for i, (surface, label, _start, _end) in enumerate(mentions):
        # one organisation with its legal form and without ("Meridian Logistics N.V.")
        name = display_name(surface)
        words = (without_legal_form(name) or name).split() if label == "ORG" else []
        if len(words) >= 2 and _named_in_full(words):
            orgs.setdefault(tuple(w.casefold() for w in words), i)
    # each organisation named by the first words of one longer organisation's name
    longer_of = {
        i: longer
        for i, (surface, label, _start, _end) in enumerate(mentions)
        if label == "ORG"
        and (longer := _longer_org(display_name(surface).split(), orgs)) is not None
    }
    # "Microsoft Research is a division of Microsoft": a short name said in a sentence with
    # the longer one names another organisation, in the whole document
    distinct = {
        longer
        for i, longer in longer_of.items()
        if _said_beside(text, sentences, mentions[longer][0], mentions[i][2])
    }
    people: list[tuple[int, list[str]]] = []
    relatives: set[int] = set()  # people named as someone's kin ("her father, Chukwuma Okafor")
    for i, (surface, label, start, _end) in enumerate(mentions):
        name = display_name(surface)
        key = name.replace(".", "")
        if key in acronyms and acronyms[key] != i and mentions[acronyms[key]][2] < start:
            merges.append(AliasMerge(i, acronyms[key], "acronym"))
            continue
        long_names = legal.get(name.casefold(), set())
        if label == "ORG" and len(long_names) == 1:
            merges.append(AliasMerge(i, first[next(iter(long_names))], "legal-form"))
            continue
        words = person_name(surface).split()
        if label == "PERSON" and len(words) >= 2:
            people.append((i, [w.casefold() for w in words]))
            if kin_before(text, start) is not None:
                relatives.add(i)
            continue
        longer = longer_of.get(i)
        # the longer name comes first, or the short one is the document's title ("About the
        # Lindgren Institute" over "The Lindgren Institute for Marine Research was ...")
        before = longer is not None and (longer < i or "\n" not in text[: mentions[i][2]])
        if longer is not None and before and not _surname_of(name, people):
            if longer not in distinct:
                rule = "leading-words" if len(name.split()) > 1 else "short-name"
                merges.append(AliasMerge(i, longer, rule))
            continue
        if len(words) == 1 and label in ("PERSON", "ORG", "NORP", "GPE"):
            word = words[0].casefold()
            # a relative is passed over for an earlier person of the surname: a biography calls
            # its subject "Okafor", never the father it names in full
            others = [(j, full) for j, full in people if j not in relatives]
            for j, full in reversed(
                others if any(full[-1] == word for _, full in others) else people
            ):
                if full[-1] == word:
                    merges.append(AliasMerge(i, j, "surname"))
                    break
                # a first name the tagger took for an organisation ("Priya reports to the
                # CEO" after "Priya Raman") is the person too; a place is not ("Georgia")
                if full[0] == word and label in ("PERSON", "ORG", "NORP"):
                    merges.append(AliasMerge(i, j, "given-name"))
                    break
    return merges


# lowercase words inside an organisation's name ("Institute for Marine Research")
_NAME_JOINS = {"for", "of", "and", "&", "de", "du", "des", "la", "le", "the", "on", "in"}


def _named_in_full(words: list[str]) -> bool:
    """Whether the words after the first of a name are capitalised, but for the words that
    join a name's parts ("Lindgren Institute for Marine Research"); its last is capitalised
    ("Brennan Foods products", a heading the tagger took whole, is no name)."""
    rest = words[1:]
    return (
        bool(rest)
        and rest[-1][0].isupper()
        and all(w[0].isupper() or w in _NAME_JOINS for w in rest)
    )


def _longer_org(words: list[str], orgs: dict[tuple[str, ...], int]) -> int | None:
    """The first mention of the one organisation whose name begins with ``words`` and is
    longer; None when there is none, or more than one in the document."""
    key = tuple(w.casefold() for w in words)
    longer = [i for full, i in orgs.items() if len(full) > len(key) and full[: len(key)] == key]
    return longer[0] if key and len(longer) == 1 else None


def _surname_of(name: str, people: list[tuple[int, list[str]]]) -> bool:
    """Whether ``name`` is one word that is the surname of one of ``people``."""
    words = name.casefold().split()
    return len(words) == 1 and any(full[-1] == words[0] for _, full in people)


def _said_beside(text: str, sentences: Sequence[tuple[int, int]], name: str, at: int) -> bool:
    """Whether ``name`` occurs in the sentence of ``sentences`` that holds offset ``at`` (the
    whole text when none does)."""
    start, end = next(((a, b) for a, b in sentences if a <= at < b), (0, len(text)))
    return display_name(name).casefold() in text[start:end].casefold()


def follow_alias_chains(
    own: list[str], merges: list[AliasMerge], max_hops: int = 10
) -> tuple[list[str], list[str]]:
    """Each mention's final node and the rule that moved it there ("" when none did).

    ``own`` holds each mention's node id from its own name; a merge points a mention at another
    mention, whose node may itself be merged on ("Curie" -> "Marie Curie" -> ...), so chains are
    followed to their end (at most ``max_hops``, which also guards against loops).
    """
    target = {m.mention: (m.target, m.rule) for m in merges}
    final, rule = list(own), [""] * len(own)
    for i in range(len(own)):
        j, hops = i, 0
        while j in target and hops < max_hops:
            j, hops = target[j][0], hops + 1
        if j != i:
            final[i], rule[i] = own[j], target[i][1]
    return final, rule
