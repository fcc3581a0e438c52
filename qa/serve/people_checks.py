"""Checks of whom an answer's sentence is about (setting ``graph_veto``, through
``read_checks.read_elsewhere``):

- **Another of the family.** "Who did Frank Hollis marry?" is not answered from a sentence
  about "Mr Walter Hollis, elder son of Mr and Mrs Arthur Hollis", which names others of the
  family name and never Frank.
- **The other side of a succession.** "Isla Mackay will become chief technology officer,
  succeeding Peter Lindqvist, who retires in March" answers who is retiring with Peter
  Lindqvist, not Isla Mackay; and who the new one is, not with Peter Lindqvist.
- **Another's "It".** "It employs 410 people" after "Halyard Robotics was founded in 2014"
  does not say how many people Pinfold employs.
- **The thing asked, for who.** "Who is rebuilding the Beacon Ridge path?" is not answered
  by "eroded path".
- **Another body's post.** "Who is the chair of governors?" is not answered by a passage that
  never names governors.
- **Another person's sentence.** "When did Alan Dunn die?" is not answered by "Margaret
  Ellery, who taught at Lydford Primary School, died at home on 26 November 2026".

The family, another person and "It" hold only in a document that names the one asked
elsewhere: a passage read for the bridge of two facts is about another thing, and its
document never names the question's.
"""

from __future__ import annotations

import re
from typing import Any

from kgqa.qa.serve.field_reads import field_keys, question_names
from kgqa.qa.serve.field_shapes import POST_WORDS
from kgqa.qa.serve.source_checks import doc_words

# a name of two or three capitalised words in a question, not its first word ("Frank Hollis",
# less a possessive's "'s")
_QUESTION_NAME = re.compile(
    r"(?<=\w )([A-Z][a-z'\u2019-]+) ([A-Z][a-z'\u2019-]+?)(?:['\u2019]s?)?\b"
)
# what stands before a given name and is no given name: a title
_TITLES = set(
    """mr mrs miss ms mx dr rev revd sir dame lady lord st the cllr councillor prof professor
    capt captain sgt sergeant col colonel lt lieutenant major judge justice mayor father""".split()
)
# a pronoun that may stand for the person asked ("She married Robert Ellery")
_PERSONAL = re.compile(r"\b(?:[Ss]he|[Hh]e|[Hh]er|[Hh]is|[Hh]im|[Hh]ers)\b")


# where a sentence ends: a full stop (or ! or ?) before a capital or a quote, or a blank line
_ENDS = re.compile(r"[.!?](?=\s+[A-Z\"'])|\n[ \t]*\n")


def _sentences(text: str) -> list[tuple[int, int]]:
    """Where the sentences of a passage's ``text`` lie, across the line breaks of a wrapped
    paragraph (each ends at a full stop before a capital, or at a blank line)."""
    cuts = [m.end() for m in _ENDS.finditer(text)]
    return [(a, b) for a, b in zip([0, *cuts], [*cuts, len(text)]) if text[a:b].strip()]


def _sentence(answer: Any, back: int = 0) -> tuple[str, int, int]:
    """The sentence of an answer's passage that holds it (or the one ``back`` sentences before
    it, "" where a blank line comes between), its line breaks as spaces, and where the answer
    lies in it."""
    text, at = answer.context, answer.start - answer.passage_start
    spans = _sentences(text)
    n = next((i for i, (a, b) in enumerate(spans) if a <= at < b), len(spans) - 1)
    if n - back < 0:
        return "", 0, 0
    a, b = spans[n - back]
    if back and re.search(r"\n[ \t]*\n\s*\Z", text[a : spans[n][0]]):
        return "", 0, 0  # a blank line between: another paragraph
    return text[a:b].replace("\n", " "), at - a, at - a + len(answer.text)


def _said_in_document(generation: Any, answer: Any, name: str) -> bool:
    """Whether the document ``answer`` was read from says a word of ``name`` anywhere (its
    text, title or id, in ``generation``; without one, True). A passage read for a bridge of
    two facts is about another thing than the question's, and its document never names the
    question's ("They play their home games at ..." of a club, for a player's question)."""
    if generation is None:
        return True
    return bool(field_keys(name) & doc_words(generation, answer.doc_id))


