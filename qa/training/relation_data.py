"""Training sentences for the relations CoNLL04 lacks, as kgqa JSONL (``kgqa train
relation-data``):

- FewRel 1.0 (Wikipedia sentences with one labelled pair): spouse, mother, child, member of,
  part of;
- 2WikiMultiHopQA's evidence triples matched to a sentence of their paragraphs that names both
  ends (distant supervision): director, composer, place of birth and death, father, mother,
  spouse, child, founded by, employer;
- Wikipedia sentences whose words between two of spaCy's entities state a relation in one of
  a few fixed ways ("X was founded by Y", "Y, the chief executive of X", "X, a subsidiary of
  Y", ...; ``PATTERNS``), from the SQuAD contexts and multi-hop training paragraphs (distant
  supervision by pattern, for the business relations the other sources barely hold);
- sentences we wrote (``written.txt`` markup: ``[Name|Type]`` marks an entity, a line
  ``= 0 Founded_By 1`` after a sentence relates its entities by number).

Every sentence's other entities come from spaCy's NER (its OntoNotes labels seen as schema types;
labels the schema lacks become spans never sampled as non-entities), so a pair of them without
a label is a negative.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kgqa.kg.joint import DEFAULT_SCHEMA, ONTONOTES_TO_SCHEMA, OTHER
from kgqa.kg.types import KGError
from kgqa.qa.training.name_swap import swap_names

FEWREL = {
    "P26": ("Spouse", False),
    "P25": ("Parent_Of", True),
    "P40": ("Parent_Of", False),
    "P463": ("Member_Of", False),
    "P361": ("Part_Of", False),
}
# 2WikiMultiHopQA relation: (schema relation, reversed: the object is the head)
TWOWIKI = {
    "director": ("Creator_Of", True),
    "composer": ("Creator_Of", True),
    "place of birth": ("Born_In", False),
    "place of death": ("Died_In", False),
    "father": ("Parent_Of", True),
    "mother": ("Parent_Of", True),
    "spouse": ("Spouse", False),
    "child": ("Parent_Of", False),
    "founded by": ("Founded_By", False),
    "employer": ("Work_For", False),
}
NUMERIC = {"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}


def _record(
    text: str, head: tuple[int, int, str], tail: tuple[int, int, str], label: str, doc: Any
) -> dict[str, Any] | None:
    """A JSONL record: the pair plus spaCy's other mentions (typed, or ``Unsure``)."""
    ents = [head, tail]
    if head[0] < tail[1] and tail[0] < head[1]:
        return None
    for e in doc.ents:
        a, b = e.start_char, e.end_char
        if any(a < y and x < b for x, y, _ in ents):
            continue
        kind = ONTONOTES_TO_SCHEMA.get(e.label_) or (OTHER if e.label_ in NUMERIC else "Unsure")
        ents.append((a, b, kind))
    return {
        "text": text,
        "entities": [{"start": a, "end": b, "label": k} for a, b, k in ents],
        "relations": [{"head": 0, "tail": 1, "label": label}],
    }


def _typed(doc: Any, a: int, b: int, allowed: tuple[str, ...]) -> str | None:
    """The schema type spaCy gives characters [a, b) when the relation allows it, else the
    relation's only allowed type, else None."""
    span = doc.char_span(a, b, alignment_mode="expand")
    if span is not None:
        for e in doc.ents:
            if e.start <= span.start and span.end <= e.end:
                kind = ONTONOTES_TO_SCHEMA.get(e.label_)
                if kind in allowed:
                    return kind
    return allowed[0] if len(allowed) == 1 else None


def fewrel_records(path: Path, nlp: Any, per_relation: int) -> Iterator[dict[str, Any]]:
    data = json.loads(Path(path).read_text())
    for pid, (label, reverse) in FEWREL.items():
        relation = DEFAULT_SCHEMA.relation(label)
        made = 0
        for item in data.get(pid, []):
            if made >= per_relation:
                break
            tokens = item["tokens"]
            starts, pos = [], 0
            for tok in tokens:
                starts.append(pos)
                pos += len(tok) + 1
            text = " ".join(tokens)

            def chars(
                positions: list[int], starts: list[int] = starts, tokens: list[str] = tokens
            ) -> tuple[int, int]:
                return starts[positions[0]], starts[positions[-1]] + len(tokens[positions[-1]])

            h, t = chars(item["h"][2][0]), chars(item["t"][2][0])
            if reverse:
                h, t = t, h
            doc = nlp(text)
            ht = _typed(doc, *h, relation.head)
            tt = _typed(doc, *t, relation.tail)
            if ht is None or tt is None:
                continue
            record = _record(text, (*h, ht), (*t, tt), label, doc)
            if record is not None:
                made += 1
                yield record


