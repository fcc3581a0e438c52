"""The joint entity and relation model: one encoder pass per sentence, in the manner of SpERT
(Eberts and Ulges 2020, "Span-based Joint Entity and Relation Extraction with Transformer
Pre-training").

A sentence is a list of words. The encoder (a BERT-like transformer, all-MiniLM-L6-v2 as
shipped) reads it once; a word is the max-pool of its word pieces. Every span of up to
``max_width`` words is a candidate entity: the max-pool of its words, a width embedding and the
sentence's [CLS] vector go to a linear layer over ``none`` and the entity types. Every ordered
pair of entities whose types a relation of the schema can join is a candidate relation: the two
spans (max-pool and width) and the max-pool of the words between them go to a linear layer with
one sigmoid per relation type, so a pair may hold several relations ("born in" is also "lives
in" in CoNLL04's terms) or none.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgqa.kg.types import KGError

NONE = "none"


@dataclass(frozen=True)
class RelationType:
    """A typed relation of the schema: which entity types its head and tail may have, which
    relation it implies (``Born_In`` implies ``Live_In``: CoNLL04 labels a birthplace
    ``Live_In``), whether it is symmetric, and a phrase for people."""

    name: str
    head: tuple[str, ...]
    tail: tuple[str, ...]
    implies: str | None = None
    symmetric: bool = False
    phrase: str = ""


@dataclass
class Schema:
    """Entity types and typed relations of a joint model (its ``schema.json``)."""

    entity_types: list[str]
    relations: list[RelationType]
    max_width: int = 10

    @property
    def relation_names(self) -> list[str]:
        return [r.name for r in self.relations]

    def relation(self, name: str) -> RelationType:
        for r in self.relations:
            if r.name == name:
                return r
        raise KGError(f"relation {name!r} is not in the schema ({', '.join(self.relation_names)})")

    def allows(self, name: str, head_type: str, tail_type: str) -> bool:
        r = self.relation(name)
        return head_type in r.head and tail_type in r.tail

    def joinable(self, head_type: str, tail_type: str) -> bool:
        return any(head_type in r.head and tail_type in r.tail for r in self.relations)

    def with_implied(self, labels: set[str]) -> set[str]:
        out = set(labels)
        for label in labels:
            implied = self.relation(label).implies
            while implied is not None:
                out.add(implied)
                implied = self.relation(implied).implies
        return out

    def most_specific(self, labels: set[str]) -> set[str]:
        """``labels`` less those another of them implies (Leader_Of and Work_For: Leader_Of)."""
        implied = self.with_implied(labels) - labels
        for label in labels:
            implied |= self.with_implied({label}) - {label}
        return {label for label in labels if label not in implied}

    def to_json(self) -> dict[str, Any]:
        return {
            "entity_types": self.entity_types,
            "max_width": self.max_width,
            "relations": [
                {
                    "name": r.name,
                    "head": list(r.head),
                    "tail": list(r.tail),
                    "implies": r.implies,
                    "symmetric": r.symmetric,
                    "phrase": r.phrase,
                }
                for r in self.relations
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Schema:
        return cls(
            list(data["entity_types"]),
            [
                RelationType(
                    r["name"],
                    tuple(r["head"]),
                    tuple(r["tail"]),
                    r.get("implies"),
                    bool(r.get("symmetric")),
                    r.get("phrase", ""),
                )
                for r in data["relations"]
            ],
            int(data.get("max_width", 10)),
        )


PERSON, ORG, LOC, WORK, OTHER = "Peop", "Org", "Loc", "Work", "Other"

# The schema kgqa trains: CoNLL04's five relations plus the relations business, biography and
# encyclopedic text states. Other: CoNLL04's dates, numbers and the like; Work: works and products.
DEFAULT_SCHEMA = Schema(
    entity_types=[PERSON, ORG, LOC, WORK, OTHER],
    relations=[
        RelationType("Work_For", (PERSON,), (ORG,), phrase="works for"),
        RelationType("Kill", (PERSON,), (PERSON,), phrase="killed"),
        RelationType("OrgBased_In", (ORG,), (LOC,), phrase="is based in"),
        RelationType("Live_In", (PERSON,), (LOC,), phrase="lives or lived in"),
        RelationType("Located_In", (LOC,), (LOC,), phrase="is located in"),
        RelationType("Founded_By", (ORG, WORK), (PERSON, ORG), phrase="was founded by"),
        RelationType(
            "Leader_Of",
            (PERSON,),
            (ORG,),
            implies="Work_For",
            phrase="leads (CEO, president, chair, head of)",
        ),
        RelationType(
            "Owned_By",
            (ORG, WORK),
            (ORG, PERSON),
            phrase="is owned by (acquired by, subsidiary of)",
        ),
        RelationType("Born_In", (PERSON,), (LOC,), implies="Live_In", phrase="was born in"),
        RelationType("Died_In", (PERSON,), (LOC,), phrase="died in"),
        RelationType("Spouse", (PERSON,), (PERSON,), symmetric=True, phrase="is married to"),
        RelationType("Parent_Of", (PERSON,), (PERSON,), phrase="is a parent of"),
        RelationType("Member_Of", (PERSON, ORG, LOC), (ORG,), phrase="is a member of"),
        RelationType("Part_Of", (ORG, LOC, WORK), (ORG, LOC, WORK), phrase="is part of"),
        RelationType(
            "Creator_Of",
            (PERSON, ORG),
            (WORK,),
            phrase="created (author, director, composer, maker of)",
        ),
    ],
)

# spaCy's OntoNotes labels as schema types (for mentions the joint model does not type itself)
# and the OntoNotes label a schema type gets in the graph.
ONTONOTES_TO_SCHEMA = {
    "PERSON": PERSON,
    "ORG": ORG,
    "GPE": LOC,
    "LOC": LOC,
    "FAC": LOC,
    "PRODUCT": WORK,
    "WORK_OF_ART": WORK,
}
SCHEMA_TO_ONTONOTES = {PERSON: "PERSON", ORG: "ORG", LOC: "GPE", WORK: "WORK_OF_ART"}


@dataclass
class Words:
    """A sentence as words: their character spans in ``text``."""

    text: str
    spans: list[tuple[int, int]]

    def words(self) -> list[str]:
        return [self.text[a:b] for a, b in self.spans]

    def word_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The words [i, j) exactly covering characters [start, end), or None."""
        i = next((k for k, (a, _) in enumerate(self.spans) if a == start), None)
        j = next((k for k, (_, b) in enumerate(self.spans) if b == end), None)
        return (i, j + 1) if i is not None and j is not None and j >= i else None


