"""Answering a question that needs two or more facts, one hop at a time.

A chain ("the mother of the director of X") is followed from its named entity: each hop is
answered by a typed graph edge when the graph has one of the matching relation, else by the
reader over passages that mention the entity (retrieved with the hop's question, so retrieval
follows the bridge). A comparison reads a date for each side; a yes/no question compares a fact
of each side or checks a claim against each side's passage. Every hop becomes a ``Step`` of the
answer's path, with the edge or span that answered it."""

from __future__ import annotations

import re
from typing import Any

from kgqa.kg.canonical import canonical_key
from kgqa.qa.multihop.cast import cast_step, starring_step
from kgqa.qa.multihop.claims import counted_side, listed_side, supported_side
from kgqa.qa.multihop.common import definition, shared_run
from kgqa.qa.multihop.facts import (
    US_STATES,
    Date,
    bridge_span,
    country_key,
    country_spans,
    dates_in,
    life_dates,
    pick_date,
)
from kgqa.qa.multihop.hops import doc_title, graph_step, graph_steps, is_about, name_key
from kgqa.qa.multihop.kin import PARENTS, kin_clash, kin_span
from kgqa.qa.multihop.kinds import answer_fits, wanted_kind
from kgqa.qa.multihop.names import loose_key, name_end, own_name_words, question_names, short_name
from kgqa.qa.multihop.parse import (
    BIRTHPLACE,
    HOPS,
    NAME_OF,
    PEOPLE,
    Chain,
    Clause,
    Common,
    Comparison,
    Shape,
    outer_relation,
    parse,
    relation_of,
)
from kgqa.qa.multihop.steps import Solved, Step, read_step, text_step
from kgqa.qa.multihop.yesno import yes_no
from kgqa.qa.squad import normalize_answer
from kgqa.qa.types import Answer, Hit

# what a hop's answer must not be typed against, by its relation (``kinds``)
_KIN = ("mother", "father", "parent", "wife", "husband", "spouse", "child", "son", "daughter",
        "sibling", "brother", "sister")  # fmt: skip
_HOP_KINDS = {
    **{r: "someone" for r in _KIN},  # a performer or a founder may be a band or a company
    **{r: "place" for r in (*BIRTHPLACE, "place of death", "place of burial")},
}


# A hop's passages come from BM25 + dense + the graph walk (personalised PageRank from the
# hop's entities), which reaches a bridge entity's own passages; on the multi-hop dev files it
# lifted answer F1 (2Wiki 60.6 -> 61.3, MuSiQue 16.4 -> 16.7, HotpotQA 37.7 both) where
# plain hybrid was the mode (docs/benchmarks.md). Single-passage questions keep `search_mode`.
HOP_SEARCH_MODE = "hybrid+graph"
# the outer question's own best passages read beside those about its bridge
OWN_PASSAGES = 6


