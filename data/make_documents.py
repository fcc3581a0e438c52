"""Writes the sample corpus's PDF and Word files, and the test fixtures of those formats.

    python -m kgqa.data.make_documents            # (re)writes data/sample/*.pdf and *.docx

The PDF writer is a small one of our own (text pages in the standard Helvetica font, an /Info
title), so the files are reproducible byte for byte and need no PDF library to make; the .docx
goes through python-docx. The texts are written by the kgqa authors from public facts.
"""

from __future__ import annotations

import datetime
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent / "sample"

HODGKIN_PAGES = [
    [
        "Dorothy Hodgkin",
        "",
        "Dorothy Crowfoot Hodgkin was a British chemist. She was born in Cairo in 1910 and",
        "studied chemistry at Somerville College, Oxford.",
        "",
        "Hodgkin developed protein crystallography and used X-ray diffraction to work out the",
        "three-dimensional structures of biological molecules.",
    ],
    [
        "In 1945 she determined the structure of penicillin. Dorothy Hodgkin won the Nobel",
        "Prize in Chemistry in 1964 for determining the structure of vitamin B12.",
        "",
        "In 1969 she solved the structure of insulin, a problem she had worked on for",
        "thirty-four years.",
    ],
]

WU_PARAGRAPHS = [
    ("Title", "Chien-Shiung Wu"),
    (
        "Normal",
        "Chien-Shiung Wu was a Chinese-American experimental physicist. She was born in "
        "the town of Liuhe near Shanghai in 1912.",
    ),
    ("Heading 1", "Work at Columbia"),
    (
        "Normal",
        "Wu joined Columbia University in 1944 and worked there for more than thirty years.",
    ),
    (
        "Normal",
        "In 1956 the Wu experiment showed that parity is not conserved in the weak interaction.",
    ),
]
WU_TABLE = [
    ("Year", "Event"),
    ("1912", "Born in Liuhe"),
    ("1936", "Moved to the United States to study at Berkeley"),
    ("1956", "The Wu experiment on cobalt-60"),
    ("1978", "Received the first Wolf Prize in Physics"),
]


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_bytes(pages: list[list[str]], title: str | None = None) -> bytes:
    """A PDF with one page per list of lines (empty pages have no text layer: a scan's look)."""
    objects: list[str] = []

    def add(body: str) -> int:
        objects.append(body)
        return len(objects)

    catalog = add("")  # filled in below, once the page tree's number is known
    pages_id = add("")
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        if lines:
            ops = ["BT", "/F1 11 Tf", "14 TL", "72 740 Td"]
            for line in lines:
                ops += [f"{_pdf_string(line)} Tj", "T*"]
            ops.append("ET")
        else:
            ops = ["0.5 g", "72 72 451 648 re f"]  # a grey box where a scanned image would be
        stream = "\n".join(ops)
        stream = stream.encode("latin-1", "replace").decode("latin-1")  # WinAnsi has no more
        content = add(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>"
    objects[pages_id - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    )
    info = add(
        f"<< /Title {_pdf_string(title)} /Producer (kgqa) >>" if title else "<< /Producer (kgqa) >>"
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1", "replace")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def write_docx(
    path: Path,
    paragraphs: list[tuple[str, str]],
    table: list[tuple[str, ...]],
    title: str | None = None,
) -> Path:
    """A .docx with styled paragraphs (Title, Heading 1, Normal) and one table after them."""
    from docx import Document

    doc = Document()
    for style, text in paragraphs:
        doc.add_paragraph(text, style=style)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    props = doc.core_properties
    props.title = title or ""
    props.author = "kgqa"
    fixed = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    props.created = props.modified = fixed
    props.last_modified_by = "kgqa"
    props.revision = 1
    doc.save(str(path))
    return path


def main() -> None:
    (SAMPLE / "dorothy_hodgkin.pdf").write_bytes(pdf_bytes(HODGKIN_PAGES, title="Dorothy Hodgkin"))
    write_docx(SAMPLE / "chien_shiung_wu.docx", WU_PARAGRAPHS, WU_TABLE)
    print(f"wrote {SAMPLE / 'dorothy_hodgkin.pdf'} and {SAMPLE / 'chien_shiung_wu.docx'}")


if __name__ == "__main__":
    main()
