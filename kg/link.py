"""Linking a question's entity mentions to graph nodes (names, aliases, fuzzy matches)."""

from __future__ import annotations

import difflib
import functools
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from kgqa.kg.canonical import canonical_key

_WORD = re.compile(r"[\w][\w.'&-]*", re.UNICODE)


# lowercase words a name may hold ("Bank of England", "Vincent van Gogh")
_NAME_JOINERS = {"of", "the", "and", "de", "del", "da", "di", "du", "la", "le", "van", "von",
                 "der", "den", "y", "&"}  # fmt: skip


def _name_like(text: str) -> bool:
    """Whether every word of ``text`` could be a word of a name: capitalised, a number, or a
    joiner. A misspelt name is looked for only in such spans (or spaCy's entities): "Halvorsen
    married" is close to "Halvorsen Maritime", but it is a name and a verb."""
    return all(w[:1].isupper() or w[:1].isdigit() or w in _NAME_JOINERS for w in text.split())


@dataclass(frozen=True)
class Link:
    """A question span linked to a graph node: how (name, alias or fuzzy), whether spaCy's NER
    proposed the span, and how sure."""

    node: str
    span: str
    how: str
    score: float
    ner: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "span": self.span,
            "how": self.how,
            "ner": self.ner,
            "score": round(self.score, 3),
        }


# pipeline components that find no entities, so that the recogniser may run without them
_NO_ENTITIES = {"tok2vec", "tagger", "morphologizer", "parser", "senter", "attribute_ruler",
                "lemmatizer"}  # fmt: skip


def ner_alone(nlp: Any) -> Any:
    """A function of a text that runs ``nlp``'s entity recogniser alone, when nothing else in
    the pipeline finds entities (an entity ruler does) and the recogniser does not listen to a
    shared token-to-vector layer (en_core_web_sm's does not): the same entities as the whole
    pipeline in 40% of its time, since a question's tags and parse go unused. Otherwise the
    whole pipeline."""
    try:
        from spacy.pipeline.tok2vec import Tok2VecListener

        ner = nlp.get_pipe("ner")
        others = set(nlp.pipe_names) - {"ner"}
    except (ImportError, KeyError, AttributeError):  # no spaCy, no NER, not a pipeline
        return nlp
    if others - _NO_ENTITIES or any(isinstance(n, Tok2VecListener) for n in ner.model.walk()):
        return nlp
    return lambda text: ner(nlp.make_doc(text))


