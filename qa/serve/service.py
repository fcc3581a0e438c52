"""The query path shared by the CLI and the HTTP API: load once, then search and ask.

No Prefect here: questions must not pay for an orchestration server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from kgqa.kg.analysis import (
    entity_summary,
    find_nodes,
    layout,
    neighbourhood,
    resolve_entity,
    search_nodes,
)
from kgqa.kg.export import graph_stats
from kgqa.kg.models import set_torch_threads
from kgqa.qa.choices import split_mode
from kgqa.qa.reader.extractive import ExtractiveReader, Reading
from kgqa.qa.reader.verifier import Verifier
from kgqa.qa.retrieval.embed import PassageEmbedder
from kgqa.qa.retrieval.fusion import convex_fusion
from kgqa.qa.retrieval.retriever import Retriever
from kgqa.qa.retrieval.similar import Similarity
from kgqa.qa.serve.overview import overview
from kgqa.qa.serve.reread import vetted
from kgqa.qa.settings import Settings
from kgqa.qa.squad import normalize_answer
from kgqa.qa.store import Generation, Store
from kgqa.qa.store.index import DenseOptions
from kgqa.qa.types import (
    Answer,
    AskResult,
    EntityMatches,
    EntityView,
    Hit,
    Mention,
    Neighbourhood,
    NoReaderError,
    QAError,
    check_question,
)


class QAService:
    """Search and ask over the current generation of a store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(settings.store, DenseOptions.of(settings))
        self.embedder = PassageEmbedder.configured(settings.embedding())
        reader = settings.reader()
        self.reader = None if reader is None else ExtractiveReader.configured(reader)
        self.verifier = (
            Verifier.load(settings.reader_model)
            if reader is not None and settings.verifier
            else None
        )
        # the margin an answer must beat when there is no verifier
        self.no_answer_threshold = settings.no_answer_threshold
        set_torch_threads(settings.torch_threads)
        self._generation: Generation | None = None
        self._stamp: tuple[str, int, int] | None = None
        self._swap_lock = threading.Lock()
        self._nlp: Any = None
        self._cross: Any = None
        self._graph_asked = False

    @property
    def generation(self) -> Generation:
        """The generation to answer from: the store's current one, switched to as soon as an
        ingestion commits a newer one (loaded in full before any request sees it)."""
        current = self._generation
        # CURRENT's name and file: a store made again at the same path has a new one
        stamp = self.store.current_stamp()
        if current is not None and (stamp is None or stamp == self._stamp):
            return current
        # Only one request loads the new generation; the others go on with the old one.
        if not self._swap_lock.acquire(blocking=current is None):
            return current  # type: ignore[return-value]
        try:
            stamp = self.store.current_stamp()
            if self._generation is not None and (stamp is None or stamp == self._stamp):
                return self._generation
            generation = self.store.open(embedder=self.settings.embedder)
            _ = generation.dense, generation.bm25, generation.graph  # load before serving
            self._generation, self._stamp = generation, stamp
            return generation
        finally:
            self._swap_lock.release()

    def served_generation(self) -> str | None:
        """The generation requests are answered from now (None before the first is loaded);
        unlike ``generation``, never loads anything."""
        current = self._generation
        return None if current is None else current.name

    def generation_notices(self) -> list[str]:
        """What the store said when it opened the generation served now (that it stands in
        for a newer, damaged one); unlike ``generation``, never loads anything."""
        current = self._generation
        return [] if current is None else list(current.notices)

    def warm_up(self) -> None:
        """Load the models and the current generation now rather than on the first request."""
        _ = self.generation
        self.embedder.warm_up()
        if self.reader is not None:
            self.reader.warm_up()

    def retriever(self, generation: Generation | None = None) -> Retriever:
        generation = generation or self.generation
        self.store.check_models(generation.manifest, None, self.embedder.dimension)
        return Retriever(generation, self.embedder, self.settings.retrieval(), self._question_nlp())

    def _question_nlp(self) -> Any:
        """The spaCy NER for linking question entities (graph modes only; loaded once)."""
        if (
            not self.settings.link_with_ner
            or "graph" not in self.settings.search_mode
            and not self._graph_asked
        ):
            return None
        if self._nlp is None:
            from kgqa.kg.extract import load_spacy

            self._nlp = load_spacy(self.settings.spacy_model)
        return self._nlp

    def _check_question(self, text: str, what: str) -> str:
        return check_question(text, what, self.settings.max_question_chars)

    def search(
        self,
        query: str,
        k: int | None = None,
        mode: str | None = None,
        generation: Generation | None = None,
    ) -> list[Hit]:
        """The k best passages. ``mode`` is a retrieval mode, optionally with a reranker:
        ``hybrid+reader`` or ``bm25+cross`` rerank the first rerank_k candidates."""
        query = self._check_question(query, "query")
        k = self.settings.search_k if k is None else k
        mode = self.settings.search_mode if mode is None else mode
        base, rerank = split_mode(mode)
        self._graph_asked |= "graph" in base
        hits = self.retriever(generation).search(
            query, max(k, self.settings.rerank_k) if rerank else k, base
        )
        return self.rerank(query, hits, rerank)[:k] if rerank else hits

    def rerank(self, question: str, hits: list[Hit], how: str) -> list[Hit]:
        """Reorder hits by the retrieval score fused with the reader's best span margin in each
        passage (``reader``) or a cross-encoder's relevance score (``cross``, the setting
        cross_encoder): min-max normalised, weighted by rerank_weight (1: the reranker alone)."""
        texts = [h.passage.text for h in hits]
        if not texts:
            return hits
        if how == "reader":
            if self.reader is None:
                raise NoReaderError(
                    "reranking by the reader needs a reader model (setting reader_model)"
                )
            margins = [
                span.score if span is not None else None for span, _ in self.reader(question, texts)
            ]
            floor = min((m for m in margins if m is not None), default=0.0)
            scores = [floor if m is None else m for m in margins]
        else:
            scores = [
                float(x)
                for x in self._cross_encoder().predict(
                    [(question, t) for t in texts], show_progress_bar=False
                )
            ]
        weight = self.settings.rerank_weight
        fused = convex_fusion(
            [[(i, h.score) for i, h in enumerate(hits)], list(enumerate(scores))],
            [1.0 - weight, weight],
        )
        return [Hit(hits[i].passage, score) for i, score in fused]

    def _cross_encoder(self) -> Any:
        if self._cross is None:
            name = self.settings.cross_encoder
            if not name:
                raise QAError(
                    "no cross-encoder is configured; set KGQA_CROSS_ENCODER (setting "
                    "cross_encoder) to a sentence-transformers CrossEncoder checkpoint"
                )
            from sentence_transformers import CrossEncoder

            try:
                self._cross = CrossEncoder(name, device=self.settings.device)
            except Exception as err:
                raise QAError(
                    f"cannot load the cross-encoder {name!r} (setting cross_encoder): {err}"
                ) from None
        return self._cross

    def facts(
        self, generation: Generation, question: str, answers: list[Answer]
    ) -> list[list[dict[str, Any]]]:
        """For each answer, the graph edges joining an entity of its span to an entity of the
        question, with their evidence: why the graph agrees with the answer."""
        from kgqa.qa.serve.agreement import answer_facts

        return answer_facts(self, generation, question, answers)

    @staticmethod
    def passage_mentions(generation: Generation, passage_id: str) -> list[Mention]:
        cache = generation.cache.setdefault("mentions_by_passage", {})
        if not cache:
            for mention in generation.resolved_mentions():
                cache.setdefault(mention.passage_id, []).append(mention)
        return cache.get(passage_id, [])

    def ask(
        self, question: str, top_k: int | None = None, top_answers: int | None = None
    ) -> AskResult:
        """Answers to ``question``: ranked answers, or none when the reader abstains on every
        passage (``no_answer``). Without a reader, the hits alone and ``reader`` None.
        ``generation`` names the store generation that answered."""
        question = self._check_question(question, "question")
        top_k = self.settings.ask_top_k if top_k is None else top_k
        top_answers = self.settings.top_answers if top_answers is None else top_answers
        generation = self.generation
        if self.reader is not None and self.settings.multihop:
            followed = self.ask_multihop(question, generation)
            if followed is not None:
                return followed
        hits = self.search(question, top_k, generation=generation)
        if self.reader is None:
            return AskResult(question, generation.name, None, [], [], hits)
        if self.settings.multihop:
            from kgqa.qa.multihop.iterative import past_the_bridge, second_round, widen, wrong_kind

            # the last passages read are those about the names that the first passage adds
            hits = widen(self, generation, question, hits)
        answers = self.read_hits(question, hits, top_answers, generation)
        path: list[dict[str, Any]] = []
        if self.settings.multihop:
            # no passage answers alone, or the best answer is of the wrong kind (a person
            # where the question wants a film: the bridge): search again with the bridge
            again = None
            if not answers:
                again = second_round(self, generation, question, hits)
            elif (wrong := wrong_kind(self, generation, question, answers)) is not None:
                again = past_the_bridge(self, generation, question, hits, wrong)
            if again is not None:
                answers, hits, path = again
                answers = self.without_vetoed(question, answers, generation, parts=True)
                if not answers:  # the path led to an answer that is not shown
                    path = []
        return AskResult(
            question,
            generation.name,
            self.settings.reader_model,
            answers,
            self.facts(generation, question, answers),
            hits,
            path,
        )

    def ask_multihop(self, question: str, generation: Generation) -> AskResult | None:
        """The answer of a question that needs two facts or more ("the mother of the director
        of X", "which came out first, A or B", "are A and B both Z"), hop by hop with its
        ``path``; None for a question of another shape, or when a hop finds nothing (the
        question then goes the single-passage way)."""
        from kgqa.qa.multihop.parse import Chain, parse
        from kgqa.qa.multihop.solve import MultiHop

        shape = parse(question)
        if shape is None:
            return None
        solved = MultiHop(self, generation).solve(question, shape)
        if solved is None:
            return None
        # an answer the reader read last, under the verifier's threshold, is not shown on any
        # path (comparisons, graph edges and dates read from text are not the reader's spans,
        # and keep their answer). A chain ("the mother of the founder of X") then has no
        # answer, with its path: read as one passage it would answer the inner question. Other
        # shapes, a relative clause often a one-fact question, go the single-passage way,
        # which shows what passes or abstains.
        hidden = not solved.text or (bool(solved.steps) and self.hides(solved.steps[-1]))
        if hidden and not isinstance(shape, Chain):
            return None
        answers = [] if hidden else [solved.answer()]
        return AskResult(
            question,
            generation.name,
            self.settings.reader_model,
            answers,
            [[] for _ in answers],
            solved.hits,
            [step.to_json() for step in solved.steps],
        )

    def read(self, items: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
        """The reader alone on (id, question, context) triples: the answer span with character
        offsets into the context, or ``answer: null`` when the reader abstains."""
        if self.reader is None:
            raise NoReaderError(
                "no reader model is configured; set KGQA_READER_MODEL (setting "
                "reader_model) to a checkpoint folder or hub id"
            )
        results = []
        for b in range(0, len(items), 32):
            part = items[b : b + 32]
            readings = self.reader.read(
                [q for _, q, _ in part], [c for _, _, c in part], vectors=self.verifier is not None
            )
            for (rid, question, context), reading in zip(part, readings):
                span = reading.span
                probability = self._probabilities(question, [context], [reading])[0]
                shown = (
                    span is not None and span.text.strip() and self.passes(span.score, probability)
                )
                result: dict[str, Any] = {
                    "id": rid,
                    "answer": span.text if shown and span else None,
                    "score": None if span is None else round(span.score, 6),
                    "start": span.start if shown and span else None,
                    "end": span.end if shown and span else None,
                }
                if self.verifier is not None:
                    result["probability"] = None if probability is None else round(probability, 4)
                results.append(result)
        return results

    def read_passages(
        self, question: str, hits: list[Hit]
    ) -> tuple[list[Reading], list[float | None]]:
        """The reader's reading of ``question`` in each hit's passage, and the verifier's
        probability that its span is right (None without a span or a verifier)."""
        return self.read_contexts(question, [h.passage.text for h in hits])

    def read_contexts(
        self, question: str, contexts: list[str]
    ) -> tuple[list[Reading], list[float | None]]:
        """``read_passages`` on texts of any origin (two passages joined, say)."""
        assert self.reader is not None
        readings = self.reader.read(
            [question] * len(contexts), contexts, vectors=self.verifier is not None
        )
        return readings, self._probabilities(question, contexts, readings)

    def passes(self, score: float, probability: float | None) -> bool:
        """Whether a span is shown: the verifier's probability at its threshold, else (no
        verifier) the reader's margin over ``no_answer_threshold``."""
        if probability is not None:
            return probability >= self.answer_threshold
        return self.verifier is None and score > self.no_answer_threshold

    def _probabilities(
        self,
        question: str,
        contexts: list[str],
        readings: list[Reading],
        ranks: list[int] | None = None,
    ) -> list[float | None]:
        """The verifier's probability that each reading's span is right (None where there is
        no span, or no verifier)."""
        if self.verifier is None:
            return [None] * len(readings)
        return self.verifier.of_readings(question, contexts, readings, ranks)

    def similarity(self) -> Similarity:
        """Nearest passages, documents and entities in the generation being served."""
        return Similarity(self.generation, self.embedder)

    # --- the graph -------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        generation = self.generation
        m = generation.manifest
        return {
            "store": str(self.settings.store),
            "generation": generation.name,
            **m.counts,
            "models": m.models,
            "graph": graph_stats(generation.graph),
        }

    def find_entities(self, query: str, limit: int = 20) -> EntityMatches:
        """Entities whose name or an alias contains ``query``, ranked by how they match, then
        by mentions (``kgqa.kg.analysis.search_nodes``)."""
        generation = self.generation
        graph = generation.graph
        found = [entity_summary(graph, n) for n in search_nodes(graph, query)[:limit]]
        return EntityMatches(query, generation.name, found)

    def overview(self, top: int = 8, questions: int = 0) -> dict[str, Any]:
        """Counts, the ``top`` most mentioned entities and (``questions`` > 0) that many
        questions drawn from the graph that ``ask`` answers (``kgqa.qa.serve.overview``)."""
        return overview(self, top, questions)

    def entity(self, name: str) -> EntityView:
        """An entity's aliases, merges (by which rule), mentions and edges with evidence."""
        generation = self.generation
        graph = generation.graph
        node = resolve_entity(graph, name)
        mentions = [m for m in generation.resolved_mentions() if m.node == node]
        edges = [_edge_json("out", v, graph, d) for _, v, d in graph.out_edges(node, data=True)]
        edges += [_edge_json("in", u, graph, d) for u, _, d in graph.in_edges(node, data=True)]
        edges.sort(key=lambda e: not e.get("typed", False))  # typed relations first, stable
        found = find_nodes(graph, name)
        matches = [
            {
                "id": n,
                "name": graph.nodes[n].get("label", n),
                "type": graph.nodes[n].get("type"),
                "mention_count": graph.nodes[n].get("mention_count", 0),
            }
            for n in found
        ]
        return EntityView(
            node, dict(graph.nodes[node]), generation.name, mentions, edges, found[1:], matches
        )

    def neighbourhood(self, name: str, hops: int = 1, max_nodes: int = 150) -> Neighbourhood:
        """An entity's neighbourhood with a layout: nodes (x, y in [-1, 1]) and edges with their
        evidence, for drawing."""
        generation = self.generation
        graph = generation.graph
        center = resolve_entity(graph, name)
        sub = neighbourhood(graph, center, hops)
        if sub.number_of_nodes() > max_nodes:
            keep = sorted(sub, key=lambda n: (n != center, -sub.degree(n), n))[:max_nodes]
            sub = sub.subgraph(keep).copy()
        pos = layout(sub)
        nodes = [
            {
                "id": n,
                "name": d.get("label", n),
                "type": d.get("type"),
                "mention_count": d.get("mention_count", 0),
                "x": round(pos[n][0], 4),
                "y": round(pos[n][1], 4),
            }
            for n, d in sub.nodes(data=True)
        ]
        edges = [
            {
                "source": u,
                "target": v,
                "label": d["label"],
                "confidence": d["confidence"],
                "example": d["example"],
                "evidence": d["evidence"],
            }
            for u, v, d in sub.edges(data=True)
        ]
        return Neighbourhood(center, hops, generation.name, nodes, edges)

    def read_hits(
        self,
        question: str,
        hits: list[Hit],
        top_answers: int | None,
        generation: Generation | None = None,
    ) -> list[Answer]:
        """The reader's best span in each hit (of ``generation``, the one served when None),
        and those it reads in the sentences of the graph's edges (``graph_reads``) and in the
        parts of passages the question names (``part_reads``: fields, directory entries, a
        version's section), copies of one answer merged (the best
        copy leads, the others in ``also_in``), best first. With the verifier, each answer
        carries ``probability`` (the verifier's chance that it is right, its copies' best),
        answers under the threshold are dropped, and without ``top_answers`` the best answer
        is shown with the others that come within the verifier's margin of it; without a
        verifier, answers need a margin over ``no_answer_threshold`` and the default is the
        best one."""
        readings, probabilities = self.read_passages(question, hits)
        groups: dict[str, list[Answer]] = {}

        def join(answers: Iterable[Answer]) -> None:
            """Each answer into the group of its normalised text, where it has the verifier's
            probability or (without a verifier) a margin over no answer."""
            for a in answers:
                if a.probability is not None or a.score > self.no_answer_threshold:
                    groups.setdefault(normalize_answer(a.text) or a.text, []).append(a)

        join(
            hit.passage.answer(reading.span, probability)
            for hit, reading, probability in zip(hits, readings, probabilities)
            if reading.span is not None and reading.span.text.strip()
        )
        generation = generation or self.generation
        if self.settings.graph_answers:
            from kgqa.qa.serve.graph_reads import graph_read_answers

            read = [a for copies in groups.values() for a in copies]
            join(graph_read_answers(self, question, hits, generation, read))
        from kgqa.qa.serve.part_reads import part_read_answers

        added, hidden = part_read_answers(
            self, question, hits, [a for g in groups.values() for a in g]
        )
        join(added)
        # each copy is checked on its own words (a vetoed one takes no other down); best leads
        groups = {k: [a for a in v if id(a) not in hidden] for k, v in groups.items()}
        shown = vetted(self, question, hits, groups, join, generation)
        merged = []
        for copies in groups.values():
            copies.sort(key=lambda a: (id(a) not in shown, *_rank_key(a)))
            if not copies or id(best := copies[0]) not in shown:
                continue
            best.named_field = any(c.named_field for c in copies)
            best.also_in = [
                {
                    "doc_id": o.doc_id,
                    "passage_id": o.passage_id,
                    "start": o.start,
                    "end": o.end,
                    "score": round(o.score, 6),
                    **(
                        {"probability": round(o.probability, 4)}
                        if o.probability is not None
                        else {}
                    ),
                }
                for o in copies[1:]
            ]
            merged.append(best)
        from kgqa.qa.serve.agreement import graph_agreeing

        agreeing = graph_agreeing(self, question, merged, generation)
        for answer in merged:
            answer.graph_agrees = id(answer) in agreeing
        margin = None if self.verifier is None else self.verifier.answer_margin
        return shown_answers(merged, top_answers, margin)

    def without_vetoed(
        self, question: str, answers: list[Answer], generation: Generation, parts: bool = False
    ) -> list[Answer]:
        """``answers`` less those the graph or their own words give another question (setting
        ``graph_veto``; ``read_checks``); with ``parts``, also those ``part_reads`` hides."""
        from kgqa.qa.serve.agreement import graph_disagreeing
        from kgqa.qa.serve.part_reads import hidden_parts
        from kgqa.qa.serve.read_checks import read_elsewhere

        vetoed = hidden_parts(self, question, answers) if parts else set()
        if self.settings.graph_veto:
            vetoed |= graph_disagreeing(self, question, answers, generation)
            vetoed |= read_elsewhere(question, answers, generation)
        return [a for a in answers if id(a) not in vetoed]

    def hides(self, step: Any) -> bool:
        """Whether a multi-hop ``step`` (``kgqa.qa.multihop.steps.Step``) is a reading of the
        reader under the verifier's threshold (never without a verifier): its answer is not
        shown."""
        return (
            self.verifier is not None
            and step.how == "reader"
            and (step.probability or 0.0) < self.answer_threshold
        )

    @property
    def answer_threshold(self) -> float:
        """What an answer must reach: with the verifier, its probability threshold (or the
        setting answer_threshold); without, the reader's margin over no answer."""
        if self.verifier is None:
            return self.no_answer_threshold
        return self.verifier.threshold_in_force(self.settings.answer_threshold)


def _rank_key(answer: Answer) -> tuple[float, float]:
    """Best first: by the verifier's probability when there is one, then by the margin."""
    return (-(answer.probability if answer.probability is not None else 0.0), -answer.score)


def shown_answers(
    answers: list[Answer], top_answers: int | None, margin: float | None
) -> list[Answer]:
    """The answers to show, best first (those the graph agrees with before the others): the
    ``top_answers`` best when it is given; else the best one, plus (with a verifier's
    ``margin``) the others whose probability comes within ``margin`` of the best's."""
    ranked = sorted(answers, key=lambda a: (not a.graph_agrees, not a.named_field, *_rank_key(a)))
    if top_answers is not None:
        return ranked[:top_answers]
    if not ranked or margin is None or ranked[0].probability is None:
        return ranked[:1]
    floor = ranked[0].probability - margin
    return [ranked[0]] + [a for a in ranked[1:] if (a.probability or 0.0) >= floor]


def _edge_json(direction: str, other: str, graph: Any, d: dict[str, Any]) -> dict[str, Any]:
    return {
        "direction": direction,
        "other": other,
        "other_name": graph.nodes[other].get("label"),
        "label": d["label"],
        "confidence": d["confidence"],
        "evidence": d["evidence"],
        "example": d["example"],
        "typed": d.get("typed", False),
    }
