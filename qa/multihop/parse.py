"""Reading a question's shape: a chain of relations ("the mother of the director of X"), a
comparison of two named things ("Which film came out first, A or B?") or a yes/no question
about two of them ("Are A and B both Z?", "... the same nationality?"), what two things share,
or a relative clause to ask first (``clauses``; a cast member's: ``cast``). No model: the
forms are the ones people use when a question needs two facts, and anything else is a plain
question (``None``)."""

from __future__ import annotations

import re

from kgqa.qa.multihop.cast import cast_clause
from kgqa.qa.multihop.clauses import WH_WORD, clause
from kgqa.qa.multihop.facts import COUNTRIES
from kgqa.qa.multihop.names import SMALL as _SMALL
from kgqa.qa.multihop.names import a_b_prefix, name_end
from kgqa.qa.multihop.shapes import Chain, Common, Comparison, Shape, YesNo
from kgqa.qa.multihop.shapes import Clause as Clause  # re-exported with the other shapes

# A relation word or phrase of a chain -> the question that asks one hop of it about {e}.
# The keys are matched longest first, so "place of birth" wins over "birth".
HOPS: dict[str, str] = {
    "director": "Who is the director of {e}?",
    "composer": "Who is the composer of {e}?",
    "performer": "Who is the performer of {e}?",
    "singer": "Who is the singer of {e}?",
    "producer": "Who is the producer of {e}?",
    "author": "Who is the author of {e}?",
    "writer": "Who is the writer of {e}?",
    "screenwriter": "Who is the screenwriter of {e}?",
    "creator": "Who is the creator of {e}?",
    "founder": "Who is the founder of {e}?",
    "publisher": "Who published {e}?",
    "owner": "Who owns {e}?",
    "mother": "Who is the mother of {e}?",
    "father": "Who is the father of {e}?",
    "parent": "Who is the parent of {e}?",
    "wife": "Who is the wife of {e}?",
    "husband": "Who is the husband of {e}?",
    "spouse": "Who is the spouse of {e}?",
    "child": "Who is the child of {e}?",
    "son": "Who is the son of {e}?",
    "daughter": "Who is the daughter of {e}?",
    "sibling": "Who is the sibling of {e}?",
    "brother": "Who is the brother of {e}?",
    "sister": "Who is the sister of {e}?",
    "place of birth": "Where was {e} born?",
    "birthplace": "Where was {e} born?",
    "birth place": "Where was {e} born?",
    "birth city": "Where was {e} born?",
    "city of birth": "Where was {e} born?",
    "hometown": "Where was {e} born?",
    "place of death": "Where did {e} die?",
    "date of birth": "When was {e} born?",
    "date of death": "When did {e} die?",
    "cause of death": "What was the cause of death of {e}?",
    "place of burial": "Where was {e} buried?",
    "nationality": "What is the nationality of {e}?",
    "country of citizenship": "What is the nationality of {e}?",
    "country of origin": "What is the country of origin of {e}?",
    "headquarters": "Where is the headquarters of {e}?",
    "headquarters location": "Where is the headquarters of {e}?",
    "leader": "Who is the leader of {e}?",
    "chief executive": "Who is the chief executive of {e}?",
    "ceo": "Who is the CEO of {e}?",
    "capital": "What is the capital of {e}?",
    "employer": "Who is the employer of {e}?",
    "manufacturer": "Who is the manufacturer of {e}?",
    "operator": "Who is the operator of {e}?",
    "record label": "What is the record label of {e}?",
    "cast member": "Who is a cast member of {e}?",
}
# The words of a relation that asks where someone was born.
BIRTHPLACE = {"place of birth", "birthplace", "birth place", "birth city", "city of birth",
              "hometown"}  # fmt: skip
