from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from kgqa.qa.ingest.loaders import SourceFile, discover, load_file, sentence_spans, split_passages
from kgqa.qa.types import Document, InputError


def _load(path: Path, max_bytes: int = 10_000_000) -> list[Document | InputError]:
    return list(load_file(SourceFile(path, path.name), max_bytes))


def test_formats_give_text_without_markup(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Title\n\nSome **bold** text with a [link](http://x.org).\n")
    (tmp_path / "b.html").write_text(
        "<html><head><title>T</title><script>var x=1;</script></head>"
        "<body><h1>Head</h1><p>Para one.</p><p>Para two.</p></body></html>"
    )
    (tmp_path / "c.txt").write_text("Plain\r\ntext.\n\n\n\nMore.")
    docs = {d.doc_id: d for p in sorted(tmp_path.iterdir()) for d in _load(p)}
    assert docs["a.md"].text == "Title\n\nSome bold text with a link."
    assert "var x" not in docs["b.html"].text and "Para one." in docs["b.html"].text
    assert docs["b.html"].title == "T"
    assert docs["c.txt"].text == "Plain\ntext.\n\nMore."


def test_jsonl_keeps_ids_and_reports_bad_lines_by_number(tmp_path: Path) -> None:
    f = tmp_path / "d.jsonl"
    f.write_text(
        "\n".join(
            [
                json.dumps({"id": 7, "text": "Seven.", "title": "T", "metadata": {"k": 1}}),
                "{not json",
                json.dumps({"id": "x"}),
                json.dumps({"text": "no id"}),
                json.dumps({"id": "y", "text": "Why."}),
            ]
        )
    )
    items = _load(f)
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [d.doc_id for d in docs] == ["7", "d.jsonl:4", "y"]  # no id: the file's and line's
    assert docs[0].metadata == {"k": 1}
    assert [e.where for e in errors] == [f"{f}:2", f"{f}:3"]
    assert "not valid JSON" in errors[0].reason
    assert '"text" is missing' in errors[1].reason


def test_a_catalogue_s_records_without_id_or_text_are_read_by_their_fields(
    tmp_path: Path,
) -> None:
    f = tmp_path / "books.jsonl"
    lines = [
        {"title": "Salt and Stone", "author": "Idris Bevan", "pages": 224},
        {"title": "Tide Tables", "content": "A first novel.", "author": "Ana Ruiz"},
        {"title": "Nothing else"},
    ]
    f.write_text("\n".join(json.dumps(r) for r in lines))
    items = _load(f)
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [d.doc_id for d in docs] == ["books.jsonl:1", "books.jsonl:2"]
    assert docs[0].title == "Salt and Stone"
    assert docs[0].text == "Salt and Stone\n\nAuthor: Idris Bevan\nPages: 224"
    # "content", as Haystack writes it
    assert docs[1].text == "A first novel.\n\nAuthor: Ana Ruiz"
    assert [e.where for e in errors] == [f"{f}:3"]
    assert "no other fields" in errors[0].reason


def test_a_jsonl_record_s_own_fields_are_lines_of_its_text(tmp_path: Path) -> None:
    f = tmp_path / "planning.jsonl"
    record = {
        "id": "MB/25/1187",
        "title": "Millbrook Mill",
        "text": "Conversion of the mill to 24 flats.",
        "applicant": "Calder Homes Ltd",
        "decisionDate": "3 November 2025",
        "case_officer": "Ruth Adeyemi",
        "conditions": ["parking", "a footbridge"],
        "listed": False,
        "site": {"lat": 54.1},  # nested: no line
        "metadata": {"ward": "North"},
    }
    f.write_text(json.dumps(record))
    (doc,) = _load(f)
    assert isinstance(doc, Document)
    assert doc.text == (
        "Conversion of the mill to 24 flats.\n\nApplicant: Calder Homes Ltd\n"
        "Decision date: 3 November 2025\nCase officer: Ruth Adeyemi\n"
        "Conditions: parking, a footbridge\nListed: no"
    )
    assert doc.metadata["ward"] == "North" and doc.metadata["applicant"] == "Calder Homes Ltd"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        # bytes no encoding reads as text
        (bytes(random.Random(1).choices(range(1, 256), k=3000)), "no other encoding"),
    ],
    ids=["nothing", "blank", "png", "noise"],
)
def test_bad_files_are_named_with_a_reason(tmp_path: Path, content: bytes, expected: str) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    (item,) = _load(f)
    assert isinstance(item, InputError)
    assert item.where == str(f) and expected in item.reason


