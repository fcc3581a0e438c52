"""The nineteenth user set through `kgqa ask`: a cast and crew list of "role – name" lines, a
footer's labelled name, the section of a dated seminar list a speaker's name picks out, where
someone worked before they joined "from" there, a fare of another passenger than the one asked,
a post the documents never say, and a sum where what it pays for is asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import asked, ingested

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def nineteenth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = DATA / "user_corpora_19" / "docs"
    return ingested(tmp_path_factory.mktemp("nineteenth"), sorted(docs.iterdir()))


def test_a_crew_list_and_a_footer_say_who_does_what(nineteenth: Path) -> None:
    # "Director – Helen Marsh", "Set design – Owen Pryce", "Lighting – Jess Tandy"
    assert asked(nineteenth, "Who is directing The Lighthouse Keeper's Daughter?")[:1] == [
        "Helen Marsh"
    ]
    assert asked(nineteenth, "Who designed the set?")[:1] == ["Owen Pryce"]
    assert asked(nineteenth, "Who is doing the lighting?")[:1] == ["Jess Tandy"]
    # the page's <footer>: "Workshop manager: Ruth Kimani. Phone ..."
    assert asked(nineteenth, "Who is the workshop manager at Ashgrove?")[:1] == ["Ruth Kimani"]


def test_a_dated_section_and_a_join_from_a_place(nineteenth: Path) -> None:
    # "10 February" over "Dr Tomás Ruiz (Kilnworth) Watching volcanoes breathe ..."
    assert asked(nineteenth, "When is Dr Tomás Ruiz's seminar?")[:1] == ["10 February"]
    # "(Kilnworth)" is where he comes from, not where the seminar is
    assert asked(nineteenth, "Where is Dr Ruiz's seminar held?")[:1] != ["Kilnworth"]
    # "Professor Reddy joined Kilnworth in 2012 from Durham University"
    assert asked(nineteenth, "Where did Alison Reddy work before Kilnworth?")[:1] == [
        "Durham University"
    ]


def test_questions_the_documents_do_not_answer(nineteenth: Path) -> None:
    # only "Adult return: £18.50" is given
    assert asked(nineteenth, "How much is a child return from Portley to Tarrant?") == []
    # no document says "treasurer"; "Deepa, Volunteer coordinator" signs the email
    assert asked(nineteenth, "Who is the treasurer of Ashgrove Cycle Co-op?") == []
    # "a grant of £3,000, which will pay for a second workstand"
    assert "£3,000" not in asked(nineteenth, "What will the grant pay for?")
