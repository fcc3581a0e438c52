"""PDF, Word and web pages as people have them: generated fixtures, ingested for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgqa.data.make_documents import pdf_bytes, write_docx
from kgqa.qa.ingest import pipeline
from kgqa.qa.ingest.loaders import SourceFile, load_file
from kgqa.qa.serve.service import QAService
from kgqa.qa.types import Document, InputError

KNOWN = "The observatory on the hill was finished in 1888 by the engineer Clara Voss."
PAGES = [
    ["Annual report", ""]
    + [f"The society met in hall number {n} on a rainy day in March." for n in range(40)],
    ["Buildings", "", KNOWN],
]

NEWS = """<!doctype html><html><head><title>Site name | Section</title>
<meta property="og:title" content="River barge museum opens in Basel">
</head><body>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your experience.
Accept all cookies or manage preferences.</p><button>Accept</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article><h1>River barge museum opens in Basel</h1>
<p>A museum devoted to the river barges of the Rhine opened on Saturday in the old harbour of
Basel. Its founder, the historian Jonas Keller, collected the boats over twenty years.</p>
<p>The museum shows eleven restored barges and a workshop where visitors can watch carpenters
repair wooden hulls. Entry is free for children under twelve.</p>
<p>Keller said the collection began with a single barge he bought from a retiring skipper in
Strasbourg in 2004, and that the city gave the museum its building in 2019.</p>
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Celebrity chef quits television</a></li>
<li><a href="/b">Transfer rumours roundup</a></li></ul></aside>
<footer><p>Copyright 2026 Example Media Group. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a></p></footer>
</body></html>"""
BOILERPLATE = [
    "cookies",
    "Accept",
    "Weather",
    "Sport",
    "Celebrity",
    "Transfer",
    "Copyright",
    "Privacy",
    "Terms of use",
    "Most read",
]


def load(path: Path) -> list[Document | InputError]:
    return list(load_file(SourceFile(path, path.name), 20_000_000))


def test_a_pdf_keeps_its_pages_and_title_and_the_page_travels_with_hits_and_answers(
    tiny_settings, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "report.pdf").write_bytes(pdf_bytes(PAGES, title="Society report"))
    (doc,) = load(docs / "report.pdf")
    assert isinstance(doc, Document) and doc.title == "Society report"
    assert doc.text.index(KNOWN) >= doc.metadata["pages"][1] > 0
    report = pipeline.run([docs], tiny_settings)
    assert report.committed and not report.failed
    service = QAService(tiny_settings)
    hits = service.search("observatory finished engineer Clara Voss", 5, "bm25")
    holding = [h for h in hits if KNOWN in h.passage.text]
    assert holding, "the sentence of page 2 is found"
    for hit in holding:  # a hit's page is where its passage starts (passages overlap)
        p = hit.passage
        assert hit.to_json()["page"] == p.page_of(p.start) == p.page
        assert p.page_of(p.start + p.text.index(KNOWN)) == 2, "an answer there is on page 2"
    assert {
        h.to_json()["page"] for h in service.search("society met hall rainy March", 3, "bm25")
    } == {1}


def encrypted(pdf: bytes) -> bytes:
    """The PDF protected by a user password (pypdf, a test dependency, writes it)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdfs_that_cannot_be_read_are_skipped_with_what_to_do(tmp_path: Path) -> None:
    good = pdf_bytes(PAGES)
    (tmp_path / "scan.pdf").write_bytes(pdf_bytes([[], []]))
    (tmp_path / "cut.pdf").write_bytes(good[: len(good) // 3])
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100)
    (tmp_path / "locked.pdf").write_bytes(encrypted(good))
    reasons = {p.name: load(p)[0] for p in sorted(tmp_path.iterdir())}
    assert "encrypted" in reasons["locked.pdf"].reason
    assert "unprotected copy" in reasons["locked.pdf"].reason
    assert all(isinstance(r, InputError) for r in reasons.values())
    assert "no text layer" in reasons["scan.pdf"].reason
    assert "run OCR first" in reasons["scan.pdf"].reason
    for name in ("cut.pdf", "junk.pdf"):
        assert "not a readable PDF" in reasons[name].reason, reasons[name].reason


def test_a_docx_gives_headings_paragraphs_and_table_rows_in_order(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "notes.docx",
        [
            ("Heading 1", "Harbour history"),
            ("Normal", "The harbour was dredged in 1850."),
            ("Heading 2", "Ships"),
            ("Normal", "Barges carried grain."),
        ],
        [("Year", "Ships"), ("1850", "12"), ("1900", "40")],
    )
    (doc,) = load(path)
    assert isinstance(doc, Document) and doc.title == "Harbour history"
    # each paragraph apart (a heading does not run into the text under it), a table's rows
    # together
    assert doc.text.split("\n\n") == [
        "Harbour history",
        "The harbour was dredged in 1850.",
        "Ships",
        "Barges carried grain.",
        "| Year | Ships |\n|---|---|\n| 1850 | 12 |\n| 1900 | 40 |",  # as a web page's table
    ]
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (error,) = load(tmp_path / "broken.docx")
    assert isinstance(error, InputError) and ".docx" in error.reason


def test_a_news_page_loses_its_boilerplate_and_keeps_its_article(
    tiny_settings, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "barges.html").write_text(NEWS)
    report = pipeline.run([docs], tiny_settings)
    assert report.committed
    generation = QAService(tiny_settings).generation
    texts = [r[0] for r in generation.db.execute("SELECT text FROM passages")]
    joined = "\n".join(texts)
    assert "Jonas Keller" in joined and "eleven restored barges" in joined
    for word in BOILERPLATE:
        assert word not in joined, word
    (title,) = generation.db.execute("SELECT title FROM documents").fetchone()
    assert title == "River barge museum opens in Basel"


def test_a_web_page_reads_as_a_browser_shows_it(tmp_path: Path) -> None:
    (tmp_path / "news.html").write_text(
        "<html><body><article><h2>Brightwave acquires Tidepool</h2><p>Brightwave Analytics "
        "acquired Tidepool.\nIt replaces Hannah\nGreer's team.</p><ul><li>Lisbon</li>"
        "<li>Dublin</li></ul><table><tr><th>Office</th><th>Staff</th></tr><tr><td>Lisbon</td>"
        "<td>40</td></tr></table><blockquote><p>We grow.</p><ul><li>Porto next</li></ul>"
        "</blockquote></article></body></html>"
    )
    (doc,) = load(tmp_path / "news.html")
    assert isinstance(doc, Document)
    assert doc.text.split("\n\n") == [
        "Brightwave acquires Tidepool",  # a paragraph of its own, not the next one's start
        "Brightwave Analytics acquired Tidepool. It replaces Hannah Greer's team.",
        "Lisbon",
        "Dublin",
        "| Office | Staff |\n|---|---|\n| Lisbon | 40 |",
        "We grow.",
        "Porto next",  # a list inside a quote is kept
    ]


@pytest.mark.parametrize(
    "markdown, text",
    [
        (
            "# Title\n\nSome **bold** and *em* text with a [link](http://x.org).\n",
            "Title\n\nSome bold and em text with a link.",
        ),
        ("Intro\n\n```python\nprint('code')\n```\n\n- one\n- two\n", "Intro\n\none\n\ntwo"),
        ("Setext heading\n==============\n\n> quoted words\n", "Setext heading\n\nquoted words"),
        # a line break inside a paragraph is a space, as a browser shows it
        (
            "# Keepers\n\nThe first keeper was Duncan\nMacRae.\n",
            "Keepers\n\nThe first keeper was Duncan MacRae.",
        ),
        # GitHub's tables: one block of rows, as a web page's table (they ran into one line)
        (
            "Results\n\n| Item | 2025 | 2024 |\n|---|---|---|\n| Revenue | 48.2 | 36.1 |\n\nEnd.\n",
            "Results\n\n| Item | 2025 | 2024 |\n|---|---|---|\n| Revenue | 48.2 | 36.1 |\n\nEnd.",
        ),
    ],
)
def test_markdown_goes_through_a_commonmark_parser(
    tmp_path: Path, markdown: str, text: str
) -> None:
    (tmp_path / "a.md").write_text(markdown)
    (doc,) = load(tmp_path / "a.md")
    assert isinstance(doc, Document) and doc.text == text


def bomb_pdf(gigabytes: float) -> bytes:
    """A one-page PDF of a few MB whose content stream inflates to ``gigabytes`` GB."""
    import zlib

    squeeze = zlib.compressobj(1)
    chunk = b"BT /F1 11 Tf 72 740 Td (x) Tj ET\n" * 500_000
    parts, total = [], 0
    while total < gigabytes * 1e9:
        parts.append(squeeze.compress(chunk))
        total += len(chunk)
    stream = b"".join(parts) + squeeze.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
        b"<< /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_pdf_bomb_is_stopped_by_the_loader_s_memory_limit_and_the_rest_goes_on(
    tiny_settings, tmp_path: Path
) -> None:
    from kgqa.qa.ingest.plan import plan_ingest

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bomb.pdf").write_bytes(bomb_pdf(1.5))
    (docs / "report.pdf").write_bytes(pdf_bytes(PAGES))
    settings = tiny_settings.model_copy(
        update={"document_timeout_seconds": 300.0, "document_retries": 0, "loader_memory_mb": 1024}
    )
    plan = plan_ingest(None, [docs], settings, prune=False)
    assert plan.new == ["report.pdf"]
    (failure,) = plan.failed
    assert failure.where.endswith("bomb.pdf") and "loader_memory_mb = 1024" in failure.reason


