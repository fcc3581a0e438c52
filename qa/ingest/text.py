"""Plain text from text and HTML: normalisation and the visible text of a page (the helpers
the loaders and the format converters share)."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from kgqa.kg.text import table_rule


def normalise(text: str) -> str:
    """NFC, unix newlines, no control characters, trimmed lines, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


_BLOCK_TAGS = (
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "br",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "table",
    "title",
    "dd",
    "dt",
)


_HIDDEN_TAGS = {"script", "style", "noscript", "template", "head"}


class _VisibleText(HTMLParser):
    """Streams an HTML page into its visible text in one pass, building no tree: time and
    memory stay linear whatever the nesting (100,000 nested <div>s included)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.hidden = 0  # depth inside script, style, head, ...
        self.pre = 0  # depth inside <pre>, whose line breaks are the text's
        self.in_title = False
        # the cells of the table row being read: each a header cell or not
        self.row: list[bool] = []
        self.table = 0  # depth inside <table>, where text between cells is layout

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        self.pre += tag == "pre"
        self.table += tag == "table"
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag == "tr":  # a table is one block of "| cell | cell |" rows
            self._end_row()  # HTML may leave a row's </tr> out
            if self.parts and not self.parts[-1].endswith("\n"):
                self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | " if self.row else "| ")
            self.row.append(tag == "th")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag == "table":
            self.table = max(0, self.table - 1)
            self._end_row()
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag == "tr":
            self._end_row()

    def _end_row(self) -> None:
        """Close the row being read, if any: its last bar, and a rule under a header row."""
        if self.row:
            self.parts.append(" |\n")
            if all(self.row):
                self.parts.append(table_rule(len(self.row)) + "\n")
            self.row = []

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.hidden and not (self.table and not data.strip()):
            # a line break in the source of a paragraph is a space on the page
            self.parts.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_text(text: str) -> tuple[str, str | None]:
    """Visible text of an HTML page, with block elements on lines of their own (a table one
    block of "| cell | cell |" rows, a rule under its header row), and its title."""
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    title = " ".join("".join(parser.title).split())
    return "".join(parser.parts), title or None
