"""Supervised relation extraction: a schema NER (spaCy) and a relation classifier (a
transformer over the sentence with typed entity markers), trained from labelled sentences.

Training data layouts:
- CoNLL04 JSON (SpERT style): a list of ``{"tokens", "tags" (BILOU with types), "relations":
  [{"head", "tail", "type"}]}``, head and tail indexing the entities in order of appearance.
  Sentences are detokenised by joining tokens with single spaces.
- kgqa JSONL: one sentence per line, ``{"text", "entities": [{"start", "end", "label"}],
  "relations": [{"head", "tail", "label"}]}`` with character offsets, head and tail indexing
  ``entities``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgqa.kg.models import shipped_model, with_precision
from kgqa.kg.types import KGError

NONE = "none"
# Which (head type, tail type) pairs each CoNLL04 relation takes; used to skip pairs no
# relation of the schema can join. A schema without constraints allows every pair.
CONLL04_SIGNATURES = {
    "Work_For": {("Peop", "Org")},
    "Kill": {("Peop", "Peop")},
    "OrgBased_In": {("Org", "Loc")},
    "Live_In": {("Peop", "Loc")},
    "Located_In": {("Loc", "Loc")},
}
TYPE_WORDS = {"Peop": "person", "Org": "organization", "Loc": "location", "Other": "other"}
# spaCy's OntoNotes labels seen as schema types, for running the classifier on general NER.
ONTONOTES_TO_SCHEMA = {"PERSON": "Peop", "ORG": "Org", "GPE": "Loc", "LOC": "Loc", "FAC": "Loc",
                       "NORP": "Other", "PRODUCT": "Other", "EVENT": "Other",
                       "WORK_OF_ART": "Other", "LAW": "Other"}


@dataclass
class Sentence:
    text: str
    entities: list[tuple[int, int, str]]  # char start, end, label
    relations: list[tuple[int, int, str]] = field(default_factory=list)  # head, tail, label


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
        ents = [(starts[s], starts[e - 1] + len(tokens[e - 1]), label)
                for s, e, label in _bilou_spans(tags)]
        rels = [(r["head"], r["tail"], r["type"]) for r in item.get("relations", [])
                if r["head"] < len(ents) and r["tail"] < len(ents)]
        out.append(Sentence(text, ents, rels))
    return out


def load_jsonl(path: Path) -> list[Sentence]:
    out = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            ents = [(int(e["start"]), int(e["end"]), str(e["label"])) for e in r["entities"]]
            rels = [(int(x["head"]), int(x["tail"]), str(x["label"])) for x in r.get("relations", [])]
            text = r["text"]
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise KGError(f"{path}:{number}: expected {{\"text\", \"entities\": [{{\"start\", "
                          f"\"end\", \"label\"}}], \"relations\": [{{\"head\", \"tail\", "
                          f"\"label\"}}]}}: {err}") from None
        for s, e, _ in ents:
            if not 0 <= s < e <= len(text):
                raise KGError(f"{path}:{number}: entity span {s}-{e} is outside the text")
        out.append(Sentence(text, ents, rels))
    return out


def load_sentences(path: Path) -> list[Sentence]:
    """Either layout, by file suffix (.jsonl: kgqa JSONL; otherwise CoNLL04 JSON)."""
    return load_jsonl(path) if str(path).endswith(".jsonl") else load_conll04(path)


def marked_text(text: str, head: tuple[int, int, str], tail: tuple[int, int, str],
                context_chars: int | None = None) -> str:
    """The sentence with typed markers around the pair: ``@ person : X @`` and ``# place : Y #``;
    with ``context_chars``, only the pair and about that many characters on either side (cut
    at whitespace, whole words kept)."""
    (hs, he, hl), (ts, te, tl) = head, tail
    if context_chars is not None:
        start, end = context_window(text, min(hs, ts), max(he, te), context_chars)
        text = text[start:end]
        hs, he, ts, te = hs - start, he - start, ts - start, te - start
    marks = sorted([(hs, f"@ {TYPE_WORDS.get(hl, hl.lower())} : "), (he, " @"),
                    (ts, f"# {TYPE_WORDS.get(tl, tl.lower())} : "), (te, " #")],
                   key=lambda m: m[0], reverse=True)
    for at, mark in marks:
        text = text[:at] + mark + text[at:]
    return text


def context_window(text: str, start: int, end: int, context_chars: int) -> tuple[int, int]:
    """``text[start:end]`` widened by ``context_chars`` on either side, then to whole words."""
    a, b = max(0, start - context_chars), min(len(text), end + context_chars)
    while 0 < a < start and not text[a - 1].isspace():
        a -= 1
    while start < b < len(text) and not text[b].isspace():
        b += 1
    return a, b


def candidate_pairs(entities: list[tuple[int, int, str]],
                    signatures: dict[str, set[tuple[str, str]]] | None) -> list[tuple[int, int]]:
    allowed = None if not signatures else {sig for sigs in signatures.values() for sig in sigs}
    return [(i, j) for i, a in enumerate(entities) for j, b in enumerate(entities)
            if i != j and (allowed is None or (a[2], b[2]) in allowed)]


def pair_examples(sentences: list[Sentence], signatures: dict[str, set[tuple[str, str]]] | None
                  ) -> list[tuple[str, str]]:
    """(marked text, label) for every candidate pair; pairs without a relation are 'none'."""
    out = []
    for s in sentences:
        gold = {(h, t): label for h, t, label in s.relations}
        for i, j in candidate_pairs(s.entities, signatures):
            out.append((marked_text(s.text, s.entities[i], s.entities[j]), gold.get((i, j), NONE)))
    return out


class RelationClassifier:
    """Labels (head, tail) entity pairs of a sentence with a relation type or nothing."""

    def __init__(self, folder: Path, device: str, precision: str, batch_size: int = 64,
                 context_chars: int = 0) -> None:
        """``context_chars``: read each pair with at most about this many characters of its
        sentence on either side (0: the whole sentence, as trained; the setting
        ``classifier_context_chars``)."""
        self.folder = Path(folder)
        self.device = device
        self.precision = precision
        self.batch_size = batch_size
        self.context_chars = context_chars or None
        self._model: Any = None
        self._tokenizer: Any = None
        self.schema: dict[str, Any] = {}

    def warm_up(self) -> None:
        if self._model is not None:
            return
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        target = self.folder / "classifier"
        if not (self.folder / "schema.json").is_file() or not target.is_dir():
            raise KGError(
                f"no relation model in {self.folder} (setting relation_model, env "
                "KGQA_RELATION_MODEL); train one with `kgqa train relations --data FILE`"
            )
        self.schema = json.loads((self.folder / "schema.json").read_text())
        self._tokenizer = AutoTokenizer.from_pretrained(target)
        model = AutoModelForSequenceClassification.from_pretrained(target, dtype=torch.float32)
        model.to(self.device).eval()
        # int8 is a CPU optimisation: on a GPU the classifier runs as trained
        precision = "fp32" if self.device != "cpu" and self.precision == "int8" else self.precision
        self._model = with_precision(model, precision, self.device, "classifier_precision")

    @property
    def labels(self) -> list[str]:
        self.warm_up()
        return list(self.schema["labels"])

    def signatures(self) -> dict[str, set[tuple[str, str]]]:
        self.warm_up()
        return {k: {tuple(p) for p in v} for k, v in self.schema.get("signatures", {}).items()}

    def predict(self, text: str, entities: list[tuple[int, int, str]]
                ) -> list[tuple[int, int, str, float]]:
        """(head index, tail index, label, probability) for pairs given a relation label."""
        return self.predict_many([(text, entities)])[0]

    def predict_many(self, items: list[tuple[str, list[tuple[int, int, str]]]],
                     pair_filter: Any = None) -> list[list[tuple[int, int, str, float]]]:
        """``predict`` for many sentences, all their candidate pairs batched together
        (shortest first, so padding stays small); ``pair_filter(entities, pairs)`` may narrow
        each sentence's candidate pairs."""
        import torch

        self.warm_up()
        signatures = self.signatures()
        labels = self.labels
        jobs = []
        for n, (text, ents) in enumerate(items):
            pairs = candidate_pairs(ents, signatures)
            if pair_filter is not None:
                pairs = pair_filter(ents, pairs)
            jobs += [(n, i, j, marked_text(text, ents[i], ents[j], self.context_chars))
                     for i, j in pairs]
        jobs.sort(key=lambda job: len(job[3]))
        out: list[list[tuple[int, int, str, float]]] = [[] for _ in items]
        for b in range(0, len(jobs), self.batch_size):
            chunk = jobs[b : b + self.batch_size]
            enc = self._tokenizer([job[3] for job in chunk], truncation=True, max_length=192,
                                  padding=True, return_tensors="pt")
            with torch.inference_mode():
                probs = self._model(**enc.to(self.device)).logits.float().softmax(-1).cpu().numpy()
            for (n, i, j, _), p in zip(chunk, probs):
                k = int(p.argmax())
                label = labels[k]
                ents = items[n][1]
                if label == NONE or (signatures and (ents[i][2], ents[j][2])
                                     not in signatures.get(label, set())):
                    continue
                out[n].append((i, j, label, float(p[k])))
        for found in out:
            found.sort()
        return out


