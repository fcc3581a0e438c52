"""Retrieval modes, picked by name, over one store generation."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kg.canonical import canonical_key

from qa.embed import PassageEmbedder
from qa.settings import RERANKERS
from qa.store import Generation
from qa.types import Hit, QAError


Ranking = list[tuple[int, float]]


def reciprocal_rank_fusion(rankings: list[Ranking], weights: list[float], k: int) -> Ranking:
    """Fuse ranked (id, score) lists: score(id) = sum over lists of weight / (k + rank)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, (pid, _) in enumerate(ranking, start=1):
            fused[pid] = fused.get(pid, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def convex_fusion(rankings: list[Ranking], weights: list[float]) -> Ranking:
    """Fuse by a weighted sum of min-max normalised scores (an id missing from a list gets 0)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        if not ranking:
            continue
        scores = [s for _, s in ranking]
        low, span = min(scores), (max(scores) - min(scores)) or 1.0
        for pid, score in ranking:
            fused[pid] = fused.get(pid, 0.0) + weight * (score - low) / span
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


FUSIONS = ("convex", "rrf")
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
                import difflib

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


class Retriever:
    """Searches one generation by BM25, dense vectors, or their fusion."""

    def __init__(self, generation: Generation, embedder: PassageEmbedder, candidate_k: int = 50,
                 fusion: str = "convex", bm25_weight: float = 0.6, rrf_k: int = 60,
                 graph_weight: float = 0.2, nlp: Any = None) -> None:
        if fusion not in FUSIONS:
            raise QAError(f"unknown fusion {fusion!r} (setting fusion); valid: {', '.join(FUSIONS)}")
        self.generation = generation
        self.embedder = embedder
        self.candidate_k = candidate_k
        self.fusion = fusion
        self.weights = [bm25_weight, 1.0 - bm25_weight]
        self.rrf_k = rrf_k
        self.graph_weight = graph_weight
        self.nlp = nlp
        self.modes: dict[str, Callable[[str, int], list[tuple[int, float]]]] = {
            "bm25": self._bm25, "dense": self._dense, "hybrid": self._hybrid,
            "graph": self._graph, "hybrid+graph": self._hybrid_graph,
        }

    def _bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        return self.generation.bm25.search(query, k)

    def _dense(self, query: str, k: int) -> list[tuple[int, float]]:
        return self.generation.dense.search(self.embedder([query])[0], k)

    def _hybrid(self, query: str, k: int) -> list[tuple[int, float]]:
        n = max(k, self.candidate_k)
        rankings = [self._bm25(query, n), self._dense(query, n)]
        if self.fusion == "rrf":
            return reciprocal_rank_fusion(rankings, self.weights, self.rrf_k)[:k]
        return convex_fusion(rankings, self.weights)[:k]

    def linker(self) -> EntityLinker:
        cache = self.generation.cache
        if "linker" not in cache:
            cache["linker"] = EntityLinker(self.generation.graph, self.nlp)
        return cache["linker"]

    def _graph(self, query: str, k: int) -> list[tuple[int, float]]:
        """Passages that mention the question's entities (1 per entity), that are evidence of
        an edge from one (0.5; 1 when it joins two question entities), or that mention a
        one-hop neighbour (0.1); BM25 breaks ties (up to 0.5)."""
        gen = self.generation
        graph = gen.graph
        links = self.linker().link(query)
        linked = {link.node: link.score for link in links}
        scores: dict[int, float] = {}

        def credit(rowids: Iterable[int], amount: float) -> None:
            for rowid in rowids:
                scores[rowid] = scores.get(rowid, 0.0) + amount

        for node, weight in linked.items():
            credit(gen.node_passages.get(node, ()), weight)
            for u, v, data in list(graph.out_edges(node, data=True)) + list(graph.in_edges(node, data=True)):
                other = v if u == node else u
                both = other in linked
                credit({gen.rowids[e["passage_id"]] for e in data["evidence"]
                        if e["passage_id"] in gen.rowids}, weight * (1.0 if both else 0.5) / (2 if both else 1))
                if not both:
                    credit(gen.node_passages.get(other, ()), weight * 0.1)
        if not scores:
            return []
        bm25 = dict(gen.bm25.search(query, max(self.candidate_k, 4 * k)))
        top = max(bm25.values(), default=0.0) or 1.0
        ranked = [(rowid, score + 0.5 * bm25.get(rowid, 0.0) / top) for rowid, score in scores.items()]
        return sorted(ranked, key=lambda kv: (-kv[1], kv[0]))[:max(k, self.candidate_k)]

    def _hybrid_graph(self, query: str, k: int) -> list[tuple[int, float]]:
        n = max(k, self.candidate_k)
        g = self.graph_weight
        rankings = [self._bm25(query, n), self._dense(query, n), self._graph(query, n)]
        weights = [w * (1 - g) for w in self.weights] + [g]
        if self.fusion == "rrf":
            return reciprocal_rank_fusion(rankings, weights, self.rrf_k)[:k]
        return convex_fusion(rankings, weights)[:k]

    def search(self, query: str, k: int, mode: str = "hybrid") -> list[Hit]:
        try:
            run = self.modes[mode]
        except KeyError:
            raise QAError(f"unknown search mode {mode!r}; valid: {', '.join(self.modes)}, each "
                          "optionally followed by a reranker, "
                          f"{' or '.join('+' + r for r in RERANKERS)}") from None
        ranked = run(query, k)[:k]
        passages = self.generation.passages_by_rowid(pid for pid, _ in ranked)
        return [Hit(passages[pid], score) for pid, score in ranked if pid in passages]
