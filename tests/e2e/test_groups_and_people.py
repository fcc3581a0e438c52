"""The fifteenth and sixteenth user sets through `kgqa ask`: a walks leaflet, a rooms page,
an options page and a PDF of election results whose groups give the same keys under their
own headings, a notice read past its opening date, a date of the calendar before "last week",
and whom a sentence is about: the other side of a succession, another of a family, another
person's sentence, another company's "It", another version of a library."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import asked, ingested

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def fifteenth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = DATA / "user_corpora_15" / "docs"
    return ingested(tmp_path_factory.mktemp("fifteenth"), sorted(docs.iterdir()))


@pytest.fixture(scope="module")
def sixteenth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = DATA / "user_corpora_16" / "docs"
    return ingested(tmp_path_factory.mktemp("sixteenth"), sorted(docs.iterdir()))


def test_a_walk_s_heading_tells_its_lines_from_the_other_walk_s(fifteenth: Path) -> None:
    assert asked(fifteenth, "How long is the Heron Loop?")[:1] == ["3.2 miles"]
    assert asked(fifteenth, "Where does the Heron Loop start?")[:1] == ["Visitor Centre car park"]
    took = asked(fifteenth, "How long does the Heron Loop take?")
    assert took[:1] == ["about 1 hour 30 minutes"]
    assert asked(fifteenth, "How long is the Beacon Ridge Walk?")[:1] == ["7.5 miles"]


def test_a_notice_is_read_past_the_date_it_was_written(fifteenth: Path) -> None:
    # "Notice from the ranger service, 20 November 2026."
    start = asked(fifteenth, "When does the Beacon Ridge Walk closure start?")
    assert start[:1] == ["11 January 2027"]


def test_whom_a_sentence_is_about(fifteenth: Path) -> None:
    # "Isla Mackay will become Halyard's chief technology officer, succeeding Peter Lindqvist,
    # who retires in March."
    retiring = asked(fifteenth, "Who is retiring as Halyard's chief technology officer?")
    assert retiring[:1] == ["Peter Lindqvist"]
    assert asked(fifteenth, "Who is Halyard's chief financial officer?") == []
    # the wedding of Walter Hollis, at which his brother Frank was best man
    assert asked(fifteenth, "Who did Frank Hollis marry?") == []
    assert asked(fifteenth, "Who is Walter Hollis married to?")[:1] == ["Ruth Pellow"]
    # "Halyard Robotics was founded in 2014 ... It employs 410 people"
    assert "410" not in asked(fifteenth, "How many people does Pinfold employ?")
    assert asked(fifteenth, "How many people does Halyard Robotics employ?")[:1] == ["410"]
    # "Lodestar 3.4.3, released on 12 November 2026."
    assert asked(fifteenth, "When was Lodestar 3.0.0 released?") == []


def test_a_group_s_heading_tells_its_lines_from_the_other_groups(sixteenth: Path) -> None:
    # a web page's rooms, a Markdown page's options, a PDF's wards
    assert asked(sixteenth, "What bed does the Attic Room have?")[:1] == ["twin"]
    assert asked(sixteenth, "How many people does the Garden Room sleep?")[:1] == ["3"]
    workers = "Since which version is the workers option available?"
    assert asked(sixteenth, workers)[:1] == ["2.0"]
    assert asked(sixteenth, "What type is base_url?")[:1] == ["string"]
    assert asked(sixteenth, "What was the turnout in Holmfield ward?")[:1] == ["27%"]


def test_who_holds_a_post_now_and_who_leaves_it(sixteenth: Path) -> None:
    # "The Pascoes took over the house from Ruth Hendry, who ran it for thirty years"
    assert "Ruth Hendry" not in asked(sixteenth, "Who runs Kittiwake House?")
    leader = asked(sixteenth, "Who is stepping down as leader of Kirkdale Borough Council?")
    assert leader[:1] and "Bernard Hale" in leader[0]


def test_a_date_of_the_calendar_and_another_person_s_sentence(sixteenth: Path) -> None:
    # the news article's "last week's by-elections" beside the results' date
    assert asked(sixteenth, "When were the by-elections?")[:1] == ["26 November 2026"]
    # "Margaret Ellery, who taught ..., died at home on 26 November 2026"
    assert asked(sixteenth, "When did Alan Dunn die?") == []