def default_relation_model() -> str:
    """The relation model shipped with kgqa (package data ``kgqa.data/relations``)."""
    folder = shipped_model("relations")
    if folder is None:
        raise KGError("this kgqa install has no shipped relation model; set relation_model "
                      "(KGQA_RELATION_MODEL) to a folder made by kgqa train relations")
    return str(folder)


class ClassifierRelationExtractor:
    """The supervised classifier as a relation extractor over spaCy's mentions (their OntoNotes
    labels seen as schema types), so ingestion gets typed edges next to the open ones."""

    name = "classifier"

    def __init__(self, relation_model: str | None, *, device: str, precision: str,
                 max_gap_chars: int, max_pairs: int, batch_size: int = 64,
                 context_chars: int = 0, **_: Any) -> None:
        self.classifier = RelationClassifier(Path(relation_model or default_relation_model()),
                                             device, precision, batch_size, context_chars)
        self.max_gap_chars = max_gap_chars
        self.max_pairs = max_pairs

    def __call__(self, sent: Any, mention_of: dict[int, Any], offset: int) -> list[Any]:
        return self.batch([(sent, mention_of, offset)])[0]

    def batch(self, sentences: list[tuple[Any, dict[int, Any], int]]) -> list[list[Any]]:
        """Relations of many parsed sentences (one list per sentence), classified in shared
        batches."""
        from kgqa.kg.types import Relation
        from kgqa.kg.types import Sentence as Span

        items, keep = [], []
        out: list[list[Any]] = [[] for _ in sentences]
        for number, (sent, mention_of, offset) in enumerate(sentences):
            base, end = offset + sent.start_char, offset + sent.end_char
            mentions: list[Any] = []
            for tok in sent:
                m = mention_of.get(tok.i)
                # pronouns resolved to a mention lie outside its span: only real spans count
                if (m is not None and m not in mentions and m.label in ONTONOTES_TO_SCHEMA
                        and base <= m.start and m.end <= end):
                    mentions.append(m)
            if len(mentions) >= 2:
                items.append((sent.text, [(m.start - base, m.end - base,
                                           ONTONOTES_TO_SCHEMA[m.label]) for m in mentions]))
                keep.append((number, mentions, Span(base, end)))

        for (number, mentions, span), found in zip(
                keep, self.classifier.predict_many(items, self._near)):
            out[number] = [Relation(mentions[i], mentions[j], label, score, self.name, span)
                           for i, j, label, score in found]
        return out


    def _near(self, entities: list[tuple[int, int, str]], pairs: list[tuple[int, int]]
              ) -> list[tuple[int, int]]:
        """Long, entity-dense sentences make many pairs, each a transformer pass: keep pairs at
        most ``max_gap_chars`` apart (97% of CoNLL04's related pairs are), closest first, at
        most ``max_pairs`` per sentence."""
        def gap(p: tuple[int, int]) -> int:
            a, b = entities[p[0]], entities[p[1]]
            return max(a[0], b[0]) - min(a[1], b[1])

        near = sorted((p for p in pairs if gap(p) <= self.max_gap_chars), key=gap)
        return near[: self.max_pairs]