def other_kin(question: str, answers: list[Any], generation: Any = None) -> set[int]:
    """Which ``answers`` (ids) were read in a sentence that names someone else of the family
    name of a person the question names ("Walter Hollis" or "Mrs Arthur Hollis" for "Frank
    Hollis"), outside the answer, each time it says the family name (after a title, "Cllr
    Raza" may be the one asked), and never that person's given name nor a "she" or "he" that
    may stand for them ("She married Robert Ellery" answers when Margaret Ellery married), in
    a document that says the given name elsewhere (``_said_in_document``)."""
    names = [(g, f) for g, f in _QUESTION_NAME.findall(question) if g.lower() not in _TITLES]
    if not names:
        return set()
    out = set()
    for a in answers:
        sentence, at, end = _sentence(a)
        outside = sentence[:at] + " " * (end - at) + sentence[end:]
        for given, family in names:
            # the word before each time the family name is said: all of them another given
            # name ("Walter Hollis", "Mrs Arthur Hollis"), none alone ("Hollis was born ...",
            # "Mr Hollis": maybe the one asked)
            before = re.findall(rf"(\S*)\s+{re.escape(family)}\b|^{re.escape(family)}\b", outside)
            others = [
                w for w in before if w[:1].isupper() and w.lower() not in _TITLES and w != given
            ]
            if (
                others
                and len(others) == len(before)
                and not re.search(rf"\b{re.escape(given)}\b", sentence)
                and not _PERSONAL.search(outside)
                and _said_in_document(generation, a, given)
            ):
                out.add(id(a))
    return out


# a question about the one who leaves a post, and one about the one who takes it ("Who did
# Lorna Kerrigan succeed?" asks who left; "Who runs Kittiwake House?" who holds it now)
_ASKS_LEAVER = re.compile(
    r"\b(?:retir\w*|step(?:s|ped|ping)?\s+down|leav(?:es|ing)|outgoing|departing|predecessor|"
    r"before|previously|formerly|used\s+to|did\s+.+\s+(?:succeed|replace))\b",
    re.I,
)
_ASKS_NEWCOMER = re.compile(
    r"\b(?:new|incoming|successor|will\s+(?:become|succeed|replace|take\s+over|stand\s+for)|"
    r"(?:succeeded|replaced)\s+[A-Z])"
)
_ASKS_HOLDER = re.compile(
    r"^\s*who\s+(?:is|are|runs|run|leads|manages|owns|chairs|heads|edits|coaches|directs|"
    r"conducts|maintains)\b(?!.*\b(?:was|were|did|had|former|previous|first|in\s+\d{4})\b)",
    re.I,
)
# the words of a succession: the one who leaves comes after them, the one who comes before
_SUCCEEDING = (
    r"(?:succeed(?:ing|s|ed)?|replac(?:ing|es|ed)|"
    r"(?:takes?|taking|took|taken)\s+over(?:\s+[\w'\u2019]+){0,3}?\s+from|in\s+place\s+of)"
)
_LEAVER_BEFORE = re.compile(rf"\b{_SUCCEEDING}\s+(?:the\s+)?\Z", re.I)
# the newcomer, before the words and a name, or the writer's "me"
_NEWCOMER_AFTER = re.compile(
    rf"\A[^.;]{{0,80}}?\b{_SUCCEEDING}\s+(?:the\s+)?(?:[A-Z]|(?:me|him|her|us|them)\b)"
)
# the one who leaves, right after the name: "Our chair, Doreen Fisk, will stand down"
_LEAVES_AFTER = re.compile(
    r"\A[\s,]{0,3}(?:who\s+)?(?:will|is\s+to|is\s+going\s+to)\s+(?:stand\s+down|step\s+down|"
    r"retire|leave)\b",
    re.I,
)
# a succession still to come: the one who leaves holds the post until then
_TO_COME = re.compile(r"\b(?:will|shall|is\s+to|are\s+to|going\s+to)\b", re.I)
# "X was succeeded by Y": the roles the other way round
_BY = re.compile(r"\b(?:succeeded|replaced)\s+by\b", re.I)