def test_a_table_of_html_text_is_rows_of_cells() -> None:
    from kgqa.qa.ingest.text import html_to_text, normalise

    # rows whose </tr> is left out, as HTML allows; header cells get a rule under them
    html = "<p>Plans</p><table><tr><th>Plan<th>Price<tr><td>Basic<td>5 EUR</table><p>End</p>"
    text = normalise(html_to_text(html)[0])
    assert text == "Plans\n\n| Plan | Price |\n|---|---|\n| Basic | 5 EUR |\n\nEnd"


def test_a_pdf_s_wrapped_lines_are_joined_into_sentences_and_headings_stay_lines(
    tmp_path: Path,
) -> None:
    page = [
        "Annual Report 2024",
        "A year of expansion",
        "Our scientists published 38 peer-reviewed papers and took part in two",
        "international expeditions to the Barents Sea aboard the research vessel",
        "Skarv, which was built in 2009.",
        "- a list item that ends no sentence",
        "- the next item",
    ]
    (tmp_path / "r.pdf").write_bytes(pdf_bytes([page]))
    (doc,) = load(tmp_path / "r.pdf")
    assert doc.text.split("\n") == [
        "Annual Report 2024",
        "A year of expansion",
        "Our scientists published 38 peer-reviewed papers and took part in two international "
        "expeditions to the Barents Sea aboard the research vessel Skarv, which was built in 2009.",
        "- a list item that ends no sentence",
        "- the next item",
    ]


