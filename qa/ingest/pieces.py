"""Long documents processed in pieces: a document longer than ``document_piece_chars`` is cut
at paragraph breaks (else sentence ends, else whitespace) into pieces that are processed like
documents of their own, each under its own time limit and counted by the progress bar, then
put back together as one document: passages numbered in order, every offset a position in the
whole text. So a 15 MB file is worked on in bounded steps with progress, and a stuck piece
stops its own worker, not hours of work.

What a piece does not see: the passages at a cut do not overlap across it, and the alias rules
that tie a short name to a full one within a document ("Pasteur" to "Louis Pasteur") work
within each piece; the store's canonical names tie the pieces' entities together as they do
across documents."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from kgqa.kg.graph import EvidenceRow
from kgqa.qa.ingest.report import Failure
from kgqa.qa.store import PassageMention, ProcessedDocument
from kgqa.qa.types import Document, Passage

Result = ProcessedDocument | Failure


def cut_spans(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) spans of at most ``size`` characters that cover ``text`` in order, each
    cut in its last quarter at a paragraph break, else a line break or sentence end, else a
    space (else at ``size``)."""
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        low, high = start + size * 3 // 4, start + size
        end = _last_break(text, low, high) or high
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def _last_break(text: str, low: int, high: int) -> int | None:
    """Where the text may be cut within [low, high]: just after the last paragraph break, else
    the last line break or sentence end, else the last space; None when there is none."""
    for separators in (("\n\n",), ("\n", ". "), (" ",)):
        found = [(text.rfind(sep, low, high), sep) for sep in separators]
        ends = [at + len(sep) for at, sep in found if at >= 0]
        if ends:
            return max(ends)
    return None


def pieces_of(doc: Document, size: int) -> list[tuple[int, Document]]:
    """The document's pieces, each with where it starts in the whole text."""
    spans = cut_spans(doc.text, size)
    return [(start, replace(doc, text=doc.text[start:end])) for start, end in spans]


def join_pieces(doc: Document, parts: list[tuple[int, Result]]) -> Result:
    """The whole document's result from its pieces' (start, result): a Failure naming the
    first piece that failed, else passages renumbered and every offset moved by its piece's
    start."""
    parts = sorted(parts, key=lambda part: part[0])
    for n, (start, item) in enumerate(parts, 1):
        if isinstance(item, Failure):
            return Failure(
                item.where,
                f"{item.reason} (in piece {n} of {len(parts)}, from character {start:,}: the "
                "document is processed in pieces of document_piece_chars characters)",
            )
    passages: list[Passage] = []
    mentions: list[PassageMention] = []
    evidence: list[EvidenceRow] = []
    vectors: list[np.ndarray] = []
    for start, item in parts:
        assert isinstance(item, ProcessedDocument)
        ids: dict[str, str] = {}
        for p in item.passages:
            ordinal = len(passages)
            ids[p.passage_id] = f"{doc.doc_id}#{ordinal}"
            passages.append(
                replace(
                    p,
                    passage_id=ids[p.passage_id],
                    ordinal=ordinal,
                    start=p.start + start,
                    end=p.end + start,
                )
            )
        mentions += [
            replace(m, passage_id=ids[m.passage_id], start=m.start + start, end=m.end + start)
            for m in item.mentions
        ]
        evidence += [
            replace(e, passage_id=ids[e.passage_id], start=e.start + start, end=e.end + start)
            for e in item.evidence
        ]
        vectors.append(item.vectors)
    return ProcessedDocument(doc, passages, np.concatenate(vectors), mentions, evidence)
