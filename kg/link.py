"""Linking a question's entity mentions to graph nodes (names, aliases, fuzzy matches)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from kgqa.kg.canonical import canonical_key

_WORD = re.compile(r"[\w][\w.'&-]*", re.UNICODE)


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
        return {"node": self.node, "span": self.span, "how": self.how, "ner": self.ner,
                "score": round(self.score, 3)}


class EntityLinker:
    """Links a question's entity mentions to graph nodes: spaCy NER spans and capitalised word
    n-grams, looked up in the alias table the canonicaliser built (names, aliases, acronyms),
    then fuzzily (difflib ratio at least ``fuzzy_cutoff``) for misspellings."""

    def __init__(self, graph: Any, nlp: Any = None, fuzzy_cutoff: float = 0.85,
                 max_ngram: int = 6) -> None:
        self.nlp = nlp
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
        self._by_initial: dict[str, list[str]] = {}
        for key in self.keys:
            self._by_initial.setdefault(key[:1], []).append(key)

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
        if self.nlp is not None:
            for ent in self.nlp(question).ents:
                found[(ent.start_char, ent.end_char)] = True
        return sorted(((s, e, ner) for (s, e), ner in found.items()), key=lambda t: (t[0] - t[1], t[0]))

    def link(self, question: str) -> list[Link]:
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
            if nodes is None and len(key) >= 4:
                close = difflib.get_close_matches(key, self._by_initial.get(key[:1], []), n=1,
                                                  cutoff=self.fuzzy_cutoff)
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
        return sorted(links.values(), key=lambda link: -link.score)
