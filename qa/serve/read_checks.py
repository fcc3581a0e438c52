"""Checks of a read answer against the words around it (setting ``graph_veto``): what the
reader proposes is hidden where its own sentence says it answers another question.

- **Another year.** "Who won the Sorrel Medal in 2023?" is not answered from a sentence about
  the 2026 medal, nor a table row of 2022 ("| 2022 | ... (coach: Hannah Dobson) |").
- **Another post.** "Who is Pellucid's chief financial officer?" is not answered by "Amara
  Nwosu, Chief Executive Officer".
- **No answer's shape.** An e-mail address or a web address answers only a question that asks
  for one, or where to send, find or get something ("Where do security reports go?"); a title
  alone ("Professor") names nobody; "every 30 minutes" says how often, and a year when, not how
  long; "2 hours" is no cost; "Ingrid Lundqvist, 1941–2026" gives her life, not her years as
  mayor; "how many" wants a number (not a clock's "11:40", nor "six summers" for "how many
  bees"), "where" no year, "when" and "who" no place ("born in Marseille"), and "who" not a
  kind ("a registered charity"). "Since 2009" is no other year than 2025.
- **Another name's.** "What was Meridian's revenue in 2024?" is not answered from "Kestrel
  Freight's revenue was £520 million in 2024".
- **Another deed's credit.** "Interview by Priya Sandhu" does not say who wrote the book, nor a
  report's byline ("By Sam Whitlock") who scored, nor "Recipe by ..." who founded the
  restaurant (unless the rest of its line says so: "..., head chef at The Copperleaf").
- **A page's dateline** (``source_checks``). "CAMBRIDGE, England, 18 November 2026" under a
  press release's headline says when it was published, not when the company was founded.
- **A part of the question's name.** "2" of "I bought a Breeze 2" does not say how many
  Breeze 2 fans were sold.
- **Another rank.** "Margaret Hale has chaired the hall committee" does not say who the
  vice-chair is, nor "she will join us as deputy headteacher" who the headteacher is.
- **An event's words** (``event_checks``): a date said of another event of a life, under a
  label of another event, or where only another sentence of its passage says the event
  asked; a step short of winning for who won.
- **Whom a sentence is about** (``people_checks``): another of the family, another person's
  sentence, the other side of a succession, another company's "It", the thing a "who"
  question asks about.
- **No word of the question.** A passage that shares no word or number with the question
  (but its asking words) answers none of it.
"""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.multihop.facts import MONTH
from kgqa.qa.serve.event_checks import YEAR as _YEAR
from kgqa.qa.serve.event_checks import line_sentence as _line_sentence
from kgqa.qa.serve.event_checks import (
    other_event,
    other_kind,
    other_label,
    other_number,
    other_qualifier,
    other_version,
    relative_date,
    short_of_winning,
    unsaid_event,
)
from kgqa.qa.serve.field_reads import field_keys, numbers
from kgqa.qa.serve.field_shapes import YEAR_DIGITS
from kgqa.qa.serve.people_checks import (
    WHO,
    asked_thing,
    other_kin,
    other_person,
    other_side,
    others_it,
    unsaid_body,
    unsaid_post,
)
from kgqa.qa.serve.source_checks import dateline, other_subject, reporter

# a year the question asks the fact of ("... in 2023?"), not one that names something in it
# ("the venue that held the 2004 Republican National Convention", a bridge of two facts)
_ASKED_YEAR = re.compile(rf"\b(?:in|during|for|since|until|by)\s+({YEAR_DIGITS})\b", re.I)


_SINCE_YEAR = re.compile(rf"\bsince\b[^.;\n]{{0,30}}?\b({YEAR_DIGITS})\b", re.I)


