"""A composer's biography, an inspection report, a recipe page, a restaurant review, a support
e-mail thread and recordings, through `kgqa ingest`, `kgqa export` and `kgqa ask` (texts
written for this test): "she" in a male teacher's reported words leaves the biography about
her; a title line under a report's first names what its fields are of; a timeline's row says
when its event was; a recipe's credit answers who the head chef is and not who founded the
restaurant; a number inside a name the question gives answers nothing; and a record's field
key is no part of a name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import asked, graph_json, store_of
from tests.e2e.test_graph_people import edges_of

pytestmark = pytest.mark.slow

BIOGRAPHY = """# Agnes Hartley

Agnes Hartley (1931-2004) was an English composer and organist. She was born in Whitby.

## Training

Hartley won a scholarship to the Royal Northern School of Music in 1949, where she studied
composition with Edmund Rourke. Rourke later said she was "the only student who argued with
me and was right". After graduating she spent two years in Paris.

## Career

She became organist of Ripon Cathedral in 1958. Her first large work, the cantata Salt and
Iron, was premiered in the cathedral in 1962. The Tideway Symphony followed in 1971,
commissioned by the Hallam Philharmonic for its centenary.

## Personal life

She married the cellist Thomas Greaves in 1960. Hartley died in Durham in 2004.

## Timeline

| Year | Event |
|------|-------|
| 1949 | Scholarship to the Royal Northern School of Music |
| 1962 | Salt and Iron premiered |
| 1971 | Tideway Symphony premiered in Sheffield |
"""

CAREER = """The Hallam Philharmonic gave the Tideway Symphony again in 1996, in Sheffield, and
recorded Salt and Iron in 1998.
"""

INSPECTION = """SCHOOL INSPECTION REPORT
Greyfriars Primary School
Inspection dates: 14 and 15 October 2026
Headteacher: Anita Desai
Overall effectiveness: Good
Behaviour and attitudes: Outstanding

The school was last inspected in March 2019, when it was judged to require improvement.
"""

RECIPE = """<html><head><meta name="author" content="Jenna Trelawny"></head><body>
<nav><a href="/">Home</a> <a href="/recipes">Recipes</a></nav><article>
<h1>Cornish crab and saffron tart</h1>
<p class="byline">Recipe by Jenna Trelawny, head chef at The Copperleaf</p>
<p>This is the tart we serve every Friday in summer, when the crab comes in from the boats at
Newlyn. My grandmother made it with cream from her neighbour's farm.</p>
<p>Heat the oven to 190C. Line a 23cm tart tin with the pastry and bake it blind for 15
minutes, then pour in the custard and bake for 30 minutes more.</p>
</article></body></html>"""

REVIEW = """Restaurant review: The Copperleaf, Falmouth

The Copperleaf seats 48 in a converted sail loft by the harbour, and on a Saturday you will
need to book two weeks ahead. The crab tart was the high point of the meal.
"""

THREAD = """From: Tessel Support
Subject: Re: Breeze 2 recall

Dear Ms Fairweather, your refund of 49.99 pounds is on its way.

> From: Imogen Fairweather
>
> Hello, I bought a Breeze 2 in grey from Argent Stores in June. I
> would rather have my money back.
"""

RECORDINGS = json.dumps(
    {
        "id": "rec-choral",
        "title": "Choral Works",
        "text": "A reissue of Hartley's choral works.",
        "label": "Northlight",
        "performers": "The Wearside Singers, directed by Fiona Lamb",
    }
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("programme_pages")
    files = {"hartley.md": BIOGRAPHY, "career.txt": CAREER, "inspection.txt": INSPECTION}
    files |= {"recipe.html": RECIPE, "review.txt": REVIEW, "thread.txt": THREAD}
    files |= {"recordings.jsonl": RECORDINGS}
    store = store_of(root, files)
    return store, graph_json(store, root)


def test_she_in_a_teacher_s_reported_words_stays_hers(built: tuple[Path, dict]) -> None:
    edges = edges_of(built[1])
    assert ("Agnes Hartley", "Spouse", "Thomas Greaves") in edges
    assert not {(s, label, t) for s, label, t in edges if s == "Edmund Rourke" and t != s} - {
        ("Edmund Rourke", label, "Agnes Hartley") for label in ("study_with",)
    }


def test_a_title_line_says_what_a_report_s_fields_are_of(built: tuple[Path, dict]) -> None:
    store = built[0]
    when = asked(store, "When was Greyfriars inspected?")
    assert when[:1] == ["14 and 15 October 2026"]


def test_a_timeline_s_row_says_when_its_event_was(built: tuple[Path, dict]) -> None:
    assert asked(built[0], "When was Salt and Iron premiered?")[:1] == ["1962"]


def test_a_recipe_s_credit_names_its_cook_and_no_founder(built: tuple[Path, dict]) -> None:
    store = built[0]
    assert asked(store, "Who is the head chef at The Copperleaf?")[:1] == ["Jenna Trelawny"]
    assert "Jenna Trelawny" not in asked(store, "Who founded The Copperleaf?")[:1]


def test_a_number_inside_a_name_the_question_gives_answers_nothing(
    built: tuple[Path, dict],
) -> None:
    store = built[0]
    assert "2" not in asked(store, "How many Breeze 2 fans were sold?")[:1]
    assert asked(store, "Where did Imogen Fairweather buy her fan?")[:1] == ["Argent Stores"]


def test_a_record_s_field_key_is_no_part_of_a_name(built: tuple[Path, dict]) -> None:
    names = {n.get("label") for n in built[1]["nodes"]}
    assert not {name for name in names if name and name.startswith("Performers")}
    assert "Wearside Singers" in names and "Anita Desai" in names