class SchemaExtractor:
    """Entities of the schema (the relation model's own NER) and typed relations between them:
    what ``kgqa extract`` returns and ``kgqa eval relations`` scores."""

    def __init__(self, relation_model: str | None, device: str, precision: str,
                 batch_size: int = 64, context_chars: int = 0) -> None:
        """``relation_model`` None: the model shipped with kgqa."""
        self.folder = Path(relation_model or default_relation_model())
        self.classifier = RelationClassifier(self.folder, device, precision, batch_size,
                                             context_chars)
        self._nlp: Any = None

    def warm_up(self) -> None:
        if self._nlp is None:
            import spacy

            self.classifier.warm_up()
            ner = self.folder / "ner"
            if not ner.is_dir():
                raise KGError(f"the relation model in {self.folder} has no NER (ner/); train it "
                              "with entity labels")
            self._nlp = spacy.load(ner)

    def __call__(self, texts: list[str]) -> list[dict[str, Any]]:
        self.warm_up()
        labels = set(self.classifier.schema.get("entity_labels", []))
        out: list[dict[str, Any]] = []
        parsed: list[tuple[str, list[tuple[int, int, str]]]] = []
        for text, doc in zip(texts, self._nlp.pipe(texts)):
            ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents
                    if not labels or e.label_ in labels]
            parsed.append((text, ents))
        for (text, ents), rels in zip(parsed, self.classifier.predict_many(parsed)):
            out.append({
                "entities": [{"start": s, "end": e, "text": text[s:e], "label": l} for s, e, l in ents],
                "relations": [{"head": {"start": ents[i][0], "end": ents[i][1]},
                               "tail": {"start": ents[j][0], "end": ents[j][1]},
                               "label": label, "score": round(score, 6)}
                              for i, j, label, score in rels],
            })
        return out