# Kinship that is two hops: the word -> its hops, innermost first.
COMPOUND: dict[str, list[str]] = {
    "paternal grandfather": ["father", "father"],
    "paternal grandmother": ["father", "mother"],
    "maternal grandfather": ["mother", "father"],
    "maternal grandmother": ["mother", "mother"],
    "grandfather": ["father", "father"],
    "grandmother": ["father", "mother"],
    "father-in-law": ["spouse", "father"],
    "mother-in-law": ["spouse", "mother"],
    "stepmother": ["father", "spouse"],
    "stepfather": ["mother", "spouse"],
    "uncle": ["father", "brother"],
    "aunt": ["father", "sister"],
}
# What kind of thing a relation's answer is: comparisons of dates need these.
PEOPLE = {
    "director", "composer", "performer", "singer", "producer", "author", "writer",
    "screenwriter", "creator", "founder", "mother", "father", "parent", "wife", "husband",
    "spouse", "child", "son", "daughter", "sibling", "brother", "sister", "leader",
    "chief executive", "ceo", "cast member",
}  # fmt: skip

_WORDS = sorted([*HOPS, *COMPOUND], key=len, reverse=True)
_RELATION = "|".join(re.escape(w) for w in _WORDS)
# "film", "song", "band" ...: a kind word before a name ("the director of film X")
_KIND = (
    r"(?:the\s+)?(?:films?|songs?|albums?|books?|novels?|bands?|groups?|company|plays?|shows?"
    r"|series|games?|video games?)\s+"
)
# a possessive: "X's father" -> "the father of X"
_POSSESSIVE = re.compile(
    rf"((?:[A-Z0-9][^\s]*)(?:\s+(?:[A-Z0-9(][^\s]*|of|the|in|de|da|del|la|le|von|van|and))*?)"
    rf"\s?'s?\s+((?:paternal |maternal )?(?:{_RELATION}))\b"
)

# a name before its maker: "the Another Page performer" -> "the performer of Another Page"
_AGENTS = "performer|composer|author|director|writer|singer|producer|manufacturer"
_PRENOMINAL = re.compile(
    rf"\bthe\s+((?:[A-Z0-9\"][^\s]*)(?:\s+(?:[A-Z0-9(\"][^\s]*|of|the|in|de|la|and))*?)"
    rf"\s+({_AGENTS})\b"
)


# "co-" before a relation word: one of several, as the graph may give ("co-founders")
_CO = re.compile(r"(?i)\bco-?(?=(?:founder|author|writer|creator|producer|director)s?\b)")


def parse(question: str) -> Shape | None:
    """The question's shape, or None for a question one passage can answer."""
    q = " ".join(question.strip().split())
    q = _CO.sub("", q)  # "the co-founder of X": a founder of X
    return comparison(q) or yes_no(q) or common(q) or chain(q) or cast_clause(q) or clause(q)


def _relations_in(text: str) -> list[str]:
    """The relation words in ``text``, as single hops (a compound word expanded), in order."""
    found = []
    for m in re.finditer(rf"\b({_RELATION})s?\b", text, re.IGNORECASE):
        word = m.group(1).lower()
        found.extend(COMPOUND.get(word, [word]))
    return found


def _strip_kind(name: str) -> str:
    """ "film X" -> "X", but "Band of Skulls" stays (a kind word followed by a small word is
    part of the name)."""
    name = name.strip(" ,.?")
    bare = re.sub(rf"^{_KIND}", "", name, flags=re.IGNORECASE).strip()
    return name if bare.split(" ", 1)[0] in _SMALL else bare


# "before" and "after" compare only where they end the head ("which came out before, A or
# B?"); "drunk before retiring to bed" is no date, nor "the first Russian composer to ..."
_EARLY = r"\b((?<!the )first|earlier|earliest|older|oldest|before(?=\s*$)|sooner)\b"
_LATE = (
    r"\b(later|latest|last|more recent(?:ly)?|most recent(?:ly)?|younger|youngest|newer|newest"
    r"|after(?=\s*$)|second)\b"
)
_DATE_VERB = (
    r"\b(released|published|founded|established|formed|started|created|built|opened|made"
    r"|launched|came out|produced|premiered|born|died)\b"
)


# capitalised words, with small words between them ("Isle of Man")
_NAME_WORDS = r"[A-Z0-9][\w'.\-]*(?:\s+(?:(?:of|the|de|and)\s+)*[A-Z0-9][\w'.\-]*)*?"