def twowiki_records(path: Path, nlp: Any) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for line in Path(path).read_text().splitlines():
        item = json.loads(line)
        paragraphs = item["paragraphs"]
        if isinstance(paragraphs, str):
            import ast

            paragraphs = ast.literal_eval(paragraphs)
        for subject, predicate, obj in item.get("evidences") or []:
            if predicate not in TWOWIKI:
                continue
            label, reverse = TWOWIKI[predicate]
            relation = DEFAULT_SCHEMA.relation(label)
            head, tail = (obj, subject) if reverse else (subject, obj)
            for p in paragraphs:
                for sentence in re.split(r"(?<=[.!?])\s+", p["text"]):
                    h, t = sentence.find(head), sentence.find(tail)
                    if h < 0 or t < 0 or sentence in seen:
                        continue
                    doc = nlp(sentence)
                    hs, ts = (h, h + len(head)), (t, t + len(tail))
                    ht, tt = _typed(doc, *hs, relation.head), _typed(doc, *ts, relation.tail)
                    if ht is None or tt is None:
                        continue
                    record = _record(sentence, (*hs, ht), (*ts, tt), label, doc)
                    if record is not None:
                        seen.add(sentence)
                        yield record


_TITLE = (
    r"(?:chief executive(?: officer)?|ceo|president|chairman|chairwoman|chair"
    r"|managing director|head|director|leader)"
)
# (relation, head type, tail type, pattern the words between the first and the second entity
# match, whether the second entity is the head)
PATTERNS = [
    (
        "Founded_By",
        "ORG",
        "PERSON",
        r"(?:, ?)?(?:which |that )?(?:was |were |is )?(?:co-?)?founded(?: in \d{4})? by",
        False,
    ),
    ("Founded_By", "PERSON", "ORG", r"(?:co-?)?founded(?: the)?", True),
    ("Founded_By", "PERSON", "ORG", r"(?:, ?)?(?:the |a )?(?:co-?)?founders? of(?: the)?", True),
    (
        "Leader_Of",
        "PERSON",
        "ORG",
        rf"(?:, ?)?(?:the |a |its )?(?:former |then |current )?{_TITLE} of(?: the)?",
        False,
    ),
    (
        "Leader_Of",
        "PERSON",
        "ORG",
        rf"(?:is|was|became|served as) (?:the )?{_TITLE} of(?: the)?",
        False,
    ),
    ("Leader_Of", "ORG", "PERSON", rf"(?:'s )?{_TITLE},?", True),
    (
        "Owned_By",
        "ORG",
        "ORG",
        r"(?:, ?)?(?:which |that )?(?:is |was )?(?:a |the )?"
        r"(?:wholly[- ]owned )?subsidiary of(?: the)?",
        False,
    ),
    (
        "Owned_By",
        "ORG",
        "ORG",
        r"(?:is |was )?(?:acquired|bought|purchased|owned) by(?: the)?",
        False,
    ),
    ("Owned_By", "ORG", "ORG", r"(?:acquired|bought|purchased)(?: the)?", True),
    (
        "OrgBased_In",
        "ORG",
        "GPE",
        r"(?:, ?)?(?:which is |is |was )?(?:headquartered|based) in",
        False,
    ),
    ("Born_In", "PERSON", "GPE", r"was born in", False),
    ("Died_In", "PERSON", "GPE", r"died in", False),
]
_COMPILED = [
    (label, h, t, re.compile(between, re.IGNORECASE), swap)
    for label, h, t, between, swap in PATTERNS
]
_KEYWORDS = re.compile(
    r"found|chief|CEO|president|chair|director|head|leader|subsidiar|acquired|"
    r"bought|purchased|owned|headquartered|based in|born in|died in",
    re.IGNORECASE,
)


def _paragraphs(squad: Path | None, multihop: list[Path]) -> Iterator[str]:
    seen: set[str] = set()
    texts: list[str] = []
    if squad is not None:
        data = json.loads(Path(squad).read_text())["data"]
        texts += [p["context"] for a in data for p in a["paragraphs"]]
    for path in multihop:
        for line in Path(path).read_text().splitlines():
            paragraphs = json.loads(line)["paragraphs"]
            if isinstance(paragraphs, str):
                import ast

                paragraphs = ast.literal_eval(paragraphs)
            texts += [p["text"] for p in paragraphs]
    for text in texts:
        if text not in seen:
            seen.add(text)
            yield text


