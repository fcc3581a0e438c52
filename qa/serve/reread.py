"""The reader's next span in a passage whose best one was not shown: where every answer that
passed the verifier was hidden by a check, and one of them for words that leave its passage
a chance to answer ("3 February 2027", the dateline of a page about a footbridge, for when it
will reopen), its hit is read again with that span blanked out, so that the reader gives the
span it ranked after it ("1 March")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kgqa.qa.squad import normalize_answer

if TYPE_CHECKING:
    from kgqa.qa.types import Answer, Hit


def vetted(
    service: Any,
    question: str,
    hits: list[Hit],
    groups: dict[str, list[Answer]],
    join: Callable[[Iterable[Answer]], None],
    generation: Any,
) -> set[int]:
    """The ids of the answers of ``groups`` that pass the verifier and that the checks leave
    shown (``service.without_vetoed``). Where the checks hide every answer that passed, the
    hits of those that their passage may still answer (``read_checks.passage_may_answer``: a
    dateline, a credit, the source a sentence reports, another event of the kind asked) are
    read again (``read_again``), the new answers ``join`` the groups, and all are checked
    once more."""
    from kgqa.qa.serve.read_checks import passage_may_answer

    shown: set[int] = set()
    for again in (False, True):
        passing = [a for v in groups.values() for a in v if service.passes(a.score, a.probability)]
        shown = {id(a) for a in service.without_vetoed(question, passing, generation)}
        if shown or not passing or again:
            break
        may = passage_may_answer(question, passing)
        join(read_again(service, question, hits, [a for a in passing if id(a) in may]))
    return shown


def read_again(service: Any, question: str, hits: list[Hit], hidden: list[Answer]) -> list[Answer]:
    """The answers of the reader read again in each of ``hits`` that a ``hidden`` answer came
    from, with every hidden span of its passage blanked out (spaces, so that offsets hold),
    with the verifier's probability; none that overlaps a blanked span or says a hidden answer
    again."""
    blanks: dict[str, list[tuple[int, int]]] = {}
    for a in hidden:
        at = a.start - a.passage_start
        blanks.setdefault(a.passage_id, []).append((at, at + len(a.text)))
    said = {normalize_answer(a.text) for a in hidden}
    again = [h for h in hits if h.passage.passage_id in blanks]
    if not again:
        return []
    contexts = []
    for h in again:
        text = h.passage.text
        for lo, hi in blanks[h.passage.passage_id]:
            text = text[:lo] + " " * (hi - lo) + text[hi:]
        contexts.append(text)
    readings, probabilities = service.read_contexts(question, contexts)
    out = []
    for h, reading, probability in zip(again, readings, probabilities):
        span = reading.span
        if span is None or not span.text.strip():
            continue
        if any(span.start < hi and lo < span.end for lo, hi in blanks[h.passage.passage_id]):
            continue
        if normalize_answer(span.text) in said:  # the hidden answer again, said elsewhere
            continue
        out.append(h.passage.answer(span, probability))
    return out