@dataclass
class Prediction:
    """What the model found in one sentence: entities as (first word, end word, type, score)
    and relations as (head entity, tail entity, label, score), indexes into ``entities``."""

    entities: list[tuple[int, int, str, float]] = field(default_factory=list)
    relations: list[tuple[int, int, str, float]] = field(default_factory=list)
    given: set[int] = field(default_factory=set)  # entities that were handed in, not found


@functools.lru_cache(maxsize=1)
def blank_tokenizer() -> Any:
    """spaCy's English tokenizer alone (no pipeline): how text becomes words outside ingestion."""
    import spacy

    return spacy.blank("en").tokenizer


def tokenizer_words(text: str, tokenizer: Any) -> Words:
    """``text`` as words by a spaCy tokenizer (whitespace dropped)."""
    doc = tokenizer(text)
    return Words(text, [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space])


def build_net(
    encoder: Any,
    n_types: int,
    n_relations: int,
    max_width: int,
    width_dim: int = 25,
    dropout: float = 0.1,
) -> Any:
    """The torch module: encoder, width embedding, entity and relation heads."""
    import torch
    from torch import nn

    class JointNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            hidden = encoder.config.hidden_size
            self.encoder = encoder
            self.width = nn.Embedding(max_width + 1, width_dim)
            self.dropout = nn.Dropout(dropout)
            self.entity_head = nn.Linear(2 * hidden + width_dim, n_types + 1)
            self.relation_head = nn.Linear(3 * hidden + 2 * width_dim, n_relations)

        def words(self, enc: dict[str, Any], word_index: Any, n_words: int) -> tuple[Any, Any]:
            """Word vectors [batch, words, hidden] (max over each word's pieces) and [CLS]."""
            out = self.encoder(**enc).last_hidden_state
            batch, _, hidden = out.shape
            words = out.new_full((batch, n_words + 1, hidden), -1e4)
            index = word_index.clamp(min=0)
            index = torch.where(word_index >= 0, index, n_words)  # pieces of no word: a bin
            words = words.scatter_reduce(
                1, index.unsqueeze(-1).expand(-1, -1, hidden), out, reduce="amax", include_self=True
            )
            return words[:, :n_words], out[:, 0]

        def span_table(self, words: Any) -> Any:
            """[batch, words, max_width, hidden]: at (b, i, w - 1) the max-pool of words
            i .. i + w - 1 (padding where the span runs past the sentence)."""
            table = [words]
            for _ in range(1, max_width):
                last = table[-1]
                k = min(len(table), words.shape[1])
                shifted = torch.cat(
                    [words[:, k:], words.new_full((words.shape[0], k, words.shape[2]), -1e4)], 1
                )
                table.append(torch.maximum(last, shifted))
            return torch.stack(table, 2)

        def spans(self, table: Any, batch_index: Any, starts: Any, ends: Any) -> Any:
            """Each span's max-pool (from ``span_table``) and width embedding."""
            width = (ends - starts).clamp(1, max_width)
            pooled = table[batch_index, starts, width - 1]
            return torch.cat([pooled, self.width(width)], -1)

        def context(self, words: Any, batch_index: Any, a: Any, b: Any) -> Any:
            """Max-pool of the words a .. b - 1 between two spans (zeros when they touch).
            From a table of maxima over runs of 1, 2, 4, ... words: the run from a and the run
            ending at b of the largest such length that fits cover a .. b - 1 exactly."""
            n_words = words.shape[1]
            levels = [words]
            while 2 ** len(levels) <= n_words:
                last, step = levels[-1], 2 ** (len(levels) - 1)
                pad = last.new_full((last.shape[0], step, last.shape[2]), -1e4)
                levels.append(torch.maximum(last, torch.cat([last[:, step:], pad], 1)))
            table = torch.stack(levels)
            length = (b - a).clamp(min=1)
            k = length.float().log2().floor().long()
            left = table[k, batch_index, a.clamp(0, n_words - 1)]
            right = table[k, batch_index, (b - 2**k).clamp(0, n_words - 1)]
            return torch.where((b > a)[:, None], torch.maximum(left, right), 0.0)

        def entity_logits(self, span_vectors: Any, cls: Any) -> Any:
            return self.entity_head(self.dropout(torch.cat([span_vectors, cls], -1)))

        def relation_logits(self, head: Any, tail: Any, context: Any) -> Any:
            return self.relation_head(self.dropout(torch.cat([head, tail, context], -1)))

    return JointNet()