def pattern_records(squad: Path | None, multihop: list[Path], nlp: Any) -> Iterator[dict[str, Any]]:
    """Sentences where the words between two of spaCy's entities match a pattern."""
    for text in _paragraphs(squad, multihop):
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if not _KEYWORDS.search(sentence) or len(sentence) > 400:
                continue
            doc = nlp(sentence)
            ents = list(doc.ents)
            found = None
            for i, a in enumerate(ents):
                for b in ents[i + 1 : i + 2]:  # neighbouring entities only
                    between = " ".join(sentence[a.end_char : b.start_char].split())
                    for label, ht, tt, pattern, swap in _COMPILED:
                        if (a.label_, b.label_) == (
                            (tt, ht) if swap else (ht, tt)
                        ) and pattern.fullmatch(between):
                            head, tail = (b, a) if swap else (a, b)
                            found = (head, tail, label)
                            break
                    if found:
                        break
                if found:
                    break
            if found is None:
                continue
            head, tail, label = found
            relation = DEFAULT_SCHEMA.relation(label)
            record = _record(
                sentence,
                (head.start_char, head.end_char, relation.head[0]),
                (tail.start_char, tail.end_char, relation.tail[0]),
                label,
                doc,
            )
            if record is not None:
                yield record


_MARK = re.compile(r"\[([^\[\]|]+)\|(\w+)\]")


def written_records(
    path: Path, nlp: Any, variants: int = 0, seed: int = 13
) -> Iterator[dict[str, Any]]:
    """Sentences of the markup file, with spaCy's other mentions added; after each, ``variants``
    copies with the marked names replaced by made-up names of the same types (``name_swap``)."""
    for record in _marked(path):
        yield _with_spacy(record, nlp)
    rng = random.Random(seed)
    # the file is read again: _with_spacy adds spaCy's mentions to the record it is given
    for record in _marked(path) if variants else ():
        for _ in range(variants):
            text, ents = swap_names(record["text"], record["entities"], rng)
            yield _with_spacy(
                {"text": text, "entities": ents, "relations": list(record["relations"])}, nlp
            )


def _marked(path: Path) -> Iterator[dict[str, Any]]:
    """The markup file's sentences: text, marked entities and relations."""
    pending: dict[str, Any] | None = None
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("="):
            if pending is None:
                raise KGError(f"{path}:{number}: a relation line needs a sentence before it")
            try:
                h, label, t = line[1:].split()
                pending["relations"].append({"head": int(h), "tail": int(t), "label": label})
                DEFAULT_SCHEMA.relation(label)
            except (ValueError, KGError) as err:
                raise KGError(f"{path}:{number}: expected '= HEAD LABEL TAIL': {err}") from None
            continue
        if pending is not None:
            yield pending
        text, ents, pos = "", [], 0
        for m in _MARK.finditer(line):
            text += line[pos : m.start()]
            ents.append(
                {"start": len(text), "end": len(text) + len(m.group(1)), "label": m.group(2)}
            )
            text += m.group(1)
            pos = m.end()
        text += line[pos:]
        pending = {"text": text, "entities": ents, "relations": []}
    if pending is not None:
        yield pending


def _with_spacy(record: dict[str, Any], nlp: Any) -> dict[str, Any]:
    doc = nlp(record["text"])
    spans = [(e["start"], e["end"]) for e in record["entities"]]
    for e in doc.ents:
        a, b = e.start_char, e.end_char
        if e.label_ in NUMERIC and not any(a < y and x < b for x, y in spans):
            record["entities"].append({"start": a, "end": b, "label": OTHER})
    return record


def build_relation_data(
    out: Path,
    fewrel: Path | None,
    twowiki: Path | None,
    written: Path | None,
    per_relation: int,
    spacy_model: str,
    progress: Callable[[str], None] = print,
    squad: Path | None = None,
    multihop: list[Path] | None = None,
    written_copies: int = 1,
    written_variants: int = 0,
) -> dict[str, int]:
    from kgqa.kg.extract import load_spacy

    nlp = load_spacy(spacy_model)
    counts: dict[str, int] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as fh:
        for name, records in (
            ("fewrel", fewrel_records(fewrel, nlp, per_relation) if fewrel else iter(())),
            ("2wiki", twowiki_records(twowiki, nlp) if twowiki else iter(())),
            (
                "patterns",
                pattern_records(squad, multihop or [], nlp) if squad or multihop else iter(()),
            ),
            (
                "written",
                (
                    r
                    for copy in range(written_copies)
                    for r in written_records(written, nlp, written_variants if copy == 0 else 0)
                )
                if written
                else iter(()),
            ),
        ):
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                counts[name] = counts.get(name, 0) + 1
            progress(f"{counts.get(name, 0)} sentences from {name}")
    return counts