def test_a_pdf_s_short_heading_over_field_lines_stays_a_line(tmp_path: Path) -> None:
    page = [
        "Kirkdale Borough Council - By-election results, 26 November 2026",
        "Northgate ward",
        "Elected: Sophie Marr (Green Party)",
        "Runner-up: Graham Tulley (Conservative), 1,011 votes",
        "Holmfield ward",
        "Elected: Daniel Oyelaran (Labour)",
    ]
    (tmp_path / "r.pdf").write_bytes(pdf_bytes([page]))
    (doc,) = load(tmp_path / "r.pdf")
    # before, each ward's name ran on from the long line above it
    assert doc.text.split("\n") == page


def test_a_definition_list_is_fields_and_a_footer_keeps_its_facts(tmp_path: Path) -> None:
    (tmp_path / "review.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/join'>Join</a></nav><main>"
        "<h1>Annual Review 2025</h1><p>The Kestrel Moor Trust now cares for 14 nature reserves "
        "across Shropshire and the Welsh Marches, and its volunteers gave 48,000 hours.</p>"
        "<h2>The year in figures</h2><dl><dt>Members</dt><dd>21,500</dd>"
        "<dt>Income</dt><dd>£4.2 million</dd></dl></main>"
        "<footer><p>Kestrel Moor Trust is a registered charity, number 1023456. Registered "
        "office: The Old Granary, Ludlow.</p><p>© 2026 Kestrel Moor Trust · "
        "<a href='/privacy'>Privacy</a></p></footer></body></html>"
    )
    (doc,) = load(tmp_path / "review.html")
    assert isinstance(doc, Document)
    assert "Members: 21,500\nIncome: £4.2 million" in doc.text
    assert doc.text.endswith("number 1023456. Registered office: The Old Granary, Ludlow.")
    assert "©" not in doc.text and "Privacy" not in doc.text and "Home" not in doc.text