# lowercase words that belong to the name they open ("de Klerk", "van Gogh", "bin Laden")
_NAME_PARTICLES = {
    "de",
    "van",
    "von",
    "der",
    "den",
    "da",
    "di",
    "du",
    "del",
    "la",
    "le",
    "al",
    "bin",
    "ibn",
}


def _lowercase_word(word: str) -> bool:
    """A word that opens no name: a lowercase letter first, no capital ("6th" and "de" do)."""
    return word[:1].isalpha() and word.islower() and word not in _NAME_PARTICLES


def _name_bounds(words: list[str], label: str) -> tuple[int, int] | None:
    """Where a name of type ``label`` lies in ``words``: past the lowercase words that open it
    ("lady Imelda Marcos", "the Indian Ocean"; "de Klerk" keeps its particle) and, for a person
    or place, before those that close it ("Anzio beachhead", "Bosnia 's capital"); None when
    it has no capital letter or digit ("winches", "the international press"). Of CoNLL04's
    2,922 training people, organisations and places, 5 open with a lowercase word and 2 have
    no capital or digit; no person and 9 of 1,219 places close with a lowercase word, but 21
    of 616 organisations do ("Minox company"), so theirs stay."""
    start, end = 0, len(words)
    while start < end and _lowercase_word(words[start]):
        start += 1
    if not any(c.isupper() or c.isdigit() for w in words[start:end] for c in w):
        return None
    if label in (PERSON, LOC):
        while _lowercase_word(words[end - 1]):
            end -= 1
        if end < len(words) and words[end - 1] == "'s" and end - 1 > start:
            end -= 1
    return start, end


def _stop_apart(words: list[str]) -> list[str]:
    """``words`` with a full stop glued to the last word as a word of its own ("Boise." ->
    "Boise", "."), unless the word has a stop inside ("N.M.")."""
    last = words[-1] if words else ""
    stem = last[:-1]
    if not last.endswith(".") or len(stem) < 2 or "." in stem or not stem[-1].isalnum():
        return words
    return [*words[:-1], stem, "."]


