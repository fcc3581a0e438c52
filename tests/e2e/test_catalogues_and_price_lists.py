"""A bookshop's catalogue as JSONL records with neither "id" nor "text", a dog groomer's page
with a line of prices and a two-column table of opening hours, a residents' association's
minutes and a prize's news, through `kgqa ingest` and `kgqa ask` (texts written for this
test): each record is ingested under its title and read by its fields; a record without the
field asked gives none of its other fields; a price list's other items and a key alone answer
nothing; a day's row answers a question of that day; a name with its post in brackets answers
who holds it; a shortlist does not say who won."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import asked, store_of

pytestmark = pytest.mark.slow

CATALOGUE = "\n".join(
    json.dumps(record)
    for record in [
        {"title": "The Glass Orchard", "author": "Delia Marsh", "pages": 296, "price": "£8.99"},
        {
            "title": "Walking the Tamar",
            "author": "Owen Petherick",
            "illustrator": "Nell Ruddock",
            "pages": 164,
            "price": "£12.50",
        },
        {"title": "Small Harbours", "author": "Ines Castro", "pages": 210, "price": "£10.99"},
    ]
)

GROOMER = """<html><head><title>Tidy Paws, Launceston</title></head><body>
<h1>Tidy Paws dog grooming</h1>
<p>Tidy Paws has groomed the dogs of Launceston since 2015. We also trim cats and rabbits.</p>
<h2>Opening hours</h2>
<table><tr><th>Day</th><th>Hours</th></tr>
<tr><td>Tuesday to Friday</td><td>9:00-17:00</td></tr>
<tr><td>Saturday</td><td>8:30-12:30</td></tr></table>
<h2>Prices</h2>
<p>Small dog full groom: £35. Large dog full groom: £55. Nail trim: £8. Ear clean: £6.</p>
</body></html>"""

MINUTES = """Castle Street Residents' Association

Minutes of the meeting of 3 November 2026.

Present: Mr Leonard Hosking (Chair), Ms Rosa Penhale (Secretary) and nine residents.

1. The street party will be held on 12 June 2027.
"""

NEWS = """Tamar Book Prize shortlist

Walking the Tamar by Owen Petherick has been shortlisted for the Tamar Book Prize. The winner
will be named in March.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("catalogues")
    files = {"catalogue.jsonl": CATALOGUE, "groomer.html": GROOMER}
    return store_of(root, files | {"minutes.txt": MINUTES, "news.txt": NEWS})


def test_a_catalogue_s_records_without_id_or_text_are_read_by_title_and_field(
    store: Path,
) -> None:
    assert asked(store, "Who wrote Small Harbours?")[:1] == ["Ines Castro"]
    assert asked(store, "How many pages does The Glass Orchard have?")[:1] == ["296"]


def test_a_record_without_the_field_asked_answers_nothing(store: Path) -> None:
    assert asked(store, "Who illustrated Walking the Tamar?")[:1] == ["Nell Ruddock"]
    # that book's record has an illustrator; this one's author is no answer
    assert asked(store, "Who illustrated Small Harbours?") == []


def test_a_price_list_s_other_items_answer_nothing(store: Path) -> None:
    assert asked(store, "How much is a large dog full groom?")[:1] == ["£55"]
    assert asked(store, "How much does it cost to groom a rabbit?") == []


def test_a_day_s_row_answers_a_question_of_that_day(store: Path) -> None:
    assert asked(store, "What are the opening hours on Saturday?")[:1] == ["8:30-12:30"]


def test_a_name_with_its_post_in_brackets_answers_who_holds_it(store: Path) -> None:
    assert asked(store, "Who is the secretary of the Castle Street Residents' Association?")[
        :1
    ] == ["Ms Rosa Penhale"]


def test_a_shortlist_does_not_say_who_won(store: Path) -> None:
    assert asked(store, "Who won the Tamar Book Prize?") == []