def other_year(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) were read in a sentence (or table row) that names years, none of
    them the one year the question asks the fact of ("in 2023") nor a span around it ("2019
    to 2024" holds 2023, and "since 2009" every year after it)."""
    asked = {int(y) for y in _ASKED_YEAR.findall(question)}
    if len(asked) != 1:
        return set()
    year = asked.pop()
    out = set()
    for a in answers:
        if _YEAR.fullmatch(a.text.strip()):
            continue  # the year is the answer: "Which year, 1998 or 2003, ...?"
        sentence = _line_sentence(a)
        years = [int(y) for y in _YEAR.findall(sentence)]
        # "since 2009" ("since counts began in 2009") holds of every year after it
        since = [int(y) for y in _SINCE_YEAR.findall(sentence)]
        if (
            years
            and year not in years
            and not min(years) < year < max(years)
            and not any(y < year for y in since)
        ):
            out.add(id(a))
    return out


# the posts a question may ask for, by the words that name them
_POSTS = {
    "chief executive officer": "ceo", "ceo": "ceo", "chief executive": "ceo",
    "chief financial officer": "cfo", "cfo": "cfo", "finance director": "cfo",
    "chief technology officer": "cto", "cto": "cto", "chief technical officer": "cto",
    "chief operating officer": "coo", "coo": "coo",
    "chief marketing officer": "cmo", "cmo": "cmo",
    "chief scientific officer": "cso", "chief science officer": "cso",
    "president": "president", "vice president": "vice president", "treasurer": "treasurer",
    "secretary": "secretary", "captain": "captain", "chair": "chair", "chairman": "chair",
    "chairwoman": "chair", "chairperson": "chair", "welfare officer": "welfare officer",
    "founder": "founder", "founded": "founder", "owner": "owner", "owns": "owner",
    "owned": "owner", "manager": "manager",
}  # fmt: skip
# the deed of a post, which a sentence may say beside another post of the same person ("X was
# founded by Y, its owner"): no other post then
_DEEDS = {
    "founder": re.compile(r"\bfound(?:ed|s|ing)\b", re.I),
    "owner": re.compile(r"\bown(?:s|ed)?\b", re.I),
}
_POST_WORDS = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _POSTS), key=len, reverse=True)) + r")\b", re.I
)


# the words beside a name that may give its post: after a comma, bracket, dash or line break
# ("Amara Nwosu, Chief Executive Officer", a letter's signature "Nia Rhys\nOrders Manager"),
# or just before it ("chief executive, Lorna Whitfield")
_WORDS_AFTER = re.compile(r"(?:\s*[,(–-]|[ \t]*\n)\s*(?:the\s+|its\s+|our\s+)?([^,.;\n()]{2,40})")
_WORDS_BEFORE = re.compile(r"([^,.;\n()]{2,40}?)\s*[,:]?\s*$")


# a post the answer's own clause gives it after a verb of being or becoming ("Isla Mackay will
# become Halyard's chief technology officer")
_BECOMES = re.compile(
    r"\s+(?:is|was|will\s+be|will\s+become|becomes|became|(?:has\s+been|was|is)\s+"
    r"(?:appointed|named|made)(?:\s+as)?|(?:joins|joined|serves|served)\s+as)\s+([^,.;\n()]{2,60})"
)


def _posts(text: str) -> set[str]:
    return {_POSTS[m.group(1).lower()] for m in _POST_WORDS.finditer(text)}