def comparison(q: str) -> Comparison | None:
    """ "Which film came out first, A or B?", "Who was born later, A or B?",
    "Which film has the director who died first, A or B?"; "Is A or B the genus of more
    species?" (a choice)."""
    led = re.match(
        rf"^(?:Is|Was|Are|Were)\s+(?:the\s+)?(?P<a>{_NAME_WORDS})\s+or\s+(?:the\s+)?"
        rf"(?P<b>{_NAME_WORDS})\s+(?P<rest>(?:the|a|an)\s[^?]*)\?*$",
        q,
    )
    if led and re.search(_COMPARATIVE, led.group("rest"), re.IGNORECASE):
        return Comparison([led.group("a"), led.group("b")], "choice", False, [], "")
    named = _or_names(q)
    if named is not None:
        return Comparison(named, "choice", False, [], "")
    m = re.match(r"^(?P<head>.+?)[,:?]\s*(?P<a>.+?)\s+or\s+(?P<b>.+?)\s*\?*$", q) or _unmarked(q)
    if not m or not re.match(r"(?i)^(?:(?:in|of|for|from|at|on|by|with)\s+)?(which|who|what)\b", q):
        return None
    head, b = m.group("head"), m.group("b")
    # "Which novelist, A or B, wrote of ...?": the claim goes on after the second side
    tail = re.match(r"^(?P<b>.+?),\s+(?P<rest>[a-z].*)$", b)
    if tail:
        b, head = tail.group("b"), f"{head} {tail.group('rest')}"
    sides = [_strip_kind(m.group("a")), _strip_kind(b)]
    early = re.search(_EARLY, head, re.IGNORECASE)
    late = re.search(_LATE, head, re.IGNORECASE)
    if not early and not late:
        return Comparison(sides, "choice", False, [], "")
    lowered = head.lower()
    if re.search(r"\b(born|birth|older|oldest|younger|youngest)\b", lowered):
        attribute = "birth"
    elif re.search(r"\b(died|death|die)\b", lowered):
        attribute = "death"
    else:
        attribute = "date"
    verb = re.search(_DATE_VERB, lowered)
    return Comparison(
        sides,
        attribute,
        latest=late is not None and not (early is not None and early.start() > late.start()),
        relations=[r for r in _relations_in(head) if r in PEOPLE],
        verb=verb.group(1) if verb else "released",
    )


_COMPARATIVE = (
    rf"{_EARLY}|{_LATE}|\b(more|most|less|fewer|larger|largest|bigger|biggest|smaller|smallest"
    r"|higher|highest|longer|longest|taller|tallest|closer|closest|greater|further)\b"
)


def _unmarked(q: str) -> re.Match[str] | None:
    """ "Who was born first A or B?": the sides start at the first capital after the
    question word, and the second side is a name to the end."""
    m = re.match(
        r"^(?P<head>(?i:which|who|what)\b[^A-Z]*?)\s+(?P<a>[A-Z].*?)\s+or\s+(?P<b>[A-Z].*?)\s*\?*$",
        q.strip(),
    )
    if (
        m is None
        or not re.search(_COMPARATIVE, m.group("head"), re.IGNORECASE)
        or not all(_in_name(w) for w in m.group("b").split())
    ):
        return None
    return m


def _in_name(word: str) -> bool:
    """Whether ``word`` may stand in a name: capitalised, a number or a small word."""
    return word[:1].isupper() or word[:1].isdigit() or word.lower() in _SMALL


def _or_names(q: str) -> list[str] | None:
    """ "Did Frankie Valli sing with Hellogoodbye or The Four Seasons?": a yes/no opening
    that ends in two names (capitalised runs) joined by "or" asks which of them."""
    before, _, after = q.rstrip(" ?").rpartition(" or ")
    second = re.sub(r"^the\s+", "", after).split()
    if not (_YES_NO.match(q) and before and second and second[0][:1].isupper()) or " both " in q:
        return None
    if not all(_in_name(w) for w in second):
        return None
    words = before.split()[1:]  # without the auxiliary
    k = len(words)
    while k > 0 and (words[k - 1][:1].isupper() or words[k - 1].lower() in _SMALL):
        k -= 1
    while k < len(words) and not words[k][:1].isupper():  # a name starts with a capital
        k += 1
    if k in (0, len(words)):  # nothing is said of them, or no first name
        return None
    return [" ".join(words[k:]), " ".join(second)]


