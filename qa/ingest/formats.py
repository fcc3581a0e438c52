"""Text out of the formats people keep documents in: PDF (pypdfium2, pages kept, lines that
the page's width wrapped joined), Word .docx
(python-docx: paragraphs, headings, tables), web pages (trafilatura's main-content extraction,
which drops navigation, headers, footers and cookie banners) and Markdown (markdown-it-py, a
CommonMark parser).

Every extractor returns an ``Extracted``: normalised text, a title when the file names one, and
for paged formats the character offset where each page starts. Parsers that fail on a file raise
``InputError`` saying what is wrong with it and what to do; the batch goes on without it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from kgqa.kg.text import FIELD_LINE, table_row, table_rule
from kgqa.qa.ingest.text import html_to_text, normalise
from kgqa.qa.types import InputError


@dataclass(frozen=True)
class Extracted:
    """What a loader makes of a file."""

    text: str
    title: str | None = None
    pages: tuple[int, ...] = ()  # offset in ``text`` where page 1, 2, ... starts
    metadata: dict[str, Any] = field(default_factory=dict)  # a Markdown file's front matter


def join_pages(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    """Normalised page texts joined by blank lines, and where each page starts (an empty page
    starts where the next one does)."""
    text, starts = "", []
    for page in pages:
        part = normalise(page)
        if part and text:
            text += "\n\n"
        starts.append(len(text))
        text += part
    return text, tuple(starts)


# the end of a line that ends a sentence or a clause, where a PDF's line is no wrapped one
_LINE_END = re.compile(r"[.!?:;]['\")\]]*$")


# how many words a heading over a group of field lines may have (``unwrap_lines``)
_HEADING_WORDS = 6
# a line that opens with a schedule's time ("09:30 Keynote: ..."), which no wrapped line does
_TIME_OPENS = re.compile(r"\d{1,2}:\d\d[ \t]")


def unwrap_lines(page: str) -> str:
    """A PDF page's (normalised) text with the lines that the page's width wrapped joined into
    their paragraphs: a line that ends no sentence is joined to the next when the next starts
    with a lowercase letter ("took part in two" / "international expeditions"), or when it is
    as long as the page's long lines and the next goes on with a word or number. A heading ("Annual
    Report 2024") is short, so stays a line; so do a list's items, a table's rows, a field's
    line ("Type of school: Primary"), a line after one that closes a bracket with a capital
    ("Overture: Whitby Harbour (9 minutes)" / "Edward Elgar ...": a programme's items) and a
    short heading with a capital over a field's line ("Holmfield ward" / "Elected: ...")."""
    lines = page.split("\n")
    widest = max((len(line) for line in lines), default=0)
    out = lines[:1]
    for n, line in enumerate(lines[1:], 2):
        last = out[-1]
        # a short heading over field lines ("Holmfield ward" over "Elected: ..."), after the
        # lines of the group before it
        heads = (
            line[:1].isupper()
            and len(line.split()) <= _HEADING_WORDS
            and n < len(lines)
            and bool(FIELD_LINE.match(lines[n]))
        )
        wrapped = bool(last) and bool(line) and not _LINE_END.search(last)
        goes_on = line[:1].islower() or (
            len(last) >= 0.75 * widest and line[:1].isalnum() and len(last.split()) >= 6
        )
        if (
            wrapped
            and goes_on
            and not line.startswith(("- ", "* ", "\u2022", "|"))
            and not FIELD_LINE.match(line)
            and not _TIME_OPENS.match(line)
            and not (last.endswith(")") and line[:1].isupper())
            and not heads
        ):
            out[-1] = f"{last} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def pdf_to_text(raw: bytes, where: str) -> Extracted:
    """The text layer of a PDF, page by page, and its metadata title."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as err:
        reason = str(err)
        if "password" in reason.lower():
            raise InputError(
                where, "the PDF is encrypted (it needs a password); save an unprotected copy"
            ) from None
        raise InputError(
            where,
            f"not a readable PDF ({reason}); the file may be truncated or damaged: export it again",
        ) from None
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(unwrap_lines(normalise(textpage.get_text_range())))
            textpage.close()
            page.close()
        title = (pdf.get_metadata_dict().get("Title") or "").strip() or None
    except pdfium.PdfiumError as err:
        raise InputError(
            where, f"the PDF could not be read to the end ({err}); export it again"
        ) from None
    finally:
        pdf.close()
    text, starts = join_pages(pages)
    if not text:
        raise InputError(
            where, f"no text layer in its {len(pages)} page(s) (a scan?); run OCR first"
        )
    return Extracted(text, title, starts)


def docx_to_text(raw: bytes, where: str) -> Extracted:
    """Paragraphs and tables of a .docx in document order, a blank line between paragraphs
    (headings included), a table as "| cell | cell |" rows with a rule under its first (as a
    web page's and Markdown's are); the title from the document properties or else the first
    heading."""
    import zipfile

    from docx import Document as open_docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = open_docx(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise InputError(
            where, f"not a readable Word .docx file ({err}); save it again as .docx"
        ) from None
    except Exception as err:  # lxml and python-docx raise many kinds on damaged parts
        raise InputError(
            where, f"the .docx could not be parsed ({type(err).__name__}: {err}); save it again"
        ) from None
    blocks: list[str] = []
    first_heading = None
    for element in doc.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, doc)
            text = paragraph.text.strip()
            if not text:
                continue
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            if first_heading is None and (style.startswith("Heading") or style == "Title"):
                first_heading = text
            blocks.append(text)
        elif tag == "tbl":
            rows = [
                r for r in (_unique_cells(row.cells) for row in Table(element, doc).rows) if any(r)
            ]
            lines = [table_row(cells) for cells in rows]
            if len(lines) > 1:  # Word marks no header row: the first row is taken for one
                lines.insert(1, table_rule(len(rows[0])))
            blocks.append("\n".join(lines))
    title = (doc.core_properties.title or "").strip() or first_heading
    # a blank line between paragraphs, as between a heading and the text under it, so that
    # the heading does not run into the paragraph's first sentence; a table's rows together
    text = normalise("\n\n".join(b for b in blocks if b))
    if not text:
        raise InputError(where, "the .docx holds no text")
    return Extracted(text, title)


def _unique_cells(cells: Any) -> list[str]:
    """Cell texts of a row; a merged cell is listed once, not once per grid column."""
    out, seen = [], set()
    for cell in cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        out.append(" ".join(cell.text.split()))
    return out


_OG_TITLE = re.compile(
    r"""<meta[^>]{0,200}?property=["']og:title["'][^>]{0,200}?content=["']([^"']{1,500})""",
    re.IGNORECASE,
)


def web_page_to_text(html: str, where: str) -> Extracted:
    """The main content of a web page (trafilatura: navigation, headers, footers, cookie
    banners and link lists dropped), and its title (og:title, else <title>). A page where
    trafilatura finds no main content (a bare fragment) keeps all its visible text."""
    import trafilatura

    visible, page_title = html_to_text(html)
    main = None
    try:
        main = trafilatura.extract(
            html,
            output_format="xml",
            include_comments=False,
            include_tables=True,
            include_links=False,
            favor_recall=True,
            deduplicate=False,
            with_metadata=True,  # the byline's author: _blocks_text
        )
    except Exception:  # noqa: BLE001 trafilatura's parsers raise many kinds on broken pages
        main = None
    og = _OG_TITLE.search(html[:200_000])
    title = (og.group(1).strip() if og else None) or page_title
    main = _blocks_text(main) if main else None
    if not (main and main.strip()):
        return Extracted(visible, title)
    blocks = main.split("\n\n")
    under = _dropped_line(visible, blocks)
    if under and _DATE.search(under) and len(under.split()) <= 12:
        blocks.insert(1, under)  # "Published 9 October 2026 · 38 minutes"
    elif under and len(blocks) > 1 and blocks[1].startswith("Author: "):
        # the byline itself, when it says more than the name: "Recipe by Jenna Trelawny, head
        # chef at The Copperleaf"
        author = blocks[1].removeprefix("Author: ")
        if author in under and len(author.split()) + 2 < len(under.split()) <= 20:
            blocks.insert(2, under)
    return Extracted("\n\n".join([*blocks, *_footer_facts(html)]), title)


# a date as pages write it: "9 October 2026", "October 9, 2026", "2026-10-09"
_DATE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r",? \d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?"
    r",? \d{4}|\d{4}-\d\d-\d\d)\b",
    re.I,
)


def _dropped_line(visible: str, blocks: list[str]) -> str | None:
    """The line of a page's visible text right under its heading (``blocks[0]``), when the
    main text (``blocks``) dropped it and it is no copyright or cookie line: a short dated line
    that trafilatura keeps as metadata only ("Published 9 October 2026 · 38 minutes", "9 June
    2026 · Hana Kim"), or a byline ("Recipe by ..."). None when there is none."""
    lines = [" ".join(line.split()) for line in visible.split("\n")]
    lines = [line for line in lines if line]
    try:
        at = lines.index(blocks[0])
    except ValueError:
        return None
    after = lines[at + 1] if at + 1 < len(lines) else ""
    if after and not _FOOTER_NOISE.search(after) and all(after not in b for b in blocks):
        return after
    return None


# at most this many footers are read, each at most this long
_FOOTERS, _FOOTER_CHARS = 5, 20_000
_FOOTER_NOISE = re.compile(
    r"©|\bcopyright\b|rights reserved|cookie|privacy|licen[cs]e|terms of|newsletter", re.I
)


# a copyright mark and its years, which open a footer's line of facts ("© 2026 Bramble Bakery
# Ltd"); a company's or charity's registration ("Registered in Wales No. 09337120")
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?)?\s*", re.I)
_REGISTRATION = re.compile(
    r"\bregistered (?:in|office|charity)\b|\b(?:company|charity) (?:no\b|number)", re.I
)