def other_post(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) the words right beside them give another post than the one the
    question asks for ("Amara Nwosu, Chief Executive Officer" for a chief financial officer;
    "Hannah Dobson, captain since 2023" for a president; "Owen Pryce, owner of Bramble Bakery"
    for who founded it, unless the sentence says the founding too; "Isla Mackay will become
    Halyard's chief technology officer" for its chief financial officer)."""
    asked = _posts(question)
    if len(asked) != 1:
        return set()
    out = set()
    for a in answers:
        at = a.start - a.passage_start
        end = at + len(a.text)
        after = _WORDS_AFTER.match(a.context, end)
        before = _WORDS_BEFORE.search(a.context[max(0, at - 40) : at])
        becomes = _BECOMES.match(a.context, end)
        beside = {
            *_posts(after.group(1) if after else ""),
            *_posts(before.group(1) if before else ""),
            *_posts(becomes.group(1) if becomes else ""),
        }
        deed = _DEEDS.get(next(iter(asked)))
        if beside and not beside & asked and not (deed and deed.search(_line_sentence(a))):
            out.add(id(a))
    return out


_ADDRESS = re.compile(r"\S+@\S+\.\w+|(?:https?://|www\.)\S+", re.I)
# a question an address answers: one that names it, or asks where to send, find or get something
_ASKS_ADDRESS = re.compile(
    r"\b(?:e-?mail|address|website|web site|url|link|contact|go|goes|send|sent|report|submit|"
    r"write|apply|reach|find|download|get|sign up|register)\b",
    re.I,
)
_TITLE_ALONE = re.compile(
    r"(?:the\s+)?(?:professor|prof\.?|dr\.?|doctor|mr\.?|mrs\.?|ms\.?|sir|dame|lord|lady)", re.I
)
# a company's legal suffix alone ("Ltd" of "Copperleaf Dining Ltd"): no name
_SUFFIX_ALONE = re.compile(r"(?:ltd|limited|plc|inc|llc|llp|gmbh|co)\.?", re.I)
_HOW_LONG = re.compile(r"\bhow\s+long\b", re.I)
# a question of a sum of money, and a time, which answers none ("How much did the outage cost?"
# is not "2 hours and 14 minutes")
_ASKS_MONEY = re.compile(
    r"\bhow\s+much\b.*\b(?:cost|costs|pay|paid|price|fee|fees|spend|spent|charge|earn|worth)\b",
    re.I,
)
# a question of what a sum buys, which a sum alone does not answer ("What will the grant pay
# for?" is not "£3,000")
_ASKS_PURPOSE = re.compile(
    r"^\s*what\b.*\b(?:pay|pays|paid|spend|spent|used|use)\s+(?:for|on)\b", re.I
)
# the words of a line that says a price ("| Price | £16.99 |"), stemmed
_PRICED = {
    "price", "cost", "fee", "charg", "pay", "rrp", "fare", "rate", "spend", "spent", "earn",
    "admiss", "entri", "ticket", "free",
}  # fmt: skip
_SUM_ALONE = re.compile(r"[$€£¥]\s?\d[\d,.]*(?:\s?(?:m|bn|k|million|billion|thousand))?", re.I)
# a question of where an event is held, and a name's bracket before an answer: where the one
# named comes from ("Dr Tomás Ruiz (Kilnworth)"), not where the event is
_ASKS_VENUE = re.compile(
    r"^\s*where\b.*\b(?:held|hosted|staged|take\s+place|taking\s+place|took\s+place)\b", re.I
)
_AFTER_NAME_BRACKET = re.compile(r"[A-Z][\w'\u2019-]+[ \t]*\([ \t]*\Z")
# a day's full date, which a span across lines answers no "who" with ("Kilnworth University
# News, 3 November 2026\nProfessor": a news item's dateline and the headline under it)
_FULL_DATE = re.compile(rf"\b\d{{1,2}}\s+(?:{MONTH})\.?,?\s+\d{{4}}\b", re.I)
_TIME_SPAN = re.compile(r"\b(?:hours?|minutes?|seconds?|days?|weeks?|months?|years?)\b", re.I)
_MONEY = re.compile(r"[$€£¥]|\b(?:euros?|dollars?|pounds?|kronor|krona|yen|francs?)\b", re.I)
# a life's span after a name ("Ingrid Lundqvist, 1941–2026", "Ada Lovelace (1815-1852)"), and
# the questions it answers
_LIFESPAN = re.compile(rf"\(?\s*{YEAR_DIGITS}\s*[-\u2013\u2014]\s*{YEAR_DIGITS}\s*\)?")
_AFTER_NAME = re.compile(r"[A-Z][\w'\u2019-]+[ \t]*[,(][ \t]*\Z")
_ASKS_LIFE = re.compile(r"\b(?:born|birth|die|died|death|live|lived|life|lifetime)\b", re.I)


_HOW_MANY = re.compile(r"\bhow\s+many\b", re.I)
_COUNT = re.compile(
    r"\d|\b(?:no|none|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"\w+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|"
    r"millions?|billions?|dozens?|several|few|many|both|all|single|once|twice|half|halves|"
    r"thirds?|quarters?|fifths?|tenths?|percent|majority|minority|most|some|handful|couple)\b",
    re.I,
)
# a count in words alone ("twenty" of "order twenty seeded rye loaves"): no sum of money
_COUNT_ALONE = re.compile(
    r"(?:(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen|few)[ -]?)+"
)
# a clock's time or a recording's mark ("11:40", "1:02:15"): no count
_CLOCK = re.compile(r"\d{1,2}:\d\d(?::\d\d)?")
# what "how many" counts, and a count of time ("six summers") that answers no count of things
_COUNTED = re.compile(r"\bhow\s+many\s+([a-z]+)", re.I)
_TIME_UNITS = (
    r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centuries|"
    r"century|summers?|winters?|seasons?|terms?|semesters?)"
)
_TIME_COUNT = re.compile(rf"\b({_TIME_UNITS})\Z", re.I)
_TIME_WORD = re.compile(rf"{_TIME_UNITS}\Z", re.I)


def _other_count(question: str, text: str) -> bool:
    """Whether ``text`` is a clock's time, or a count of time ("six summers") where the
    question counts something else ("How many bees ...?")."""
    if _CLOCK.fullmatch(text):
        return True
    counted, unit = _COUNTED.search(question), _TIME_COUNT.search(text)
    return bool(counted and unit and not _TIME_WORD.fullmatch(counted.group(1)))


_WHERE = re.compile(r"^\s*where\b", re.I)
_WHEN = re.compile(r"^\s*when\b", re.I)
# the words before a place: "born in Marseille" answers where, not when
_PLACE_BEFORE = re.compile(
    r"\b(?:born|died|lives|lived|based|located|raised|buried|settled|grew up)\s+(?:in|at|near)"
    r"\s+\Z",
    re.I,
)
# what is said of the question's subject ("X is a registered charity"): a kind, not a who
_PREDICATE = re.compile(r"\b(?:is|was|are|were)\s+(?:(?:a|an)\s+)?\Z", re.I)


def _words(text: str) -> set[str]:
    """The stems and numbers of ``text`` (a year is a word of a table's row)."""
    return field_keys(text) | numbers(text)


def no_answer_shape(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) are of no answer's shape for ``question``: an e-mail or web
    address where it asks for none, a title or a company's suffix ("Ltd") alone, how often
    ("every 30 minutes") or a year where it asks how long, a time or a count in words
    ("twenty") where it asks a sum of money (or a line that says no word of it, nor of a price),
    a sum alone where it asks what a sum pays for, a life's span after a name ("Ingrid
    Lundqvist, 1941–2026") where it asks no birth, death or life ("When was she mayor?"), no
    number (nor name) where it asks how many, nor a clock's time or a count of time ("six
    summers") where it counts something else, a year where it asks where (or a name's bracket,
    where it asks where an event is held), a place ("born in Marseille") where it asks when or
    who, and where it asks who, a span across lines with a day's full date or the kind a
    sentence says something is ("a registered charity" of "X is a registered charity")."""
    out = set()
    # the words a line of a sum asked may say
    priced = _words(question) - {"much"} | _PRICED if _ASKS_MONEY.search(question) else set()
    for a in answers:
        text = a.text.strip()
        at = a.start - a.passage_start
        if (
            (_ADDRESS.search(text) and not _ASKS_ADDRESS.search(question))
            or _TITLE_ALONE.fullmatch(text)
            or _SUFFIX_ALONE.fullmatch(text)
            or (
                _HOW_LONG.search(question)
                and (
                    a.context[max(0, at - 7) : at].lower().strip() == "every"
                    or _YEAR.fullmatch(text)
                )
            )
            or (
                _ASKS_MONEY.search(question)
                and (_TIME_SPAN.search(text) or _COUNT_ALONE.fullmatch(text))
                and not _MONEY.search(text)
            )
            or (_ASKS_PURPOSE.search(question) and _SUM_ALONE.fullmatch(text))
            or (_ASKS_MONEY.search(question) and not _words(_line_sentence(a)) & priced)
            or (WHO.search(question) and "\n" in text and _FULL_DATE.search(text))
            or (
                _ASKS_VENUE.search(question)
                and _AFTER_NAME_BRACKET.search(a.context[max(0, at - 40) : at])
                and a.context[a.end - a.passage_start :].startswith(")")
            )
            # (a name is left to the multi-hop search: the bridge to what has the number)
            or (_HOW_MANY.search(question) and not _COUNT.search(text) and text == text.lower())
            or (_HOW_MANY.search(question) and _other_count(question, text))
            or (_WHERE.search(question) and _YEAR.fullmatch(text))
            or (
                (WHO.search(question) or _WHEN.search(question) and not re.search(r"\d", text))
                and _PLACE_BEFORE.search(a.context[max(0, at - 20) : at])
            )
            or (
                WHO.search(question)
                and text == text.lower()
                and _PREDICATE.search(a.context[max(0, at - 12) : at])
            )
            or (
                _LIFESPAN.fullmatch(text)
                and _AFTER_NAME.search(a.context[max(0, at - 40) : at])
                and not _ASKS_LIFE.search(question)
            )
        ):
            out.add(id(a))
    return out


# a name's possession: "Kestrel Freight's revenue", "Meridian's chief financial officer"
_OWNED = re.compile(r"\b([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)['’]s\s+([a-z][\w-]*)")


def other_owner(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) were read in a sentence that gives what the question asks of
    one name as another's ("What was Meridian's revenue in 2024?" read from "Kestrel Freight's
    revenue was £520 million in 2024"), and never names the question's."""
    asked = _OWNED.search(question)
    if asked is None:
        return set()
    owner = set(asked.group(1).lower().split())
    out = set()
    for a in answers:
        at = a.start - a.passage_start
        start = max(a.context.rfind(". ", 0, at), a.context.rfind("\n", 0, at)) + 1
        ends = [e for e in (a.context.find(". ", at), a.context.find("\n", at)) if e >= 0]
        sentence = a.context[start : min(ends, default=len(a.context))]
        if owner & set(re.findall(r"[a-z]+", sentence.lower())):
            continue
        if any(
            m.group(2) == asked.group(2) and not owner & set(m.group(1).lower().split())
            for m in _OWNED.finditer(sentence)
        ):
            out.add(id(a))
    return out


