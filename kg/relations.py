"""Labelled sentences for the joint entity and relation model (``kgqa.kg.joint``), its strict
evaluation, and the extractors built on it: ``kgqa extract`` and ingestion's ``joint``.

Training data layouts:
- CoNLL04 JSON (SpERT style): a list of ``{"tokens", "tags" (BILOU with types), "relations":
  [{"head", "tail", "type"}]}``, head and tail indexing the entities in order of appearance.
  Sentences are detokenised by joining tokens with single spaces.
- kgqa JSONL: one sentence per line, ``{"text", "entities": [{"start", "end", "label"}],
  "relations": [{"head", "tail", "label"}]}`` with character offsets, head and tail indexing
  ``entities``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgqa.kg.joint import (
    ONTONOTES_TO_SCHEMA,
    JointModel,
    Schema,
    Words,
    default_joint_model,
)
from kgqa.kg.types import KGError, Relation

CONLL04_LABELS = ("Work_For", "Kill", "OrgBased_In", "Live_In", "Located_In")


@dataclass
class Sentence:
    text: str
    entities: list[tuple[int, int, str]]  # char start, end, label
    relations: list[tuple[int, int, str]] = field(default_factory=list)  # head, tail, label
    words: list[tuple[int, int]] | None = None  # char spans of given tokens (CoNLL04)


def _bilou_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    start: int | None = None
    label = ""
    for i, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        if prefix == "U":
            spans.append((i, i + 1, kind))
        elif prefix == "B":
            start, label = i, kind
        elif prefix == "L" and start is not None:
            spans.append((start, i + 1, label))
            start = None
        elif prefix == "O":
            start = None
    return spans


def load_conll04(path: Path) -> list[Sentence]:
    try:
        items = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise KGError(f"{path}: cannot read CoNLL04 JSON: {err}") from None
    out = []
    for n, item in enumerate(items):
        try:
            tokens, tags = item["tokens"], item["tags"]
        except (KeyError, TypeError):
            raise KGError(f"{path}: item {n} needs 'tokens' and 'tags'") from None
        starts, pos = [], 0
        for tok in tokens:
            starts.append(pos)
            pos += len(tok) + 1
        text = " ".join(tokens)
        ents = [
            (starts[s], starts[e - 1] + len(tokens[e - 1]), label)
            for s, e, label in _bilou_spans(tags)
        ]
        rels = [
            (r["head"], r["tail"], r["type"])
            for r in item.get("relations", [])
            if r["head"] < len(ents) and r["tail"] < len(ents)
        ]
        out.append(
            Sentence(text, ents, rels, [(a, a + len(tok)) for a, tok in zip(starts, tokens)])
        )
    return out


def load_jsonl(path: Path) -> list[Sentence]:
    out = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            ents = [(int(e["start"]), int(e["end"]), str(e["label"])) for e in r["entities"]]
            rels = [
                (int(x["head"]), int(x["tail"]), str(x["label"])) for x in r.get("relations", [])
            ]
            text = r["text"]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise KGError(
                f'{path}:{number}: expected {{"text", "entities": [{{"start", '
                f'"end", "label"}}], "relations": [{{"head", "tail", '
                f'"label"}}]}}: {err}'
            ) from None
        for s, e, _ in ents:
            if not 0 <= s < e <= len(text):
                raise KGError(f"{path}:{number}: entity span {s}-{e} is outside the text")
        out.append(Sentence(text, ents, rels))
    return out


def load_sentences(path: Path) -> list[Sentence]:
    """Either layout, by file suffix (.jsonl: kgqa JSONL; otherwise CoNLL04 JSON)."""
    return load_jsonl(path) if str(path).endswith(".jsonl") else load_conll04(path)


def conll04_labels(model: JointModel, label: str) -> set[str]:
    """A predicted label in CoNLL04's terms: itself and what it implies, CoNLL04's five only."""
    return model.schema.with_implied({label}) & set(CONLL04_LABELS)


def evaluate_relations(
    model: JointModel, sentences: list[Sentence], conll04: bool = False
) -> dict[str, Any]:
    """Strict P/R/F1: relations need exact head span, tail span and type; entities span + type.
    ``conll04``: predicted relations are scored in CoNLL04's five labels (Born_In counts as the
    Live_In it implies)."""
    words = [Words(s.text, s.words) if s.words else model.words_of(s.text) for s in sentences]
    predictions = model.predict(words)
    tp = fp = fn = etp = efp = efn = 0
    for s, w, pred in zip(sentences, words, predictions):
        gold_e = set(s.entities)
        chars = [(w.spans[i][0], w.spans[j - 1][1], label) for i, j, label, _ in pred.entities]
        pred_e = set(chars)
        etp += len(gold_e & pred_e)
        efp += len(pred_e - gold_e)
        efn += len(gold_e - pred_e)
        gold_r = {(s.entities[h][:2], s.entities[t][:2], label) for h, t, label in s.relations}
        pred_r = {
            (chars[h][:2], chars[t][:2], name)
            for h, t, label, _ in pred.relations
            for name in (conll04_labels(model, label) if conll04 else {label})
        }
        tp += len(gold_r & pred_r)
        fp += len(pred_r - gold_r)
        fn += len(gold_r - pred_r)

    def prf(t: int, p: int, n: int) -> dict[str, float]:
        precision = t / (t + p) if t + p else 0.0
        recall = t / (t + n) if t + n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(100 * precision, 2),
            "recall": round(100 * recall, 2),
            "f1": round(100 * f1, 2),
        }

    return {
        "sentences": len(sentences),
        "relations": prf(tp, fp, fn),
        "entities": prf(etp, efp, efn),
        "counts": {
            "relations_gold": tp + fn,
            "relations_predicted": tp + fp,
            "entities_gold": etp + efn,
            "entities_predicted": etp + efp,
        },
    }


def load_joint_model(
    relation_model: str | None, device: str, precision: str, threshold: float | None
) -> JointModel:
    """The joint model at ``relation_model`` (None: the one shipped with kgqa), with the
    relation threshold ``threshold`` (None: the model's own)."""
    return JointModel(
        Path(relation_model or default_joint_model()),
        device,
        precision,
        relation_threshold=threshold,
    )


class SchemaExtractor:
    """Entities and typed relations of texts by the joint model, sentence by sentence: what
    ``kgqa extract`` returns."""

    def __init__(
        self,
        relation_model: str | None,
        device: str,
        precision: str,
        batch_size: int = 16,
        threshold: float | None = None,
    ) -> None:
        """``relation_model`` None: the model shipped with kgqa."""
        self.model = load_joint_model(relation_model, device, precision, threshold)
        self.batch_size = batch_size
        self._nlp: Any = None

    def __call__(self, texts: list[str]) -> list[dict[str, Any]]:
        if self._nlp is None:
            import spacy

            self._nlp = spacy.blank("en")
            self._nlp.add_pipe("sentencizer")
        sentences: list[tuple[int, Words]] = []
        for n, doc in enumerate(self._nlp.pipe(texts)):
            for sent in doc.sents:
                spans = [(t.idx, t.idx + len(t.text)) for t in sent if not t.is_space]
                if spans:
                    sentences.append((n, Words(texts[n], spans)))
        out: list[dict[str, Any]] = [{"entities": [], "relations": []} for _ in texts]
        found = self.model.predict([w for _, w in sentences], batch_size=self.batch_size)
        for (n, w), pred in zip(sentences, found):
            chars = [
                (w.spans[i][0], w.spans[j - 1][1], label, score)
                for i, j, label, score in pred.entities
            ]
            out[n]["entities"] += [
                {
                    "start": a,
                    "end": b,
                    "text": texts[n][a:b],
                    "label": label,
                    "score": round(score, 4),
                }
                for a, b, label, score in chars
            ]
            out[n]["relations"] += [
                {
                    "head": {
                        "start": chars[h][0],
                        "end": chars[h][1],
                        "text": texts[n][chars[h][0] : chars[h][1]],
                    },
                    "tail": {
                        "start": chars[t][0],
                        "end": chars[t][1],
                        "text": texts[n][chars[t][0] : chars[t][1]],
                    },
                    "label": label,
                    "score": round(score, 4),
                }
                for h, t, label, score in pred.relations
            ]
        return out


class JointRelationExtractor:
    """The joint model in ingestion: it reads each sentence once, finds its entities and the
    typed relations between them and the mentions it is handed (``read``); the entity
    extractor turns those into mentions and relations."""

    name = "joint"
    finds_entities = True

    def __init__(
        self,
        relation_model: str | None = None,
        *,
        device: str,
        precision: str,
        batch_size: int = 16,
        threshold: float | None = None,
        **_: Any,
    ) -> None:
        self.model = load_joint_model(relation_model, device, precision, threshold)
        self.batch_size = batch_size

    def warm_up(self) -> None:
        self.model.warm_up()

    @property
    def schema(self) -> Schema:
        """The model's own schema (read when it loads)."""
        self.model.warm_up()
        return self.model.schema

    def common(self, word: str) -> bool:
        """Whether ``word``, lowercased, is one piece of the model's vocabulary: a common word
        ("investors"), not a made-up name ("alpwerk" is several pieces)."""
        self.model.warm_up()
        return len(self.model.tokenizer.tokenize(word.lower())) == 1

    def read(self, sentences: list[tuple[Words, list[tuple[int, int, str]]]]) -> list[Any]:
        return self.model.predict(
            [w for w, _ in sentences], [g for _, g in sentences], self.batch_size
        )

    def __call__(self, sent: Any, mention_of: dict[int, Any], offset: int) -> list[Any]:
        raise KGError(
            "the joint extractor reads whole sentences through the entity extractor "
            "(kgqa.kg.extract.EntityRelationExtractor), not one parsed sentence"
        )


# open predicates of the parse that state a schema relation under another name: (the relation,
# whether the parse's subject is the relation's tail: "X acquired Y" is Owned_By(Y, X))
SCHEMA_PREDICATES: dict[str, tuple[str, bool]] = {
    "headquartered_in": ("OrgBased_In", False),
    "based_in": ("OrgBased_In", False),
    "die_in": ("Died_In", False),
    "marry": ("Spouse", False),
    "found": ("Founded_By", True),
    "co-found": ("Founded_By", True),
    "started_by": ("Founded_By", False),
    "own": ("Owned_By", True),
    "acquire": ("Owned_By", True),
    "buy": ("Owned_By", True),
    "acquired_by": ("Owned_By", False),
    "bought_by": ("Owned_By", False),
    "lead": ("Leader_Of", False),
    "led_by": ("Leader_Of", True),
    "headed_by": ("Leader_Of", True),
    "write": ("Creator_Of", False),
    "written_by": ("Creator_Of", True),
    "designed_by": ("Creator_Of", True),
    "directed_by": ("Creator_Of", True),
}


def in_schema_terms(relations: list[Relation], schema: Schema) -> list[Relation]:
    """Open relations whose predicate states a relation of the joint model's schema, by its
    name ("born_in", "founded_by") or another (``SCHEMA_PREDICATES``: "headquartered_in", "X
    acquired Y"), between mentions of the types it joins, under the schema's name and
    direction ("Born_In"; Owned_By(Y, X)), so a fact both extractors find in a sentence is one
    edge of the graph, not two that say the same."""
    names = {name.lower(): (name, False) for name in schema.relation_names}
    known = set(schema.relation_names)
    out = []
    for r in relations:
        found = names.get(r.label.lower()) or SCHEMA_PREDICATES.get(r.label.lower())
        if found is not None and found[0] in known:
            name, flip = found
            head, tail = (r.tail, r.head) if flip else (r.head, r.tail)
            head_type = ONTONOTES_TO_SCHEMA.get(head.label)
            tail_type = ONTONOTES_TO_SCHEMA.get(tail.label)
            if head_type and tail_type and schema.allows(name, head_type, tail_type):
                r = dataclasses.replace(r, head=head, tail=tail, label=name)
        out.append(r)
    return out