# a yes/no question starts with its auxiliary ("Are A and B both Z?")
_YES_NO = re.compile(r"(?i)^(are|were|is|was|do|does|did|have|has)\b")
_TWO_CLAIMS = re.compile(
    rf"^(?:Is|Was)\s+(?P<a>{_NAME_WORDS})\s+(?P<ca>(?:a|an|the)\s[^?]*?)\s+and\s+"
    rf"(?P<b>{_NAME_WORDS})\s+(?P<cb>(?:a|an|the)\s[^?]*?)\s*\?$"
)
_SAME = re.compile(
    r"\bthe same\s+(?P<what>[a-z ]+?)(?:\s+as\b|\?|$)|\bshare the same (?P<what2>[a-z]+)"
)


def yes_no(q: str) -> YesNo | None:
    """ "Are A and B both Z?", "Are both A and B Z?", "Were A and B directed by the same
    person?", "Do A and B have the same nationality?"."""
    stated = re.match(r"^Both\s+(?P<names>.+?)\s+(?:are|were)\s+(?P<claim>[^?]+)\?$", q)
    if stated:  # "Both A and B are Z?" (not "... are what type of films?")
        found = two_names(stated.group("names"))
        if found is None or found[2].strip() or WH_WORD.search(stated.group("claim")):
            return None
        return YesNo(list(found[0]), False, "", stated.group("claim").strip())
    pair = _TWO_CLAIMS.match(q)
    if pair:  # "Is A a mountain and B a mountain peak?": a claim for each
        return YesNo([pair["a"], pair["b"]], False, "", pair["cb"], [], [pair["ca"], pair["cb"]])
    if not _YES_NO.match(q):
        return None
    body = re.sub(rf"{_YES_NO.pattern}\s+(both\s+)?", "", q).rstrip("?")
    sides = two_names(body)
    if sides is None:
        return None
    (a, b), before, after = sides
    same = _SAME.search(q)
    rest = before + (f" {after.split(' same ')[0]}" if same else "")
    relations = [r for r in _relations_in(rest) if r in PEOPLE]
    relations += [r for r in _relations_in(a_b_prefix(body, a)) if r in PEOPLE]
    if same:
        what = (same.group("what") or same.group("what2") or "").strip()
        if re.search(r"\b(direct|directed)\b", q) and what in {"person", "people", "man", "woman"}:
            relations, what = relations + ["director"], "identity"
        elif what in {"person", "people"}:
            what = "identity"
        elif what in {"country", "nation", "nationality", "citizenship"}:
            what = "country"
        return YesNo([a, b], True, what, "", relations)
    claim = re.sub(r"(?i)^\s*(both|all)\s+", "", after).strip()
    last = b.split()[-1] if b.split() else ""
    if not claim and last.lower() in COUNTRIES and len(b.split()) > 1:
        b, claim = b[: -len(last)].strip(), last  # "Are both A and B American?"
    if not claim:
        return None
    return YesNo([a, b], False, "", claim, relations)


_KIND_ASKED = re.compile(
    r"(?i)\b(?:what|which)\s+(?:shared\s+)?(?:professions?|occupations?|jobs?|careers?|pursuits?"
    r"|fields?|(?:kinds?|types?|sorts?|genres?)(?:\s+of\s+[a-z]+)?)\b"
)
_ASKS = re.compile(rf"{_KIND_ASKED.pattern}|\bboth\s+what\b|^\s*what\s+(?:are|were)\s+both\b")
_SHARED = re.compile(r"(?i)\b(?:both|in common|shared?)\b")