# a credit: what the one named after it did ("Interview by Priya Sandhu", "Photo by ...",
# "paid for by ...")
_CREDIT = re.compile(
    r"\b(interview|interviewed|photos?|photographs?|photography|photographed|pictures?|"
    r"illustrations?|illustrated|translation|translated|reporting|images?|hosted|moderated|"
    r"chaired|recipes?|paid\s+for|funded|sponsored|financed)\s+by\s*\Z",
    re.I,
)


# a byline: "By" opening a line ("By Sam Whitlock" under a report's headline), and the words
# that ask who wrote
_BYLINE_OPENS = re.compile(r"(?:\A|\n)[ \t]*by[ \t]+\Z", re.I)
_WRITING = (
    "wrote written writes write writer author report reporter article story column piece review "
    "reviewed reviewer critic"
)


def other_credit(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) a credit just before them names for another deed than the
    question asks about: "Interview by Priya Sandhu" answers who interviewed the author, not
    who wrote the book; a byline's "By Sam Whitlock" who wrote the report, not who scored.
    Not when the rest of the answer's line says a word of the question ("Recipe by Jenna
    Trelawny, head chef at The Copperleaf" answers who the head chef is)."""
    asked = field_keys(question)
    asks_writing = bool(field_keys(_WRITING) & asked)
    # the question's own words, not its names
    words = field_keys(" ".join(re.findall(r"\b[a-z][\w-]*", question)))
    out = set()
    for a in answers:
        at = a.start - a.passage_start
        before = a.context[max(0, at - 30) : at]
        end = a.end - a.passage_start
        line_end = a.context.find("\n", end)
        if field_keys(a.context[end : len(a.context) if line_end < 0 else line_end]) & words:
            continue  # the line says what the question asks ("..., head chef at ...")
        credit = _CREDIT.search(before)
        if credit and not field_keys(credit.group(1)) & asked:
            out.add(id(a))
        elif _BYLINE_OPENS.search(before) and not asks_writing:
            out.add(id(a))
    return out


