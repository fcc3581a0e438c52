"""A long document in pieces: cut at paragraph breaks, each piece's results put back with
offsets into the whole text, and a failed piece named."""

from __future__ import annotations

import numpy as np

from kgqa.kg.graph import EvidenceRow, MentionRow
from kgqa.qa.ingest.loaders import split_passages
from kgqa.qa.ingest.pieces import cut_spans, join_pieces, pieces_of
from kgqa.qa.ingest.report import Failure
from kgqa.qa.store import PassageMention, ProcessedDocument
from kgqa.qa.types import Document


def long_document(paragraphs: int = 40) -> Document:
    text = "\n\n".join(
        f"Paragraph {i} says that Ada Lovelace worked in London. It has a second sentence."
        for i in range(paragraphs)
    )
    return Document("long.txt", text, "long.txt", "hash")


def fake_processing(piece: Document) -> ProcessedDocument:
    """What the per-document work gives, without models: passages, every 'Ada Lovelace' a
    mention, every 'London' sentence evidence."""
    passages = split_passages(piece, 300, 0)
    where = lambda at: next(p.passage_id for p in passages if p.start <= at < p.end)  # noqa: E731
    mentions, evidence = [], []
    at = piece.text.find("Ada Lovelace")
    while at >= 0:
        row = MentionRow("ada-lovelace:PERSON", "Ada Lovelace", "PERSON", piece.doc_id)
        mentions.append(PassageMention(where(at), row, "Ada Lovelace", at, at + 12))
        end = piece.text.find(".", at) + 1
        evidence.append(
            EvidenceRow(
                "ada-lovelace:PERSON",
                "london:GPE",
                "Work_For",
                0.9,
                "joint",
                piece.doc_id,
                where(at),
                at,
                end,
                piece.text[at:end],
            )
        )
        at = piece.text.find("Ada Lovelace", at + 1)
    vectors = np.arange(len(passages), dtype=np.float32)[:, None] + np.zeros((1, 4), np.float32)
    return ProcessedDocument(piece, passages, vectors, mentions, evidence)


def test_pieces_cover_the_text_and_are_cut_at_paragraph_breaks() -> None:
    doc = long_document()
    spans = cut_spans(doc.text, 1_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(doc.text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(0 < end - start <= 1_000 for start, end in spans)
    assert all(doc.text[end - 2 : end] == "\n\n" for _, end in spans[:-1])
    # no paragraph, sentence or space to cut at: cut at the size
    assert cut_spans("x" * 2_500, 1_000) == [(0, 1_000), (1_000, 2_000), (2_000, 2_500)]


def test_pieces_put_back_give_offsets_into_the_whole_document() -> None:
    doc = long_document()
    parts = [(start, fake_processing(piece)) for start, piece in pieces_of(doc, 1_000)]
    assert len(parts) > 3
    whole = join_pieces(doc, list(reversed(parts)))  # in any order
    assert isinstance(whole, ProcessedDocument) and whole.document is doc
    assert [p.passage_id for p in whole.passages] == [
        f"long.txt#{i}" for i in range(len(whole.passages))
    ]
    assert all(doc.text[p.start : p.end] == p.text for p in whole.passages)
    ids = {p.passage_id: p for p in whole.passages}
    assert len(whole.mentions) == 40 == len(whole.evidence)
    for m in whole.mentions:
        assert doc.text[m.start : m.end] == "Ada Lovelace"
        assert ids[m.passage_id].start <= m.start < ids[m.passage_id].end
    assert all(doc.text[e.start : e.end] == e.sentence for e in whole.evidence)
    assert whole.vectors.shape == (len(whole.passages), 4)


def test_a_failed_piece_fails_the_document_and_is_named() -> None:
    doc = long_document()
    parts = [(start, fake_processing(piece)) for start, piece in pieces_of(doc, 1_000)]
    parts[2] = (parts[2][0], Failure("long.txt", "timed out"))
    failed = join_pieces(doc, parts)
    assert isinstance(failed, Failure)
    assert f"piece 3 of {len(parts)}" in failed.reason and "timed out" in failed.reason