def common(q: str) -> Common | None:
    """The shape of a question that asks what two named things share, or None."""
    if _YES_NO.match(q):
        return None  # a yes/no question
    if not (_ASKS.search(q) and _SHARED.search(q)):
        return None
    body = re.sub(r"(?i)^\s*(?:what\s+(?:are|were)\s+)?both\s+", "", q.strip().rstrip("?"))
    body = re.sub(r"\band the\s+(?=[A-Z])", "and ", re.sub(r"^The\s+", "", body))
    found = two_names(body)
    if found is None:
        return None
    (a, b), _, _ = found
    joined = f"{a} and {b}"
    pairs = [(a, b)] + [
        (joined[: m.start()], joined[m.end() :])
        for m in re.finditer(r"\s+and\s+", joined)
        if joined[: m.start()] != a
    ]
    return Common(pairs, _KIND_ASKED.search(q) is not None)


def two_names(body: str) -> tuple[tuple[str, str], str, str] | None:
    """Two names joined by "and" in ``body``, with the text before and after them. A name is
    a run of capitalised words (small words, numbers and punctuation inside it allowed)."""
    word = r"(?:[A-Z0-9\"'(][^\s]*|of|the|de|da|del|la|le|von|van|in|on|and|for|a|an|to|\d+)"
    prefix = rf"(?:(?:{_RELATION})s?\s+of\s+)?(?:{_KIND})?"
    name = rf"{prefix}[A-Z0-9\"'(][^\s]*(?:\s+{word})*?"
    m = re.search(
        rf"(?P<before>^|.*?\s)(?P<a>{name}(?:,\s+{name})*)\s+and\s+(?P<b>{name}(?:,\s+{name})*)"
        rf"(?P<after>\s+(?!(?:of|the|de|and|for|in|on|a)\s+[A-Z])[a-z\-\"].*|$)",
        body,
    )
    if not m:
        return None
    a, b = _bare_name(m.group("a")), _bare_name(m.group("b"))
    if not a or not b:
        return None
    return (a, b), m.group("before") + " " + body[: m.start("b")], m.group("after")


def _bare_name(name: str) -> str:
    """A side's name without the relation and kind words before it ("director of film X")."""
    name = re.sub(rf"^(?:(?:{_RELATION})s?\s+of\s+)", "", _strip_kind(name), flags=re.IGNORECASE)
    return _strip_kind(name)


# nationality words ("American", "French"): one that goes on with a lowercase noun only
# describes the thing asked about
_NATIONALITIES = set(COUNTRIES) - set(COUNTRIES.values()) - {
    "usa", "u.s.", "us", "u.s.a.", "united states of america", "america", "uk", "england",
    "scotland", "wales", "great britain", "britain", "soviet union",
}  # fmt: skip
# articles that open titles in other languages, whose other words are in lower case
_ARTICLES = {"La", "Le", "Il", "Al", "El", "Lo", "Los", "Las", "Les", "Der", "Das", "Un", "Una",
             "Une", "Gli"}  # fmt: skip
# words after such a title that are the question's own
_NOT_TITLE = ["takes", "took", "take", "is", "was", "are", "were", "located", "born", "died",
              "premiered", "set", "based", "written", "composed", "released", "first"]  # fmt: skip