def other_side(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) are the newcomer of a succession their sentence tells ("X will
    become ..., succeeding Y"; "Priya Nair takes over from me") where the question asks who
    leaves ("retiring", "stepping down", "before", "Who did X succeed?"), or the one who leaves
    where it asks the new one, or who holds the post now where the succession is not still to
    come ("Who runs Kittiwake House?" is not answered by "took over the house from Ruth
    Hendry") and the words after the one who left say no other post the question asks ("He
    succeeded Astrid Haugen, who now chairs the scientific advisory board"). The one who
    leaves is also the one the sentence says "will stand down" right after: "Who will stand
    for chair?" is not answered by "Our chair, Doreen Fisk, will stand down"."""
    leaver, newcomer = bool(_ASKS_LEAVER.search(question)), bool(_ASKS_NEWCOMER.search(question))
    asked = field_keys(question)
    holder = False
    if leaver == newcomer:  # neither, or both: the holder now ("Who is ...?"), or nothing
        holder = newcomer = not leaver and bool(_ASKS_HOLDER.search(question))
        if not newcomer:
            return set()
    out = set()
    for a in answers:
        sentence, at, end = _sentence(a)
        if _BY.search(sentence):
            continue  # "was succeeded by": left alone
        if holder and _TO_COME.search(sentence):
            continue  # "X will become ..., succeeding Y": Y holds the post until then
        if holder and len(field_keys(sentence[end:]) & asked) >= 2:
            continue  # "He succeeded Astrid Haugen, who now chairs the advisory board"
        leaves = bool(_LEAVER_BEFORE.search(sentence[:at]) or _LEAVES_AFTER.search(sentence[end:]))
        comes = not leaves and bool(_NEWCOMER_AFTER.search(sentence[end:]))
        if (leaver and comes) or (newcomer and leaves):
            out.add(id(a))
    return out


# a sentence that opens with a pronoun or "the company" for what the sentence before names
_IT_OPENS = re.compile(r"(?:It|They|The\s+(?:company|firm|group|charity|trust|club|society))\s")
# a sentence that opens with a name: its capitalised words
_NAME_OPENS = re.compile(r"(?:[A-Z][\w&'\u2019-]*\s+)*[A-Z][\w&'\u2019-]*")


def others_it(question: str, answers: list[Any], generation: Any = None) -> set[int]:
    """Which ``answers`` (ids) were read in a sentence that opens with "It" (or "They", "The
    company") after a sentence that opens with another name than the question's, in a
    passage that never says a word of a name of the question: "How many people does Pinfold
    employ?" is not answered by "Halyard Robotics was founded in 2014 ... It employs 410
    people", where the release names Pinfold in another passage (``_said_in_document``)."""
    # the words of the question's names ("Corvane" of "Corvane Therapeutics")
    names = {w for n in question_names(question) for w in re.findall(r"\w+", n.casefold())}
    if not names:
        return set()
    out = set()
    for a in answers:
        sentence = _sentence(a)[0].strip()
        before = _sentence(a, back=1)[0].strip()
        if (
            _IT_OPENS.match(sentence)
            and _NAME_OPENS.match(before)
            and not names & set(re.findall(r"\w+", a.context.casefold()))
            and _said_in_document(generation, a, " ".join(names))
        ):
            out.add(id(a))
    return out


# a "who" question
WHO = re.compile(r"^\s*who\b", re.I)


def asked_thing(question: str, answers: list[Any]) -> set[int]:
    """Which ``answers`` (ids) to a "who" question are a lowercase phrase whose last word is a
    word of the question, or that stands right before one: the thing asked about, not who did
    it ("eroded path" for "Who is rebuilding the Beacon Ridge path?", "lead" of "lead
    maintainer" for "Who is stepping down as Quire's maintainer?"); nor a name that ends in the
    word of an owner the question names with "the" ("Brackwater Sailing Club" for "Who is the
    club's bosun?")."""
    if not WHO.match(question):
        return set()
    asked = field_keys(question)
    # the owner a possessive names ("the club's" of "Who is the club's bosun?")
    owners = field_keys(" ".join(re.findall(r"\bthe\s+([a-z]+)['\u2019]s\b", question)))
    out = set()
    for a in answers:
        words = a.text.split()
        after = a.context[a.end - a.passage_start :].split(maxsplit=1)[:1]
        if words and (
            a.text == a.text.lower()
            and (field_keys(words[-1]) & asked or (after and field_keys(after[0]) & asked))
            or field_keys(words[-1]) & owners
        ):
            out.add(id(a))
    return out


# a question about a name, right after its asking words ("When did Alan Dunn die?", "Where
# was Margaret Ellery born?"), and a sentence that opens with a name of two or three words
_NAME = r"((?:[A-Z][a-z'\u2019-]+\s+){1,2}[A-Z][a-z'\u2019-]+)\b"
_ASKS_NAMED = re.compile(
    rf"^\s*(?:[Ww]hen|[Ww]here|[Hh]ow|[Ww]hy|[Ww]hat)\b[^A-Z]*?\b(?:did|was|is|were|does|has|had)\s+"
    rf"{_NAME}"
)
_OPENS_NAMED = re.compile(
    rf"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Rev|Sir|Dame|Prof)\.?\s+)?{_NAME}(?!\s+[A-Z])"
)


# words that open a sentence with a capital and name no one ("Before Meridian she ...")
_NO_NAME = set(
    """before after in on at since during when while for from with by as the this that these
    those then today yesterday last next every each both some many most our their his her its
    my until unlike like under over between among although though if""".split()
)


def other_person(question: str, answers: list[Any], generation: Any = None) -> set[int]:
    """Which ``answers`` (ids) to a question about a name ("When did Alan Dunn die?") were read
    in a sentence that opens with another name of two or three words and never says a word
    of the one asked, nor "she" or "he" ("Margaret Ellery, who taught ..., died at home on 26
    November 2026"), in a document that names the one asked elsewhere
    (``_said_in_document``)."""
    asked = _ASKS_NAMED.match(question)
    if asked is None:
        return set()
    names = set(asked.group(1).lower().split())
    out = set()
    for a in answers:
        sentence, at, _ = _sentence(a)
        lead = len(sentence) - len(sentence.lstrip())
        opener = _OPENS_NAMED.match(sentence.lstrip())
        if opener is None or at < lead + opener.end():
            continue  # no name opens it, or the answer is that name
        if opener.group(1).split()[0].lower() in _NO_NAME or _PERSONAL.search(sentence):
            continue  # "Before Meridian she spent ten years at Maersk"
        if not names & set(re.findall(r"\w+", sentence.lower())) and _said_in_document(
            generation, a, asked.group(1)
        ):
            out.add(id(a))
    return out


# "Who is the chair of governors?": a post, and the body of it in lower case
_POST_OF = re.compile(
    r"^\s*(?i:who\s+(?:is|was|are|were|will\s+be))\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+)?\s+of\s+"
    r"(?:the\s+)?([a-z]+(?:\s+[a-z]+)?)\s*\??\s*$"
)


def unsaid_body(question: str, answers: list[Any], generation: Any = None) -> set[int]:
    """Which ``answers`` (ids) to "Who is the <post> of <body>?", the body in lower case, come
    from a document (in ``generation``; without one, a passage) that never names the body:
    "Who is the chair of governors?" is not answered by an allotment society's "Our chair,
    Doreen Fisk"; "Who is the corresponding author of the paper?" is, by a paper's authors
    block that never says "paper" (its document's name does)."""
    asked = _POST_OF.match(question)
    body = field_keys(asked[1]) if asked else set()
    if not body:
        return set()
    return {id(a) for a in answers if not body & _document_words(a, generation)}


def _document_words(answer: Any, generation: Any) -> set[str]:
    """The stems of the document of ``answer`` (``doc_words``, with its title and name), or
    of its passage where there is no ``generation``."""
    if generation is None:
        return field_keys(answer.context)
    return doc_words(generation, answer.doc_id)


# "Who is the treasurer of Ashgrove Cycle Co-op?", "Who was the club's head coach?": the post
_ASKS_POST = re.compile(
    r"^\s*who\s+(?:is|was|are|were|will\s+be)\s+(?:the|its|their|our|your|[A-Z][\w&'-]*'s?)\s+"
    r"(?:[a-z]+\s+)?([a-z]+)\s*(?:\?|\s(?:of|at|for|in|on)\b)",
    re.I,
)
# posts asked by a short name or a word of many posts, which a document may not spell out
_LOOSE_POSTS = {"ceo", "cfo", "coo", "cto", "head", "lead", "partner", "executive", "officer"}


def unsaid_post(question: str, answers: list[Any], generation: Any = None) -> set[int]:
    """Which ``answers`` (ids) to "Who is the <post> ...?" come from a document (in
    ``generation``; without one, a passage) that never says the post, nor the verb of an agent
    noun ("founder": "founded"): "Who is the treasurer of Ashgrove Cycle Co-op?" is not
    answered by an email signed "Deepa, Volunteer coordinator". Only posts of
    ``field_shapes``' list, less short names and words of many posts ("CEO", "head")."""
    asked = _ASKS_POST.match(question)
    post = asked[1].lower() if asked else ""
    if post not in POST_WORDS or post in _LOOSE_POSTS:
        return set()
    stem = next(iter(field_keys(post)), post)
    verb = stem[:-2] if len(stem) > 4 and stem.endswith(("er", "or")) else None
    return {
        id(a)
        for a in answers
        if not any(
            w.startswith(stem) or (verb and w.startswith(verb))
            for w in _document_words(a, generation)
        )
    }