def evaluate_relations(extractor: SchemaExtractor, sentences: list[Sentence]) -> dict[str, Any]:
    """Strict P/R/F1: relations need exact head span, tail span and type; entities span + type."""
    predictions = extractor([s.text for s in sentences])
    tp = fp = fn = etp = efp = efn = 0
    for s, pred in zip(sentences, predictions):
        gold_e = set(s.entities)
        pred_e = {(e["start"], e["end"], e["label"]) for e in pred["entities"]}
        etp += len(gold_e & pred_e)
        efp += len(pred_e - gold_e)
        efn += len(gold_e - pred_e)
        gold_r = {(s.entities[h][:2], s.entities[t][:2], label) for h, t, label in s.relations}
        pred_r = {((r["head"]["start"], r["head"]["end"]), (r["tail"]["start"], r["tail"]["end"]),
                   r["label"]) for r in pred["relations"]}
        tp += len(gold_r & pred_r)
        fp += len(pred_r - gold_r)
        fn += len(gold_r - pred_r)

    def prf(t: int, p: int, n: int) -> dict[str, float]:
        precision = t / (t + p) if t + p else 0.0
        recall = t / (t + n) if t + n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": 100 * precision, "recall": 100 * recall, "f1": 100 * f1}

    return {"sentences": len(sentences), "relations": prf(tp, fp, fn),
            "entities": prf(etp, efp, efn),
            "counts": {"relations_gold": tp + fn, "relations_predicted": tp + fp,
                       "entities_gold": etp + efn, "entities_predicted": etp + efp}}