# a label of a word or four and a name after it: "Workshop manager: Ruth Kimani"
_LABELLED = re.compile(r"(?:^|\u00b7 )[A-Z][a-z]+(?: [a-z]+){0,3}: [A-Z][a-z]+ [A-Z]")


def _footer_facts(html: str) -> list[str]:
    """The blocks of a page's <footer> that state facts in sentences of five words or more
    ("Kestrel Moor Trust is a registered charity, number 1023456. Registered office: ..."),
    a registration ("Registered in Wales No. 09337120") or a name under its label ("Workshop
    manager: Ruth Kimani"), which trafilatura drops with the footer's links; copyright,
    licence, cookie and privacy lines (or parts of a line parted by dots or bars) are left out.
    Found by plain search, in time linear in the page."""
    tail = html[-200_000:]
    lower, out, at = tail.lower(), [], 0
    for _ in range(_FOOTERS):
        start = lower.find("<footer", at)
        opened = lower.find(">", start) if start >= 0 else -1
        end = lower.find("</footer>", opened) if opened >= 0 else -1
        if end < 0:
            break
        text, _ = html_to_text(tail[opened + 1 : min(end, opened + 1 + _FOOTER_CHARS)])
        for block in re.split(r"\n\s*\n", text):
            # a line of parts ("© 2026 Bramble Bakery Ltd · 3 Mill Lane · Registered in ..."):
            # each part alone, less its copyright mark
            parts = re.split(r"\s+[\u00b7\u2022|]\s+", " ".join(block.split())[:2_000])
            parts = [_COPYRIGHT.sub("", p).strip() for p in parts]
            block = " \u00b7 ".join(p for p in parts if p and not _FOOTER_NOISE.search(p))
            sentences = re.findall(r"[^.]*\w\.", block)
            if (
                any(len(s.split()) >= 5 for s in sentences)
                or _REGISTRATION.search(block)
                or _LABELLED.search(block)
            ):
                out.append(block)
        at = end + len("</footer>")
    return out