def chain(q: str) -> Chain | None:
    """ "Who is the mother of the director of film X?", "Where was the wife of X born?",
    "What is the place of birth of X's father?"."""
    text = q
    for _ in range(3):  # "X's father's mother"
        text = _POSSESSIVE.sub(lambda m: f"the {m.group(2)} of {m.group(1)}", text)
    text = _PRENOMINAL.sub(lambda m: f"the {m.group(2)} of {m.group(1)}", text)
    text = re.sub(r"\bthe (?:actor|actress|star) in (?=[A-Z\"])", "the cast member of ", text)
    # "the average income of the same nationality as the author of X": of the author's country
    text = re.sub(
        r"\bthe same nationality as (?:the )?", "the country of citizenship of the ", text
    )
    m = re.search(
        r"\b(?:[Tt]he\s+)?"  # "The author of X attended ...": the article goes with the hop
        rf"(?P<rels>(?:(?:paternal |maternal )?(?:{_RELATION})s?\s+of\s+(?:the\s+)?)+)"
        rf"(?:{_KIND})?(?=[A-Z0-9\"'(])",
        text,
    )
    if not m:
        return None
    words = re.findall(rf"\b((?:paternal |maternal )?(?:{_RELATION}))s?\b", m.group("rels"), re.I)
    relations = [r for w in reversed(words) for r in _relations_in(w)]
    end = name_end(text, m.end())
    if text[m.end() : end].strip() in _ARTICLES:  # "La fida ninfa": a title in lower case
        rest = re.match(rf"(?:\s+(?!(?:{'|'.join(_NOT_TITLE)})\b)[a-z][\w'\-]*)+", text[end:])
        end += rest.end() if rest else 0
    entity = text[m.end() : end].strip(" ,.?")
    if not relations or not entity:
        return None
    if entity.lower() in _NATIONALITIES and re.match(r"\s+[a-z]", text[end:]):
        return None  # "the headquarters of the American research company where ...": no name
    outer = text[: m.start()] + "{bridge}" + text[end:]
    if re.search(r"(?<!known )\bas\s+\{bridge\}", outer):
        return None  # "Who did Okafor succeed as director of X?": a post, not someone in it
    if not outer.rstrip().endswith("?"):
        outer = outer.rstrip() + "?"
    # a single hop whose outer question is plain ("Who is the director of X?") is one fact
    if re.fullmatch(  # "the federal leader of X", "the executive producer of X": one fact
        r"(?i)(who|what|which|where)\s+(is|was|are|were)\s+(?:the\s+)?(?:[a-z\-]+\s+)?"
        r"\{bridge\}\?*",
        outer.strip(),
    ):
        if len(relations) == 1:
            return None
        return Chain(entity, relations, None)
    return Chain(entity, relations, outer)


def relation_of(outer: str) -> str | None:
    """The one relation an outer question asks of its bridge ("Who is the child of
    {bridge}?", "Who is the federal leader of {bridge}?"), or None."""
    m = re.fullmatch(
        rf"(?i)(?:who|what|where|when)\s+(?:is|was|are|were)\s+(?:the\s+)?(?:[a-z\-]+\s+)?"
        rf"(?P<rel>{_RELATION})s?\s+of\s+\{{bridge\}}\?*",
        outer.strip(),
    )
    word = m.group("rel").lower() if m else None
    return word if word in HOPS else None


_OUTER = [
    (r"\b(?:when|what year|which year) (?:was|is) \{bridge\} born\b|\bbirthday\b", "date of birth"),
    (r"\b(?:when|what year|which year) did \{bridge\} (?:die|pass away)\b", "date of death"),
    (r"\bwhere (?:was|is) \{bridge\} born\b", "place of birth"),
    (r"\bwhere did \{bridge\} die\b", "place of death"),
    (r"\bnationality\b", "nationality"),
    (r"\b(?:which|what) country\b.*\bfrom\b", "country of citizenship"),  # a country's name
]


# an outer question whose answer is its bridge
NAME_OF = re.compile(
    r"(?i)^(?:(?:what|which)\s+(?:is|was|are|were)\s+(?:the\s+)?(?:full\s+)?"
    r"(?:name|title)s?\s+of\s+(?:the\s+(?:(?!(?:of|in|at|on|for|from|by|to|with)\s)[a-z]+\s+){1,3})?"
    r"\{bridge\}\??"  # "the detective novelist {bridge}" only describes the bridge
    # "Who was {bridge} and who died in 2007?": the rest only says more of the bridge
    r"|(?:who|what)\s+(?:is|was)\s+\{bridge\},?\s+(?:and\s+)?(?:who|which|that)\s.*)$"
)


def outer_relation(outer: str) -> str | None:
    """The relation an outer question asks of its bridge, when it is one read from text."""
    for pattern, relation in _OUTER:
        if re.search(pattern, outer, re.IGNORECASE):
            return relation
    return None