def test_a_byline_that_the_main_text_drops_is_kept_under_the_title(tmp_path: Path) -> None:
    (tmp_path / "book.html").write_text(
        "<html><body><article><h1>The Salt Orchard</h1><p class='byline'>Noor Haddad</p>"
        "<p>When her father dies, Elsa Varga leaves her post at the Kew seed bank and returns "
        "to Lusk, the island where her family has grown apples for four generations.</p>"
        "<p>As a storm cuts the island off from the mainland, Elsa finds her father's "
        "notebooks and learns why he never left the orchard.</p></article></body></html>"
    )
    (doc,) = load(tmp_path / "book.html")
    assert isinstance(doc, Document)
    assert doc.text.startswith("The Salt Orchard\n\nAuthor: Noor Haddad\n\nWhen her father dies")


def test_a_markdown_block_of_fields_keeps_a_line_per_field(tmp_path: Path) -> None:
    (tmp_path / "trial.md").write_text(
        "# SPARROW: a phase 2 trial\n\n**Sponsor:** Lumen Therapeutics Ltd\n**Phase:** 2\n"
        "**Start date:** 3 March 2024\n\nParticipants take one tablet\neach morning.\n"
    )
    (doc,) = load(tmp_path / "trial.md")
    assert isinstance(doc, Document)
    assert "Sponsor: Lumen Therapeutics Ltd\nPhase: 2\nStart date: 3 March 2024" in doc.text
    # a paragraph of prose wrapped over lines is still one line
    assert "Participants take one tablet each morning." in doc.text


def test_a_dated_line_under_a_page_s_heading_is_kept(tmp_path: Path) -> None:
    body = (
        "<p>Maya talks to the ecologist Kwame Osei about the bumblebees of a small island in "
        "the Firth of Forth, and what they tell us about evolution in a hurry.</p>"
        "<p>Field Notes is supported by its listeners and by the Royal Society of Edinburgh, "
        "which gave the show a grant for its fifth series.</p></main></body></html>"
    )
    head = "<html><body><nav><a href='/'>Home</a></nav><main><h1>Episode 42</h1>"
    (tmp_path / "dated.html").write_text(
        head + "<p class='meta'>Published 9 October 2026 · 38 minutes</p>" + body
    )
    (tmp_path / "plain.html").write_text(head + "<p class='meta'>38 minutes</p>" + body)
    (dated,) = load(tmp_path / "dated.html")
    (plain,) = load(tmp_path / "plain.html")
    assert isinstance(dated, Document) and isinstance(plain, Document)
    assert dated.text.startswith("Episode 42\n\nPublished 9 October 2026 · 38 minutes\n\nMaya")
    assert "38 minutes" not in plain.text  # no date: the line stays dropped


def test_a_pdf_s_field_lines_and_programme_items_stay_lines(tmp_path: Path) -> None:
    page = [
        "SCHOOL INSPECTION REPORT",
        "Lead inspector: Rachel Okonjo, His Majesty's Inspector of Schools",
        "Type of school: Primary",
        "Headteacher: Anita Desai",
        "Agnes Hartley  Overture: Whitby Harbour (9 minutes)",
        "Edward Elgar  Cello Concerto in E minor (30 minutes)",
        "09:00 Opening by the Rector of the University of Latvia",
        "09:30 Keynote: Lena Hartmann",
    ]
    (tmp_path / "p.pdf").write_bytes(pdf_bytes([page]))
    (doc,) = load(tmp_path / "p.pdf")
    assert isinstance(doc, Document)
    # each was joined to the long line before it, as a wrapped sentence's next line is
    assert doc.text.split("\n") == [" ".join(line.split()) for line in page]