def _blocks_text(xml: str) -> str | None:
    """Plain text of trafilatura's XML: each heading, paragraph, quote and list item a block
    of its own (a blank line between, as a browser shows them, so that a heading does not run
    into its paragraph's first sentence), the line breaks of the page's source inside a block
    read as spaces, a table one block of "| cell | cell |" rows (a rule under its header
    row), and the page's byline as a field ("Author: Noor Haddad") under its first block when
    the blocks round it do not name the author. None when the XML does not parse."""
    from lxml import etree

    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except (etree.XMLSyntaxError, ValueError):
        return None
    main = root.find("main")
    if main is None:
        return None
    blocks = [b for b in _blocks(main) if b.strip()]
    # the page's byline, which trafilatura keeps as metadata only: under the first heading
    author = " and ".join(a.strip() for a in (root.get("author") or "").split(";") if a.strip())
    if blocks and _BYLINE.fullmatch(author) and author not in "\n".join(blocks[:3]):
        blocks.insert(1, f"Author: {author}")
    return "\n\n".join(blocks)


# a byline's author: people's names of capitalised words ("Noor Haddad", "A and B")
_BYLINE = re.compile(r"[A-Z][\w.'-]+(?: (?:[A-Z][\w.'-]+|and|van|von|de|da|del|di|le|la)){1,8}")


# trafilatura's elements that are blocks of a page (the others are inline: hi, ref, lb, ...)
_XML_BLOCKS = {"p", "head", "list", "item", "table", "row", "quote", "code", "div", "main"}


def _blocks(element: Any) -> list[str]:
    """The blocks of ``element``: a list's items (an item's own list after it), a table's
    rows, and in an element that holds blocks (a quote with paragraphs and a list) its text
    between them as blocks too."""
    if element.tag == "list" and element.get("rend") == "dl":
        return _definitions(element)
    if element.tag == "list":
        return [b for item in element.findall("item") for b in _blocks(item)]
    if element.tag == "table":
        rows = []
        for row in element.iter("row"):
            cells = row.findall("cell")
            rows.append(table_row([_inline(c) for c in cells]))
            if cells and all(c.get("role") == "head" for c in cells):
                rows.append(table_rule(len(cells)))
        return ["\n".join(rows)]
    if not any(child.tag in _XML_BLOCKS for child in element):
        return [_inline(element)]
    out, run = [], [element.text or ""]
    for child in element:
        if child.tag in _XML_BLOCKS:
            out += [_collapse("".join(run)), *_blocks(child)]
            run = []
        else:
            run.append(_inline(child))
        run.append(child.tail or "")
    return [*out, _collapse("".join(run))]