class MultiHop:
    """Follows the shapes of ``kgqa.qa.multihop.parse`` over one service's store."""

    def __init__(self, service: Any, generation: Any, k: int = 4) -> None:
        """``service``: the ``kgqa.qa.serve.service.QAService`` asking (its search, reader and
        verifier), not imported here so that the service can import this module;
        ``generation``: the store generation the whole question is answered from."""
        self.service = service
        self.k = k
        self.generation = generation
        self.hits: dict[str, Hit] = {}
        self.searched: dict[str, list[Hit]] = {}  # hits by query, for this question
        self.named: set[str] = set()  # the whole question's names, normalised

    def search(self, query: str) -> list[Hit]:
        """The hits of ``query`` (searched once per question: hops ask again)."""
        if query not in self.searched:
            self.searched[query] = self.service.search(query, 20, HOP_SEARCH_MODE, self.generation)
        return self.searched[query]

    # --- passages about an entity --------------------------------------------------------
    def about(self, name: str, query: str) -> list[Hit]:
        """Passages that mention ``name`` among those retrieved for ``query`` and for the name
        itself: first those of a document named after it (its opening passage first; then
        a name that differs only in its initials), then those that name it early."""
        key = name_key(name)
        if not key:
            return []
        found: dict[str, Hit] = {}
        for q in (query, name):
            for hit in self.search(q):
                found.setdefault(hit.passage.passage_id, hit)

        own, loose = own_name_words(key), loose_key(key)

        def rank(hit: Hit) -> tuple[float, int, float] | None:
            doc = name_key(doc_title(hit))
            # a document named after it, its opening passage first (where it is defined)
            if doc == key or loose_key(doc) == loose:
                return (0, hit.passage.ordinal, -hit.score)
            if own and own_name_words(doc) == own:  # "Adlai E. Stevenson I"
                return (0.5, hit.passage.ordinal, -hit.score)
            at = canonical_key(hit.passage.text).find(key)
            if at < 0:  # punctuation aside: "Op 3 6" of "Op.3 6"
                at = loose_key(hit.passage.text).find(loose) if loose else -1
            if at < 0:
                return None
            return (1 if at < 150 else 2, 0, -hit.score)

        ranked = [(r, h) for h in found.values() if (r := rank(h)) is not None]
        ranked.sort(key=lambda rh: rh[0])
        hits = [h for _, h in ranked[: self.k]]
        for h in hits:
            self.hits.setdefault(h.passage.passage_id, h)
        return hits

    # --- one hop -----------------------------------------------------------------------
    def hop(self, entity: str, relation: str) -> Step | None:
        question = HOPS.get(relation, "Who is the {r} of {e}?").format(e=entity, r=relation)
        return (
            self.from_text(entity, relation, question)
            or graph_step(self, entity, relation, question)
            or self.read(question, entity, relation in PEOPLE, _HOP_KINDS.get(relation))
        )

    def from_text(self, entity: str, relation: str, question: str) -> Step | None:
        """Dates, places of birth and death, countries and parents, read in the entity's
        passage the way an encyclopedia states them ("Ann Lee (12 May 1900 - 1980) ... born
        in Leeds", "... son of Sir Roger Martin, 2nd Baronet and Anna Harvey")."""
        if relation in ("date of birth", "date of death"):
            found = self.date_of(entity, relation.split()[-1], "")
            return None if found is None else found[1]
        if relation in BIRTHPLACE or relation == "place of death":
            verb = r"(?:died|death)" if relation == "place of death" else r"born"
            word = r"[A-Z][\w'\-]+"
            place = (
                rf"\b{verb}\b[^.;()]{{0,60}}?\b(?:in|at)\s+((?:the\s+)?{word}"
                rf"(?:(?:,\s*|\s+(?:de\s+|upon\s+|on\s+)?){word})*)"
            )
            for hit in self.about(entity, question)[:2]:
                m = re.search(place, hit.passage.text)
                if m:
                    return text_step(question, hit, m.start(1), m.end(1))
            return None
        if relation in ("nationality", "country of citizenship", "country", "country of origin"):
            for hit in self.about(entity, question)[:1]:
                spans = country_spans(hit.passage.text[:400])
                if spans:
                    step = text_step(question, hit, *spans[0])
                    # "Pakistani": Pakistan; a state ("Ohio") is no nationality
                    if relation == "country of citizenship" or step.answer.lower() in US_STATES:
                        step.answer = country_key(step.answer).title()
                    return step
        if relation == "cast member":
            return starring_step(self, entity, question)
        if relation in (*PARENTS, "child", "son", "daughter"):  # ``kin``
            hits = self.about(entity, question)
            if relation in PARENTS:  # "son of A and his wife B": in the entity's own passage
                hits = [hit for hit in hits[:1] if is_about(hit, entity)]
            for hit in hits:
                span = kin_span(hit.passage.text, entity, relation)
                if span is not None:
                    return text_step(question, hit, *span)
        return None

    def read(
        self, question: str, entity: str, person: bool = False, kind: str | None = None
    ) -> Step | None:
        """The reader's best span for ``question`` in the passages about ``entity``; with
        ``person``, the best span that is a name (cut to the name it starts with); with
        ``kind``, not a name the graph types against it."""
        hits = self.about(entity, question)
        answer = self.best_span(question, hits, person, kind, about=entity)
        return None if answer is None else read_step(question, answer)

    def best_span(
        self,
        question: str,
        hits: list[Hit],
        person: bool = False,
        kind: str | None = None,
        about: str | None = None,
    ) -> Answer | None:
        """The reader's best span over ``hits`` (by the verifier's probability when there is
        one, else the margin), with no threshold: the hop's passages were chosen for it. With
        ``kind`` (``kinds.wanted_kind``), a name the graph types against it is passed over.
        With ``about`` (the name a hop asks about, "" for none), a span that is that name or
        a whole name the question already says is passed over ("We Sweat Blood" for the
        castle in the city where its band formed; "Rouen" of "the Rouen Bell" may answer).
        A person is one name, not a list."""
        if self.service.reader is None or not hits:
            return None
        readings, probabilities = self.service.read_passages(question, hits)
        best: Answer | None = None
        for hit, reading, probability in zip(hits, readings, probabilities):
            span = reading.span
            if span is None or not span.text.strip():
                continue
            start, end = span.start, span.end
            if person:
                at = re.search(r"[A-Z]", span.text)
                if at is None:
                    continue
                start += at.start()
                end = min(end, name_end(hit.passage.text, start))
                names = hit.passage.text[start:end]
                # "A, 3rd Baronet and B", "A, B, C": the first of the people listed
                cut = re.search(r"\s+and\s+(?=[A-Z])", names)
                if names.count(", ") >= 2:
                    cut = re.search(r",\s", names)
                if cut:
                    end = start + cut.start()
                if end <= start or kin_clash(question, hit.passage.text, start):
                    continue  # "married Ellen Axson" is no child
            cut = re.search(r"\s*[(;]", hit.passage.text[start:end]) if kind == "place" else None
            end = start + cut.start() if cut and cut.start() else end  # "Nájera (b. 1126)"
            p = hit.passage
            answer = Answer(
                p.text[start:end], span.score, p.doc_id, p.passage_id, p.start + start,
                p.start + end, p.text, p.start, probability=probability,
            )  # fmt: skip
            if kind is not None and not answer_fits(
                self.service, self.generation, kind, p.passage_id, answer.text, answer.start,
                answer.end,
            ):  # fmt: skip
                continue
            key = normalize_answer(answer.text)
            if about is not None and (key == normalize_answer(about) or key in self.named):
                continue
            if best is None or (probability or span.score, span.score) > (
                best.probability or best.score,
                best.score,
            ):
                best = answer
        return best

    # --- shapes ------------------------------------------------------------------------
    def solve(self, question: str, shape: Shape, depth: int = 0) -> Solved | None:
        if depth == 0:
            self.named = {normalize_answer(name) for name in question_names(question)}
        if isinstance(shape, Chain):
            return self.chain(shape, depth)
        if isinstance(shape, Comparison):
            return self.comparison(question, shape)
        if isinstance(shape, Clause):
            return self.clause(shape, depth)
        if isinstance(shape, Common):
            return self.common(question, shape)
        return yes_no(self, shape)

    def clause(self, shape: Clause, depth: int) -> Solved | None:
        """The clause's own question first (a cast list, else read over the passages it
        retrieves); its answer, a name, stands in the outer question, which is followed in turn
        when it has a shape (up to three deep), else read over the bridge's passages. None when
        the bridge is no name or the outer answer is under the verifier's threshold."""
        bridge = cast_step(self, shape.inner)  # "Who played Count Olaf in X?": X's cast
        if bridge is None:
            hits = self.search(shape.inner)[: self.k]
            # a bridge that is a place must not be a person, a work or a building; works and
            # people are left to the reader (the small NER types many titles as places)
            kind = wanted_kind(f"which {shape.noun}" if shape.noun else shape.inner)
            place = kind if kind in ("place", "settlement") else None
            first = self.best_span(shape.inner, hits, shape.person, place, about="")
            if first is None:
                return None
            at = first.start - first.passage_start  # a country, or a place's first name
            a, b, first.text = bridge_span(first.context, at, at + len(first.text), shape.noun,
                                           place is not None)  # fmt: skip
            first.start, first.end = first.passage_start + a, first.passage_start + b
            if not re.match(r"[A-Z0-9]", first.text):
                return None
            for h in hits:
                self.hits.setdefault(h.passage.passage_id, h)
            bridge = read_step(shape.inner, first)
        outer = shape.outer.replace("{bridge}", bridge.answer)
        if NAME_OF.match(shape.outer):  # "What is the name of {bridge}?"
            return Solved(bridge.answer, [bridge], self.used())
        deeper = parse(outer) if depth < 2 else None
        if deeper is not None:
            solved = self.solve(outer, deeper, depth + 1)
            if solved is not None:
                return Solved(solved.text, [bridge, *solved.steps], self.used())
        last = self.outer_hop(shape.outer, bridge.answer)
        if last is None or self.service.hides(last):
            return None
        return Solved(last.answer, [bridge, last], self.used())

    def common(self, question: str, shape: Common) -> Solved | None:
        """What two things share: the words that both of their passages' definitions hold
        ("an English author of thrillers", "an American-born Canadian author": author)."""
        for pair in shape.pairs:
            one, other = (self.definition(side, question) for side in pair)
            if one is None or other is None:
                continue  # a side with no passage about it: another reading of the names
            (a, (a0, a1)), (b, (b0, b1)) = one, other
            first = a.passage.text[a0:a1]
            run = shared_run(first, b.passage.text[b0:b1], shape.kind)
            if run is None:
                return None
            text = first[run[0] : run[1]]
            steps = [
                text_step(f"What is {pair[0]}?", a, a0, a1),
                text_step(f"What is {pair[1]}?", b, b0, b1),
                Step("What do both definitions say?", text, "comparison"),
            ]
            return Solved(text, steps, self.used())
        return None

    def definition(self, name: str, question: str) -> tuple[Hit, tuple[int, int]] | None:
        """The passage about ``name`` and where its first sentence defines it."""
        for hit in self.about(name, question)[:2]:
            span = definition(hit.passage.text)
            if span is not None and is_about(hit, name, span[0]):
                return hit, span
        return None

    def follow(self, entity: str, relations: list[str]) -> tuple[str, list[Step]] | None:
        """The entity the hops of ``relations`` lead to, and their steps; None when one of
        them finds nothing."""
        entity, steps = self.hops(entity, relations)
        return (entity, steps) if len(steps) == len(relations) else None

    def hops(self, entity: str, relations: list[str]) -> tuple[str, list[Step]]:
        """The hops of ``relations`` from ``entity``, as far as they go: the last entity
        reached and the steps (fewer than the relations when a hop finds nothing)."""
        steps: list[Step] = []
        for relation in relations:
            step = self.hop(entity, relation)
            if step is None:
                break
            steps.append(step)
            entity = step.answer
        return entity, steps

    def chain(self, shape: Chain, depth: int = 0) -> Solved | None:
        """The chain's hops from its entity; then its outer question with the bridge in
        place, followed in turn when it has a shape of its own ("the castle in the city where
        {bridge} formed", at most three shapes deep), else asked of the bridge. When the first
        hop finds nothing the question goes the single-passage way; when a later one finds
        nothing, the answer is empty with the path so far (read as one passage, "the mother
        of the founder of X" would be answered with the founder)."""
        bridge, steps = self.hops(shape.entity, shape.relations)
        if len(steps) < len(shape.relations):
            return Solved("", steps, self.used()) if steps else None
        if shape.outer is None or NAME_OF.match(shape.outer):
            return Solved(bridge, steps, self.used())
        # the graph's other entities of the last hop ("the co-founder of X": each founder):
        # the outer answer shown with the highest probability, else the first one's result
        first: Solved | None = None
        best: tuple[float, Solved] | None = None
        for last_hop in [steps[-1], *self.other_edges(shape, steps)]:
            solved = self.outer_of(shape, [*steps[:-1], last_hop], depth)
            first = first or solved
            if solved and solved.text and solved.steps and not self.service.hides(solved.steps[-1]):
                sure = solved.steps[-1].probability or 0.0
                if best is None or sure > best[0]:
                    best = (sure, solved)
        return best[1] if best else first

    def other_edges(self, shape: Chain, steps: list[Step]) -> list[Step]:
        """The other entities the graph gives for a chain's last hop, when a graph edge
        answered it (most confident first), else none."""
        if steps[-1].how != "graph":
            return []
        entity = steps[-2].answer if len(steps) > 1 else shape.entity
        return graph_steps(self, entity, shape.relations[-1], steps[-1].question)[1:]

    def outer_of(self, shape: Chain, steps: list[Step], depth: int) -> Solved | None:
        """A chain's outer question with the bridge its ``steps`` reached in place."""
        assert shape.outer is not None
        bridge = steps[-1].answer
        outer = shape.outer.replace("{bridge}", bridge)
        deeper = parse(outer) if depth < 2 else None
        if deeper is not None:
            solved = self.solve(outer, deeper, depth + 1)
            if solved is not None:
                return Solved(solved.text, [*steps, *solved.steps], self.used())
        last = self.outer_hop(shape.outer, bridge)
        if last is None:
            return None
        return Solved(last.answer, [*steps, last], self.used())

    def outer_hop(self, outer: str, bridge: str) -> Step | None:
        """The last hop, the outer question (``{bridge}`` where the bridge stands) asked of
        the bridge: by the relation it asks when it asks one ("Who is the child of {bridge}?",
        "Where was {bridge} born?"), else read over the passages about the bridge and the
        question's own best passages that name it ("the castle in Toronto": Casa Loma's)."""
        question = outer.replace("{bridge}", bridge)
        known = relation_of(outer) or outer_relation(outer)
        step = cast_step(self, question) or (self.hop(bridge, known) if known else None)
        if step is not None:
            return step
        hits = self.about(bridge, question)
        seen, key = {h.passage.passage_id for h in hits}, name_key(bridge)
        keys = [k for k in (key, short_name(key)) if k]  # "King Henry III of England": Henry III
        for hit in self.search(question)[:OWN_PASSAGES]:
            if hit.passage.passage_id in seen:
                continue
            if any(k in canonical_key(hit.passage.text) for k in keys):
                hits.append(hit)
                self.hits.setdefault(hit.passage.passage_id, hit)
        answer = self.best_span(question, hits, kind=_HOP_KINDS.get(known or ""), about=bridge)
        return None if answer is None else read_step(question, answer)

    def comparison(self, question: str, shape: Comparison) -> Solved | None:
        if shape.attribute == "choice":
            return self.choice(question, shape)
        steps: list[Step] = []
        dates: list[Date | None] = []
        for side in shape.sides:
            entity = side
            if shape.relations:
                followed = self.follow(side, shape.relations)
                if followed is None:
                    dates.append(None)
                    continue
                entity, more = followed
                steps += more
            step = self.date_of(entity, shape.attribute, shape.verb)
            dates.append(None if step is None else step[0])
            if step is not None:
                steps.append(step[1])
        known = [(d, i) for i, d in enumerate(dates) if d is not None]
        if not known:
            return None
        if len(known) == 2:
            (da, _), (db, _) = known
            pick = pick_date(da, db, shape.latest)
        else:
            pick = known[0][1] if not shape.latest else 1 - known[0][1]
        what = {"birth": "was born", "death": "died", "date": f"was {shape.verb}"}[shape.attribute]
        what = "came out" if shape.verb == "came out" and shape.attribute == "date" else what
        side = shape.sides[pick]
        steps.append(
            Step(f"Which {what} {'later' if shape.latest else 'first'}?", side, "comparison")
        )
        return Solved(side, steps, self.used())

    def date_of(self, entity: str, attribute: str, verb: str) -> tuple[Date, Step] | None:
        """A date of ``entity``: its birth or death (from the bracket of its passage) or the
        date it was released, founded ... (the first date of its passage), else the reader's."""
        question = {
            "birth": f"When was {entity} born?",
            "death": f"When did {entity} die?",
        }.get(
            attribute,
            f"When did {entity} come out?"
            if verb == "came out"
            else f"When was {entity} {verb or 'released'}?",
        )
        for hit in self.about(entity, question)[:2]:
            text = hit.passage.text
            if attribute in ("birth", "death"):
                name = re.sub(r"\s*\(.*", "", entity)
                if name_key(name) not in canonical_key(text[:80]):
                    continue  # a date in a bracket is the date of whom the passage is about
                born, died = life_dates(text, name)
                date = born if attribute == "birth" else died
            else:
                found = dates_in(text[:300])
                date = found[0][0] if found else None
            if date is not None:
                where = next(((a, b) for d, a, b in dates_in(text) if d == date), None)
                if where is None:
                    continue
                return date, text_step(question, hit, *where)
        step = self.read(question, entity)
        if step is None:
            return None
        found = dates_in(step.answer)
        if not found:
            return None
        # "1 December 1636 – 5 February 1718": the first date is the birth, the last the death
        date, a, b = found[-1] if attribute == "death" else found[0]
        if step.start is not None:
            step.start, step.end = step.start + a, step.start + b
        step.answer = step.answer[a:b]
        return date, step

    def choice(self, question: str, shape: Comparison) -> Solved | None:
        """Pick a side: the one whose passages alone hold the claim's words (``claims``), else
        by reading the question in each side's passages: the side the reader's best span
        names, else the side whose passage the reader is surer of."""
        about = {side: self.about(side, question) for side in shape.sides}
        texts = {side: [h.passage.text for h in hits[:2]] for side, hits in about.items()}
        counted = counted_side(question, texts)
        if counted is not None:
            side, thing, n, start, end = counted
            step = text_step(f"How many {thing} for {side}?", about[side][n], start, end)
            compared = Step("Which side's count wins?", side, "comparison")
            return Solved(side, [step, compared], self.used())
        picked = supported_side(question, texts)
        if picked is not None:
            side, words = picked
            said = f"Which side's passage says {', '.join(words)}?"
            for hit in about[side][:2]:
                where = re.search(rf"(?i)\b{re.escape(words[0])}\b", hit.passage.text)
                if where is not None:
                    step = text_step(said, hit, where.start(), where.end())
                    compared = Step("Which side does the text support?", side, "comparison")
                    return Solved(side, [step, compared], self.used())
        scored = []
        steps = []
        for side in shape.sides:
            hits = about[side]
            answer = self.best_span(question, hits)
            if answer is None:
                continue
            steps.append(read_step(question, answer))
            scored.append((side, answer))
        if not scored:
            return None
        listed = listed_side(question, {side: answer.text for side, answer in scored})
        if listed is not None:  # "Which film has more directors?": "A and B" against "C"
            steps.append(Step("Which side's answer lists more?", listed, "comparison"))
            return Solved(listed, steps, self.used())
        for _, answer in scored:
            for other in shape.sides:
                if name_key(other) and name_key(other) in canonical_key(answer.text):
                    steps.append(Step("Which side does it name?", other, "comparison"))
                    return Solved(other, steps, self.used())
        side, _ = max(scored, key=lambda sa: sa[1].probability or sa[1].score)
        steps.append(Step("Which side's passage answers it?", side, "comparison"))
        return Solved(side, steps, self.used())

    def used(self) -> list[Hit]:
        return list(self.hits.values())