def shares_no_word(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) were read in a passage that shares no word (nor number: "When
    was 3.1.0 released?") with the question but its asking words and glue: "How much did the
    museum pay for the diary?" is not answered by a book's price."""
    asked = field_keys(question) | numbers(question)
    if not asked:
        return set()
    said: dict[str, set[str]] = {}  # a passage's words, stemmed once for all its answers
    for a in answers:
        if a.context not in said:
            said[a.context] = field_keys(a.context) | numbers(a.context)
    return {id(a) for a in answers if not asked & said[a.context]}


# a question that asks for someone or something beside what it names (not a choice, "A or B")
_ASKS_OTHER = re.compile(r"^\s*(?:who|whom|when|where|how\s+(?:many|much|long|old))\b", re.I)


def asked_itself(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) are nothing but what the question names, less a company's
    suffix or an article: "Who founded Rivet Cycles?" is not answered by "Rivet Cycles Ltd"."""
    if not _ASKS_OTHER.search(question) or re.search(r"\bor\b", question, re.I):
        return set()
    asked = set(re.findall(r"[\w&'-]+", question.casefold()))
    out = set()
    for a in answers:
        words = [w for w in re.findall(r"[\w&'-]+", a.text.casefold()) if w not in _ARTICLES]
        words = [w for w in words if not _SUFFIX_ALONE.fullmatch(w)]
        if any(w.isalpha() for w in words) and all(w in asked for w in words):
            out.add(id(a))
    return out


def part_of_asked(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) are a part of a name the question itself says, with the word of
    that name before or after them in their passage (a capitalised word or a number): "2" of "I
    bought a Breeze 2" for "How many Breeze 2 fans were sold?", "Hartley" of "Agnes Hartley"
    for a question about Agnes Hartley, "Albion" of "Jarrow Albion" for "Who scored Jarrow's
    goal?"; not "El Paso International Airport" of "El Paso
    International Airport is ..." for "Which airport, ... or El Paso International Airport, is
    closer ...?", where the word after is no name's."""
    asked = " ".join(question.split()).casefold()
    out = set()
    for a in answers:
        text, at, end = a.context, a.start - a.passage_start, a.end - a.passage_start
        left = text.rfind(" ", 0, max(0, at - 1)) + 1  # where the word before starts
        right = text.find(" ", min(len(text), end + 1))
        right = len(text) if right < 0 else right
        for lo, hi, word in ((left, end, text[left:at]), (at, right, text[end:right])):
            word = word.strip(" \t\n.,;:!?'\"()")
            if not word[:1].isupper() and not word[:1].isdigit() or word.lower() in _ARTICLES:
                continue
            phrase = " ".join(text[lo:hi].split()).casefold().strip(".,;:!?'\"()")
            if len(phrase.split()) >= 2 and re.search(
                rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", asked
            ):
                out.add(id(a))
            elif lo == left and _completes(question, text[left:at], a.text):
                out.add(id(a))
    return out


def _completes(question: str, before: str, answer: str) -> bool:
    """Whether ``answer`` ends a name that the word ``before`` it (with nothing but a space
    between) starts, where the question says that word alone as a name: "Albion" of "Jarrow
    Albion" for "Who scored Jarrow's goal?"; not "Scotland" of "Angus, Scotland", nor "Grover
    Cleveland" of "President Grover Cleveland" for "Which US President ...?"."""
    word = re.fullmatch(r"([A-Z][\w-]+)[ \t]+", before)
    if word is None or word.group(1).casefold() in _TITLES:
        return False
    tokens = re.findall(r"[\w'\u2019-]+|[^\w\s]", question)
    alone = any(
        t.removesuffix("'s").removesuffix("\u2019s") == word.group(1)
        and (i == 0 or not tokens[i - 1][:1].isupper())
        and (t != word.group(1) or (i + 1 < len(tokens) and tokens[i + 1][:1].islower()))
        for i, t in enumerate(tokens)
    )
    names = set(re.findall(r"\b[A-Z][\w-]+", question))
    return (
        alone
        and not any(w in names for w in answer.split())
        and re.fullmatch(r"[A-Z][\w-]+(?:[ \t]+[A-Z][\w-]+)?", answer.strip()) is not None
    )


# words before a name that are no part of it
_TITLES = {
    "president", "king", "queen", "prince", "princess", "pope", "saint", "st", "sir", "lord",
    "lady", "dr", "mr", "mrs", "ms", "general", "captain", "cllr", "professor", "bishop",
    "senator", "governor", "mayor", "judge", "emperor", "empress", "duke", "duchess",
}  # fmt: skip


_ARTICLES = {"the", "a", "an"}


# a post of a second rank: "vice-chair", "deputy head", "acting director"
_RANKED = (
    r"(chair|head|director|manager|captain|president|secretary|treasurer|editor|principal|coach|"
    r"governor|leader|lead|officer|minister|commissioner|superintendent|dean|registrar|curator|"
    r"keeper|mayor|chancellor)"
)
_SECOND_RANK = re.compile(rf"\b(deputy|vice|assistant|acting|interim)[ \t-]+{_RANKED}", re.I)
_FIRST_RANK = re.compile(rf"\b{_RANKED}", re.I)


def other_rank(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) their sentence gives the post the question asks a second rank
    of, without that rank: "Margaret Hale has chaired the hall committee" does not say who the
    vice-chair is, nor "Anita Desai has been headteacher since 2020" who the deputy head is;
    and the other way round (``_second_rank_only``)."""
    m = _SECOND_RANK.search(question)
    if m is None:
        return _second_rank_only(question, answers)
    rank = re.compile(rf"\b{m.group(1)}\b", re.I)
    post = re.compile(rf"\b{re.escape(m.group(2)[:5])}", re.I)  # "chair" of "chaired"
    return {
        id(a)
        for a in answers
        if post.search(sentence := _line_sentence(a)) and not rank.search(sentence)
    }


def _second_rank_only(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) their sentence gives a second rank of the post the question
    asks, each time it says the post: "Mrs Farida Begum will join us as deputy headteacher"
    does not say who the headteacher is."""
    m = _FIRST_RANK.search(question)
    if m is None:
        return set()
    post = re.compile(rf"\b{re.escape(m.group(1)[:5])}", re.I)
    out = set()
    for a in answers:
        sentence = _line_sentence(a)
        said = len(post.findall(sentence))
        ranked = sum(1 for r in _SECOND_RANK.finditer(sentence) if post.match(r.group(2)))
        if said and said == ranked:
            out.add(id(a))
    return out


# the checks that hide an answer for what its own words are, while its passage may still
# answer (``passage_may_answer``): run with the others by ``read_elsewhere``
_REREADABLE = (dateline, other_credit, reporter, other_kind, other_side, asked_thing)


def read_elsewhere(question: str, answers: list[Any], generation: Any = None) -> set[int]:
    """Which ``answers`` (ids) their own words (or their passage's, or the title of its
    document in ``generation``) say answer another question (the module's checks)."""
    return (
        passage_may_answer(question, answers)
        | other_event(question, answers)
        | other_owner(question, answers)
        | other_year(question, answers)
        | other_post(question, answers)
        | unsaid_body(question, answers, generation)
        | unsaid_post(question, answers, generation)
        | no_answer_shape(question, answers)
        | shares_no_word(question, answers)
        | other_label(question, answers)
        | other_qualifier(question, answers)
        | part_of_asked(question, answers)
        | asked_itself(question, answers)
        | other_rank(question, answers)
        | short_of_winning(question, answers)
        | unsaid_event(question, answers)
        | other_subject(question, answers, generation)
        | other_kin(question, answers, generation)
        | other_person(question, answers, generation)
        | others_it(question, answers, generation)
        | other_version(question, answers)
        | other_number(question, answers)
        | relative_date(question, answers)
    )


def passage_may_answer(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) are hidden for what their own words are, while their passage
    may still answer (``reread``): a page's dateline, a credit or byline, the source a
    sentence reports, another event of the kind the question asks ("our summer concert"), the
    other side of a succession ("succeeding Peter Lindqvist"), the thing a "who" question asks
    about ("eroded path")."""
    return set().union(*(check(question, answers) for check in _REREADABLE))