def test_a_byline_line_that_says_more_than_the_name_is_kept(tmp_path: Path) -> None:
    (tmp_path / "recipe.html").write_text(
        "<html><head><meta name='author' content='Jenna Trelawny'></head><body><article>"
        "<h1>Cornish crab tart</h1>"
        "<p class='byline'>Recipe by Jenna Trelawny, head chef at The Copperleaf</p>"
        "<p>This is the tart we serve every Friday in summer, when the crab comes in from the "
        "boats at Newlyn, and my grandmother made it with cream from her neighbour's farm.</p>"
        "<p>Heat the oven to 190C and line a 23cm tart tin with the pastry, then bake it blind "
        "for fifteen minutes before the custard goes in.</p></article></body></html>"
    )
    (doc,) = load(tmp_path / "recipe.html")
    assert isinstance(doc, Document)
    assert doc.text.startswith(
        "Cornish crab tart\n\nAuthor: Jenna Trelawny\n\n"
        "Recipe by Jenna Trelawny, head chef at The Copperleaf\n\nThis is the tart"
    )


def test_an_e_mail_s_quoted_reply_reads_without_its_marks(tmp_path: Path) -> None:
    (tmp_path / "thread.txt").write_text(
        "Dear Ms Fairweather,\n\nYour refund is on its way.\n\n"
        "> From: Imogen Fairweather\n>\n> Hello, I bought a Breeze 2 in grey from Argent Stores"
        " in June. I\n> would rather have my money back.\n>> an older quote\n"
    )
    (doc,) = load(tmp_path / "thread.txt")
    assert isinstance(doc, Document)
    assert ">" not in doc.text
    assert "From: Imogen Fairweather\n\nHello, I bought a Breeze 2" in doc.text
    assert "in June. I\nwould rather have my money back.\nan older quote" in doc.text


def test_a_footer_line_of_parts_keeps_a_registration_less_its_copyright(tmp_path: Path) -> None:
    (tmp_path / "loaf.html").write_text(
        "<html><body><article><h1>Seeded rye loaf</h1><p>We bake this loaf every Tuesday in "
        "the wood-fired oven that my father built in 1986.</p></article>"
        "<footer>© 2026 Bramble Bakery Ltd · 3 Mill Lane, Hay-on-Wye · Registered in Wales No. "
        "09337120</footer><footer>© 2026 Bramble Bakery · <a href='/privacy'>Privacy</a> · "
        "Terms</footer></body></html>"
    )
    (doc,) = load(tmp_path / "loaf.html")
    assert isinstance(doc, Document)
    last = doc.text.rsplit("\n\n", 1)[-1]
    assert last == "Bramble Bakery Ltd · 3 Mill Lane, Hay-on-Wye · Registered in Wales No. 09337120"
    assert "©" not in doc.text and "Privacy" not in doc.text and "Terms" not in doc.text


def test_a_footer_keeps_a_name_under_its_label(tmp_path: Path) -> None:
    (tmp_path / "prices.html").write_text(
        "<html><body><main><h1>Ashgrove Cycle Co-op</h1><p>We fix bikes in a railway arch on "
        "Mill Lane, and every repair is done by a trained mechanic.</p>"
        "<footer><p>Workshop manager: Ruth Kimani. Phone 0161 496 0732.</p>"
        "<p>Follow us · <a href='/privacy'>Privacy</a></p></footer></main></body></html>"
    )
    (doc,) = load(tmp_path / "prices.html")
    assert isinstance(doc, Document)
    assert doc.text.endswith("Workshop manager: Ruth Kimani. Phone 0161 496 0732.")
    assert "Follow us" not in doc.text