def test_text_that_is_not_utf8_is_read_in_the_encoding_it_fits(tmp_path: Path) -> None:
    texts = {
        "western.txt": ("Café crème, Jürgen Weiß and “quotes”.", "cp1252", "cp1252"),
        "windows.txt": ("Ada Lovelace was born in London.", "utf-16", "utf-16"),  # a BOM
        "marked.txt": ("Grace Hopper", "utf-8-sig", None),
        "russian.txt": ("Привет мир, это тест кодировки.", "cp1251", "cp1251"),
    }
    for name, (text, encoding, _) in texts.items():
        (tmp_path / name).write_bytes(text.encode(encoding))
    for name, (text, _, named) in texts.items():
        (doc,) = _load(tmp_path / name)
        assert isinstance(doc, Document) and doc.text == text, name
        assert doc.metadata.get("encoding") == named, name
    # a JSONL file's records carry it too
    line = json.dumps({"id": "1", "text": "Café"}, ensure_ascii=False) + "\n"
    (tmp_path / "records.jsonl").write_bytes(line.encode("cp1252"))
    (doc,) = _load(tmp_path / "records.jsonl")
    assert isinstance(doc, Document) and doc.text == "Café" and doc.metadata["encoding"]


def test_oversized_file_names_the_setting(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_text("word " * 1000)
    (item,) = _load(f, max_bytes=100)
    assert isinstance(item, InputError)
    assert "KGQA_MAX_DOCUMENT_BYTES" in item.reason


def test_discover_recurses_skips_hidden_and_reports_missing(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A.")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "b.txt").write_text("B.")
    (tmp_path / "img.png").write_bytes(b"\x89PNG")
    (tmp_path / "sub" / "table.CSV").write_text("a,b")
    (tmp_path / "sub" / "more.csv").write_text("a,b")
    passed_over: Counter[str] = Counter()
    found, errors = discover([tmp_path, tmp_path / "missing"], passed_over=passed_over)
    assert [s.doc_id for s in found] == ["sub/a.txt"]
    assert len(errors) == 1 and "no such file" in errors[0].reason
    assert passed_over == {".png": 1, ".csv": 2}, "counted for the run's warning, not failed"


def test_sentences_respect_abbreviations() -> None:
    text = "Dr. Smith met Mr. Jones in the U.S. in 1990. They talked. Then J. K. Rowling wrote."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "Dr. Smith met Mr. Jones in the U.S. in 1990.",
        "They talked.",
        "Then J. K. Rowling wrote.",
    ]


def test_passages_have_exact_offsets_overlap_and_bounded_length() -> None:
    sentences = [
        f"Sentence number {i} talks about topic {i % 5} at some length." for i in range(40)
    ]
    text = " ".join(sentences)
    doc = Document("d", text, "src", "h")
    passages = split_passages(doc, max_chars=200, overlap_sentences=1)
    assert len(passages) > 5
    for p in passages:
        assert doc.text[p.start : p.end] == p.text
        assert len(p.text) <= 200
    for a, b in zip(passages, passages[1:]):
        assert b.start < a.end, "consecutive passages share a sentence"
    assert passages[0].start == 0 and passages[-1].end == len(text)
    assert [p.passage_id for p in passages[:2]] == ["d#0", "d#1"]


def test_a_sentence_longer_than_a_passage_is_cut_at_spaces() -> None:
    text = "word " * 300
    doc = Document("d", text.strip(), "src", "h")
    passages = split_passages(doc, max_chars=150, overlap_sentences=0)
    assert all(len(p.text) <= 150 for p in passages)
    assert " ".join(p.text for p in passages).split() == doc.text.split()


def test_links_out_of_the_folder_dangling_links_and_fifos_are_skipped_not_read(
    tmp_path: Path,
) -> None:
    import os

    from kgqa.qa.ingest.loaders import discover

    outside = tmp_path / "outside.txt"
    outside.write_text("a secret from elsewhere")
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("kept")
    (folder / "sub" / "b.txt").write_text("kept too")
    (folder / "inside-link.txt").symlink_to(folder / "a.txt")
    (folder / "sub-link").symlink_to(folder / "sub")
    (folder / "leak.txt").symlink_to(outside)
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(folder / "pipe.txt")
    found, errors = discover([folder])
    assert sorted(s.doc_id for s in found) == ["a.txt", "sub/b.txt"]
    reasons = {Path(e.where).name: e.reason for e in errors}
    assert set(reasons) == {"leak.txt", "dangling.txt", "pipe.txt"}
    assert "outside the folder" in reasons["leak.txt"] and "--follow-links" in reasons["leak.txt"]
    assert "dangling" in reasons["dangling.txt"] and "FIFO" in reasons["pipe.txt"]
    found, errors = discover([folder], follow_links=True)
    assert "leak.txt" in {s.doc_id for s in found}
    assert discover([folder / "pipe.txt"])[1][0].reason.startswith("skipped: not a regular file")


@pytest.mark.timeout(120)
def test_hostile_markup_is_parsed_in_linear_time(tmp_path: Path) -> None:
    """Deep nesting and runs of brackets used to take hours; the limit only catches a hang."""
    from kgqa.qa.ingest.loaders import SourceFile, load_file

    deep = tmp_path / "deep.html"
    deep.write_text(
        "<html><title>Deep</title><body>"
        + "<div>" * 100_000
        + "the words"
        + "</div>" * 100_000
        + "</body></html>"
    )
    brackets = tmp_path / "brackets.md"
    brackets.write_text("[" * 300_000 + " and (" * 50_000 + "\n" * 100_000 + "text")
    (doc,) = load_file(SourceFile(deep, "deep.html"), 20_000_000)
    assert isinstance(doc, Document) and doc.text == "the words" and doc.title == "Deep"
    (doc,) = load_file(SourceFile(brackets, "brackets.md"), 20_000_000)
    assert isinstance(doc, Document) and doc.text.endswith("text")


def test_markdown_front_matter_gives_the_title_and_metadata(tmp_path: Path) -> None:
    f = tmp_path / "notes.md"
    f.write_text(
        "---\ntitle: Board meeting, May\nauthor: Sam Reed\ndate: 2026-05-14\n"
        "tags: [board, finance]\nlayout: {wide: true}\n---\n\n# Minutes\n\nSam Reed chaired.\n"
    )
    (doc,) = _load(f)
    assert isinstance(doc, Document)
    assert doc.title == "Board meeting, May" and "author" not in doc.text
    assert doc.text.startswith("Minutes") and "Sam Reed chaired." in doc.text
    tags = ["board", "finance"]
    assert doc.metadata == {"author": "Sam Reed", "date": "2026-05-14", "tags": tags}
    # a rule that opens a file, with prose under it, is no front matter
    g = tmp_path / "rule.md"
    g.write_text("---\n\nThe budget was approved.\n\n---\n\nMore text.\n")
    (doc,) = _load(g)
    assert isinstance(doc, Document) and doc.title is None and "budget" in doc.text


def test_front_matter_that_expands_without_end_is_not_followed(tmp_path: Path) -> None:
    # YAML aliases nest nine lists nine deep (a "billion laughs"): only plain fields are kept
    levels = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    f = tmp_path / "bomb.md"
    f.write_text("---\n" + "\n".join(levels) + "\ntitle: Laughs\n---\n\nThe body.\n")
    (doc,) = _load(f)
    assert isinstance(doc, Document) and doc.title == "Laughs" and doc.text == "The body."
    assert set(doc.metadata) == {"a"}