class EntityLinker:
    """Links a question's entity mentions to graph nodes: spaCy NER spans and capitalised word
    n-grams, looked up in the alias table the canonicaliser built (names, aliases, acronyms),
    then fuzzily (difflib ratio at least ``fuzzy_cutoff``) for misspellings."""

    def __init__(
        self, graph: Any, nlp: Any = None, fuzzy_cutoff: float = 0.85, max_ngram: int = 6
    ) -> None:
        self.fuzzy_cutoff = fuzzy_cutoff
        self.max_ngram = max_ngram
        self.table: dict[str, list[str]] = {}
        self.labels = {node: data.get("label", node) for node, data in graph.nodes(data=True)}
        for node, data in graph.nodes(data=True):
            for name in {data.get("label", ""), *data.get("aliases", [])}:
                key = canonical_key(name)
                if len(key) > 1:
                    self.table.setdefault(key, []).append(node)
        weight = {n: graph.nodes[n].get("mention_count", 0) for n in graph}
        for nodes in self.table.values():
            nodes.sort(key=lambda n: (-weight[n], n))
        self.keys = sorted(self.table)
        # fuzzy candidates by initial and length: difflib's ratio 2M/(a+b) is at most
        # 2 min(a, b)/(a + b), so only keys of nearby lengths can reach the cutoff
        self._by_initial: dict[tuple[str, int], list[str]] = {}
        for key in self.keys:
            self._by_initial.setdefault((key[:1], len(key)), []).append(key)
        # and their letter counts (built per bucket when first asked), for difflib's second
        # bound, quick_ratio: 2 x (letters in common, as multisets) / (a + b)
        self._alphabet = {c: i for i, c in enumerate(sorted({c for k in self.keys for c in k}))}
        self._letter_counts: dict[tuple[str, int], np.ndarray] = {}
        self._remembered = functools.lru_cache(maxsize=256)(self._link)
        self._ner: Any = ner_alone(nlp) if nlp is not None else None

    def spans(self, question: str) -> list[tuple[int, int, bool]]:
        """Candidate (start, end, from_ner) spans, longest first."""
        words = [(m.start(), m.end()) for m in _WORD.finditer(question)]
        found: dict[tuple[int, int], bool] = {}
        for i in range(len(words)):
            for j in range(i, min(len(words), i + self.max_ngram)):
                start, end = words[i][0], words[j][1]
                text = question[start:end]
                if any(c.isupper() for c in text) or any(c.isdigit() for c in text):
                    found[(start, end)] = False
        if self._ner is not None:
            for ent in self._ner(question).ents:
                found[(ent.start_char, ent.end_char)] = True
        return sorted(
            ((s, e, ner) for (s, e), ner in found.items()), key=lambda t: (t[0] - t[1], t[0])
        )

    def fuzzy_candidates(self, key: str) -> list[str]:
        """The keys with ``key``'s initial that pass difflib's two cheap bounds on its ratio
        (lengths, ``real_quick_ratio``, then letters in common, ``quick_ratio``) at the cutoff:
        every other key fails them inside ``get_close_matches`` anyway, so the best match is
        the same as over all keys of that initial, without scoring thousands of them one by
        one in Python in a large graph."""
        c, n = self.fuzzy_cutoff, len(key)
        if c <= 0:
            shortest, longest = 1, max((k[1] for k in self._by_initial), default=0)
        else:
            shortest, longest = (
                math.ceil(n * c / (2 - c) - 1e-9),
                math.floor(n * (2 - c) / c + 1e-9),
            )
        mine = self._letters(key)
        out: list[str] = []
        for length in range(max(1, shortest), longest + 1):
            bucket = (key[:1], length)
            keys = self._by_initial.get(bucket)
            if not keys:
                continue
            counts = self._letter_counts.get(bucket)
            if counts is None:
                counts = self._letter_counts[bucket] = np.stack([self._letters(k) for k in keys])
            common = np.minimum(counts, mine).sum(axis=1)
            # every key dropped here fails quick_ratio, so get_close_matches would drop it too
            out += [keys[i] for i in np.flatnonzero(2 * common >= c * (n + length) - 1e-9)]
        return out

    def _letters(self, text: str) -> np.ndarray:
        """How many times each letter of the names' alphabet occurs in ``text``."""
        counts = np.zeros(len(self._alphabet), dtype=np.int32)
        for ch in text:
            at = self._alphabet.get(ch)
            if at is not None:
                counts[at] += 1
        return counts

    def link(self, question: str) -> list[Link]:
        """The graph nodes ``question`` names, best first. One question is linked several
        times while it is asked (its search, the multi-hop parse, iterative retrieval, the
        supporting facts), each time with a spaCy pass: the links of the last 256 texts are
        remembered (the graph of a linker never changes)."""
        return list(self._remembered(question))

    def _link(self, question: str) -> tuple[Link, ...]:
        links: dict[str, Link] = {}
        taken: list[tuple[int, int]] = []
        for start, end, ner in self.spans(question):
            if any(start < e and s < end for s, e in taken):
                continue
            text = question[start:end].strip(".,'")
            key = canonical_key(text)
            if len(key) < 2:
                continue
            how, score, nodes = "alias", 1.0, self.table.get(key)
            if nodes is None and len(key) >= 4 and (ner or _name_like(text)):
                close = difflib.get_close_matches(
                    key, self.fuzzy_candidates(key), n=1, cutoff=self.fuzzy_cutoff
                )
                if close:
                    how, score = "fuzzy", difflib.SequenceMatcher(None, key, close[0]).ratio()
                    nodes = self.table[close[0]]
            if not nodes:
                continue
            taken.append((start, end))
            for node in nodes[:2]:
                named = how == "alias" and canonical_key(self.labels[node]) == key
                if node not in links or links[node].score < score:
                    links[node] = Link(node, text, "name" if named else how, score, ner)
        return tuple(sorted(links.values(), key=lambda link: -link.score))