def _definitions(element: Any) -> list[str]:
    """A definition list (<dl>) as "term: definition" lines, one block: a fact sheet's
    "Members" over "21,500" reads as the field "Members: 21,500". A term without a definition
    is a line of its own."""
    lines: list[str] = []
    term = None
    for item in element.findall("item"):
        text = _inline(item)
        if (item.get("rend") or "").startswith("dt"):
            if term:
                lines.append(term)
            term = text
        elif term:
            lines.append(f"{term.rstrip(':')}: {text}")
            term = None
        else:
            lines.append(text)
    if term:
        lines.append(term)
    return ["\n".join(line for line in lines if line)]


def _inline(element: Any) -> str:
    """The text of ``element`` with its whitespace collapsed (an <lb/> kept as a line break)."""
    parts = [element.text or ""]
    for child in element:
        parts += ["\n" if child.tag == "lb" else _inline(child), child.tail or ""]
    return _collapse("".join(parts))


def _collapse(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


# a YAML block that opens a Markdown file (Jekyll, Hugo, Obsidian): "---" lines around it,
# closed within its first 20,000 characters (no longer block is parsed as YAML)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$\r?\n?", re.S | re.M)
_FRONT_MATTER_CHARS = 20_000


def markdown_document(text: str) -> Extracted:
    """A Markdown file: its text (``markdown_to_text``), and from a YAML front matter block,
    when it opens the file, the title (field ``title``) and the other fields whose values are
    plain (text, numbers, dates, true/false, lists of those) as metadata; the block is not
    part of the text."""
    fields, body = front_matter(text)
    title = fields.pop("title", None)
    return Extracted(
        markdown_to_text(body),
        title=str(title).strip() or None if title is not None else None,
        metadata=fields,
    )


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The plain fields of the YAML front matter that opens ``text`` and the text after it;
    no fields and the whole text when there is none (or it is no YAML mapping)."""
    found = _FRONT_MATTER.match(text[:_FRONT_MATTER_CHARS])
    if found is None:
        return {}, text
    import yaml

    try:
        data = yaml.safe_load(found.group(1))
    except yaml.YAMLError:
        return {}, text
    if not isinstance(data, dict):
        return {}, text
    plain = {str(k): plain_value(v) for k, v in data.items()}
    fields = {k: v for k, v in plain.items() if v is not None}
    return fields, text[found.end() :]


def plain_value(value: Any) -> Any:
    """``value`` as JSON keeps it (a date as ISO text), or None when it is not plain."""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list) and all(
        isinstance(v, (str, int, float, bool, dt.date)) for v in value
    ):  # a list of lists is not followed (YAML's aliases can make one of any size)
        return [plain_value(v) for v in value]
    return None


# a field's line of a Markdown paragraph: "**Sponsor:** Lumen Therapeutics", "Phase: 2"
_FIELD_LINE = re.compile(
    r"\s*(?:\*\*|__)?[A-Z][\w()/&'.-]*(?: [\w()/&'.-]+){0,4}:(?:\*\*|__)?\s*\S"
)


def _field_lines(paragraph: str) -> bool:
    """Whether every line of a paragraph's source is a field ("**Sponsor:** Lumen ..."), two
    lines or more: a registry's or a fact sheet's block, whose lines stay lines."""
    lines = paragraph.split("\n")
    return len(lines) > 1 and all(_FIELD_LINE.match(line) for line in lines)


def markdown_to_text(text: str) -> str:
    """Markdown as plain text through a CommonMark parser: the rendered blocks' visible text
    (inline HTML read as HTML), code blocks dropped, link texts kept without their targets,
    GitHub's tables as "| cell | cell |" rows, and a paragraph whose every line is a field
    ("**Phase:** 2") kept a line per field."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")  # GitHub's tables too
    tokens = [t for t in parser.parse(text) if t.type not in ("fence", "code_block")]
    for token in tokens:
        if token.type == "inline" and _field_lines(token.content):
            for child in token.children or []:
                if child.type == "softbreak":  # a line of its own: marked, past the HTML
                    child.type, child.content = "text", _LINE_MARK
    rendered = parser.renderer.render(tokens, parser.options, {})
    return html_to_text(rendered)[0].replace(_LINE_MARK, "\n")


_LINE_MARK = "\ue000"  # a private-use character: a field paragraph's line break