def encode_words(
    tokenizer: Any, sentences: list[list[str]], max_length: int = 256
) -> tuple[dict[str, Any], Any, int]:
    """Word pieces of word lists: the encoding, each piece's word (-1: none) and the most
    words a sentence keeps (words past ``max_length`` pieces are cut)."""
    import torch

    # A sentence's full stop glued to its last word ("... in Ethiopia." as one word, as CoNLL04
    # writes it) is read as a word of its own that belongs to no span, so "Ethiopia." is pooled
    # from the same pieces as "Ethiopia" (spaCy's words keep the stop apart).
    counts = [len(words) for words in sentences]
    sentences = [_stop_apart(words) for words in sentences]
    enc = tokenizer(
        sentences,
        is_split_into_words=True,
        truncation=True,
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )
    index = torch.tensor(
        [
            [-1 if w is None or w >= counts[b] else w for w in enc.word_ids(b)]
            for b in range(len(sentences))
        ],
        dtype=torch.long,
    ).reshape(enc["input_ids"].shape)
    kept = int(index.max()) + 1 if index.numel() else 0
    return dict(enc), index, kept


class JointModel:
    """A trained joint model folder: ``schema.json``, the encoder with its heads
    (``model.safetensors``, ``config.json``, tokenizer files) and ``heads.json``."""

    def __init__(
        self,
        folder: Path,
        device: str = "cpu",
        precision: str = "fp32",
        entity_threshold: float = 0.5,
        relation_threshold: float | None = None,
    ) -> None:
        """``relation_threshold`` None: the one chosen on dev when the model was trained
        (``schema.json``), else 0.5."""
        self.folder = Path(folder)
        self.device = device
        self.precision = precision
        self.entity_threshold = entity_threshold
        self.relation_threshold = relation_threshold
        self.net: Any = None
        self.tokenizer: Any = None
        self.schema = DEFAULT_SCHEMA

    @classmethod
    def of_net(cls, net: Any, tokenizer: Any, schema: Schema, device: str) -> JointModel:
        """A model around a network in memory (training evaluates with it)."""
        model = cls(Path("."), device)
        model.net, model.tokenizer, model.schema = net, tokenizer, schema
        return model

    def warm_up(self) -> None:
        if self.net is not None:
            return
        if not (self.folder / "schema.json").is_file():
            raise KGError(
                f"no joint relation model in {self.folder} (setting relation_model, env "
                "KGQA_RELATION_MODEL); train one with `kgqa train relations`"
            )
        from safetensors.torch import load_file
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        from kgqa.kg.models import with_precision

        data = json.loads((self.folder / "schema.json").read_text())
        self.schema = Schema.from_json(data)
        if self.relation_threshold is None:
            self.relation_threshold = float(data.get("relation_threshold", 0.5))
        self.tokenizer = AutoTokenizer.from_pretrained(self.folder)
        encoder = AutoModel.from_config(AutoConfig.from_pretrained(self.folder))
        net = build_net(
            encoder,
            len(self.schema.entity_types),
            len(self.schema.relations),
            self.schema.max_width,
        )
        state = load_file(str(self.folder / "model.safetensors"))
        net.load_state_dict({k: v.float() for k, v in state.items()})
        net.to(self.device).eval()
        precision = "fp32" if self.device != "cpu" and self.precision == "int8" else self.precision
        self.net = with_precision(net, precision, self.device, "relation_precision")

    def words_of(self, text: str) -> Words:
        return tokenizer_words(text, blank_tokenizer())

    def predict(
        self,
        sentences: list[Words],
        given: list[list[tuple[int, int, str]]] | None = None,
        batch_size: int = 16,
    ) -> list[Prediction]:
        """Entities and relations of each sentence. ``given``: per sentence, mentions found
        elsewhere (first word, end word, schema type) that may join relations as they are,
        where no predicted entity overlaps them."""
        self.warm_up()
        out: list[Prediction] = [Prediction() for _ in sentences]
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i].spans))
        for b in range(0, len(order), batch_size):
            chunk = [i for i in order[b : b + batch_size] if sentences[i].spans]
            if chunk:
                found = self._predict_batch(
                    [sentences[i] for i in chunk], [given[i] if given else [] for i in chunk]
                )
                for i, p in zip(chunk, found):
                    out[i] = p
        return out

    def _predict_batch(
        self, sentences: list[Words], given: list[list[tuple[int, int, str]]]
    ) -> list[Prediction]:
        import torch

        schema = self.schema
        types = schema.entity_types
        texts = [s.words() for s in sentences]
        enc, index, n_words = encode_words(self.tokenizer, texts)
        with torch.inference_mode():
            enc = {k: v.to(self.device) for k, v in enc.items()}
            words, cls = self.net.words(enc, index.to(self.device), n_words)
            table = self.net.span_table(words)
            spans: list[tuple[int, int, int]] = []
            for b, s in enumerate(sentences):
                length = min(len(s.spans), n_words)
                spans += [
                    (b, i, i + w)
                    for i in range(length)
                    for w in range(1, schema.max_width + 1)
                    if i + w <= length
                ]
            t = torch.tensor(spans, dtype=torch.long, device=self.device)
            vectors = self.net.spans(table, t[:, 0], t[:, 1], t[:, 2])
            logits = self.net.entity_logits(vectors, cls[t[:, 0]]).float()
            probs = logits.softmax(-1).cpu()
        results = [Prediction() for _ in sentences]
        chosen: list[list[tuple[int, int, int, str, float]]] = [[] for _ in sentences]
        best = probs[:, 1:].max(-1)
        # most spans are no entity: filter in torch, then visit the few that are
        keep = ((best.values > probs[:, 0]) & (best.values >= self.entity_threshold)).nonzero()
        kept = keep.flatten().tolist()
        candidates = list(zip(best.values[kept].tolist(), kept))
        taken: list[set[int]] = [set() for _ in sentences]
        for score, k in sorted(candidates, reverse=True):
            b, i, j = spans[k]
            label = types[int(best.indices[k])]
            if label != OTHER:
                bounds = _name_bounds(texts[b][i:j], label)
                if bounds is None:
                    continue
                i, j = i + bounds[0], i + bounds[1]
            if any(w in taken[b] for w in range(i, j)):
                continue
            taken[b].update(range(i, j))
            chosen[b].append((k, i, j, label, score))
        for b, extra in enumerate(given):
            for i, j, label in extra:
                if (
                    j - i <= self.schema.max_width
                    and j <= min(len(sentences[b].spans), n_words)
                    and not any(w in taken[b] for w in range(i, j))
                ):
                    taken[b].update(range(i, j))
                    chosen[b].append((-1, i, j, label, 1.0))
        for b in range(len(sentences)):
            chosen[b].sort(key=lambda c: c[1])
            results[b].entities = [(i, j, label, score) for _, i, j, label, score in chosen[b]]
            results[b].given = {n for n, c in enumerate(chosen[b]) if c[0] < 0}
        pairs: list[tuple[int, int, int]] = []
        for b, ents in enumerate(results):
            pairs += [
                (b, x, y)
                for x, e in enumerate(ents.entities)
                for y, f in enumerate(ents.entities)
                if x != y and schema.joinable(e[2], f[2])
            ]
        if not pairs:
            return results
        with torch.inference_mode():

            def span_vectors(which: int) -> Any:
                ent = [results[b].entities[p[which]] for b, *p in pairs]
                bi = torch.tensor([b for b, _, _ in pairs], device=self.device)
                s = torch.tensor([e[0] for e in ent], device=self.device)
                e = torch.tensor([e[1] for e in ent], device=self.device)
                return bi, s, e, self.net.spans(table, bi, s, e)

            bi, hs, he, head = span_vectors(0)
            _, ts, te, tail = span_vectors(1)
            a = torch.minimum(he, te)
            z = torch.maximum(hs, ts)
            context = self.net.context(words, bi, a, z)
            rel = self.net.relation_logits(head, tail, context).float()
            rel = rel.sigmoid().cpu()
        names = schema.relation_names
        threshold = 0.5 if self.relation_threshold is None else self.relation_threshold
        for k, r in (rel.double() >= threshold).nonzero().tolist():  # pair, then relation order
            b, x, y = pairs[k]
            hx, tx = results[b].entities[x][2], results[b].entities[y][2]
            if schema.allows(names[r], hx, tx):
                results[b].relations.append((x, y, names[r], float(rel[k, r])))
        return results


def default_joint_model() -> str:
    """The joint model shipped with kgqa (package data ``kgqa.data/relations``)."""
    from kgqa.kg.models import shipped_model

    folder = shipped_model("relations")
    if folder is None:
        raise KGError(
            "this kgqa install has no shipped relation model; set relation_model "
            "(KGQA_RELATION_MODEL) to a folder made by kgqa train relations"
        )
    return str(folder)
