"""What a multi-hop answer is made of: its steps (each hop's sub-question, its answer and what
answered it) and the solved answer they lead to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kgqa.qa.multihop.facts import count_end
from kgqa.qa.squad import normalize_answer
from kgqa.qa.types import Answer, Hit


@dataclass
class Step:
    """One hop of an answer's path: the sub-question, its answer, and what answered it (a
    typed graph ``edge`` or a reader ``span`` in a document, or a ``comparison`` of the
    steps before it)."""

    question: str
    answer: str
    how: str  # "graph", "reader", "text" (a date or country read in a passage), "comparison"
    doc_id: str | None = None
    passage_id: str | None = None
    start: int | None = None
    end: int | None = None
    probability: float | None = None
    edge: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"question": self.question, "answer": self.answer, "how": self.how}
        if self.doc_id is not None:
            out.update(
                doc_id=self.doc_id, passage_id=self.passage_id, start=self.start, end=self.end
            )
        if self.probability is not None:
            out["probability"] = round(self.probability, 4)
        if self.edge is not None:
            out["edge"] = self.edge
        return out


@dataclass
class Solved:
    """A multi-hop answer: its text, the steps that led there, the passages they used."""

    text: str
    steps: list[Step]
    hits: list[Hit] = field(default_factory=list)

    def answer(self) -> Answer:
        """The answer located where the last step that read a passage read it."""
        located = next((s for s in reversed(self.steps) if s.passage_id is not None), None)
        hit = next(
            (h for h in self.hits if located and h.passage.passage_id == located.passage_id),
            None,
        )
        if located is None or hit is None:
            passage = self.hits[0].passage if self.hits else None
            start = end = passage.start if passage else 0
        else:
            passage = hit.passage
            start, end = located.start or passage.start, located.end or passage.start
            if located.how != "reader" or normalize_answer(located.answer) != normalize_answer(
                self.text
            ):
                start = end = passage.start
        probability = next((s.probability for s in reversed(self.steps) if s.probability), None)
        return Answer(
            self.text,
            0.0,
            passage.doc_id if passage else "",
            passage.passage_id if passage else "",
            start,
            end,
            passage.text if passage else "",
            passage.start if passage else 0,
            probability=probability,
        )


def text_step(question: str, hit: Hit, start: int, end: int) -> Step:
    """A step answered by the words at [start, end) of ``hit``'s passage."""
    p = hit.passage
    return Step(
        question, p.text[start:end], "text", p.doc_id, p.passage_id, p.start + start,
        p.start + end,
    )  # fmt: skip


def read_step(question: str, answer: Answer) -> Step:
    """A step answered by the reader's span ``answer`` (to a "how many" question, its number:
    "22", not "22 times between 1361 and 1528")."""
    end = count_end(question, answer.text)
    return Step(
        question, answer.text[:end], "reader", answer.doc_id, answer.passage_id, answer.start,
        answer.start + end, answer.probability,
    )  # fmt: skip
