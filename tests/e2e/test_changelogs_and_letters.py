"""A tool's changelog, a school's letter, a running club's results and a choir's concert page,
through `kgqa ingest` and `kgqa ask` (texts written for this test): the one passage that BM25
finds for a rare phrase is among the hits however the dense ranking places it; a changelog's
lines are told apart; a deputy's sentence does not say who the head is; a results table says
where a runner finished."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import asked, ingested, store_of

pytestmark = pytest.mark.slow

CHANGELOG = """# Quillmate changelog

## 2.3.0 (4 October 2026)

New: print labels straight from the stock list.
Fixed: totals no longer round down on invoices.

## 2.2.0 (1 June 2026)

New: a barcode scanner mode, contributed by Priyanka Lal.
Fixed: slow start-up on Windows.
"""

LETTER = """Brook Lane Primary School

12 November 2026

Dear parents,

I am pleased to tell you that Mr Daniel Okoro will join us as deputy headteacher after
Christmas. He has taught at Hillside Academy for nine years.

Yours sincerely,
Sarah Whitfield
Headteacher
"""

RESULTS = """# Fellside Striders at the Ribble Valley 10K

| Pos | Runner | Time |
|---|---|---|
| 1 | Owen Thwaite | 34:10 |
| 2 | Maria Santos | 35:55 |
| 3 | Callum Reid | 36:20 |
"""

CONCERT = """Ribble Singers: winter concert

The Ribble Singers give their winter concert in St Mary's Church, Clitheroe, on Saturday
12 December at 7pm, with carols old and new and Rutter's Gloria.

Tickets are 12 pounds from Clitheroe Music, or call the box office on 01200 555 301.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("changelogs")
    files = {"CHANGELOG.md": CHANGELOG, "letter.txt": LETTER, "results.md": RESULTS}
    return store_of(root, files | {"concert.txt": CONCERT})


@pytest.fixture(scope="module")
def twelfth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the twelfth user set's documents."""
    docs = Path(__file__).parents[1] / "data" / "user_corpora_12" / "docs"
    return ingested(tmp_path_factory.mktemp("twelfth"), sorted(docs.iterdir()))


def test_the_one_passage_bm25_finds_is_read(store: Path, twelfth: Path) -> None:
    assert asked(store, "What is the box office phone number?")[:1] == ["01200 555 301"]
    # in the twelfth user set the dense ranking put the theatre's page sixth; BM25 finds it
    # alone, and that one hit counted for nothing in the fusion
    assert asked(twelfth, "What is the box office phone number?")[:1] == ["01206 555 218"]


def test_a_deputy_s_letter_does_not_say_who_the_head_is(twelfth: Path) -> None:
    # "Mrs Farida Begum will join us as deputy headteacher"; the letter is signed "Helen
    # Marsden" over "Headteacher"
    asked_head = "Who is the headteacher of Moorcroft Primary School?"
    assert asked(twelfth, asked_head)[:1] == ["Helen Marsden"]


def test_a_changelog_s_lines_are_told_apart(store: Path) -> None:
    assert asked(store, "Who contributed the barcode scanner mode?")[:1] == ["Priyanka Lal"]
    assert asked(store, "Who contributed label printing from the stock list?") == []


def test_a_deputy_s_sentence_does_not_say_who_the_head_is(store: Path) -> None:
    assert asked(store, "Who is the headteacher of Brook Lane Primary School?")[:1] == [
        "Sarah Whitfield"
    ]
    assert asked(store, "Who will be the new deputy headteacher?")[:1] == ["Mr Daniel Okoro"]


def test_a_results_table_says_where_a_runner_finished(store: Path) -> None:
    assert asked(store, "Where did Callum Reid finish?")[:1] == ["3"]
