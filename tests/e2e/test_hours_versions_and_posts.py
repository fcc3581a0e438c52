"""The eighteenth user set through `kgqa ask`: the end of a range of hours that a question of
opening asks, a day's timetable read at the time of the event named, the version whose section
holds the change named, who a change's line says reported it, the record of a plot whose number
the search cannot tell apart, who will stand for a post, and a post of a body the documents
never name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import asked, ingested

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def eighteenth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = DATA / "user_corpora_18" / "docs"
    return ingested(tmp_path_factory.mktemp("eighteenth"), sorted(docs.iterdir()))


def test_opening_asks_a_range_s_first_end_and_a_timetable_its_row(eighteenth: Path) -> None:
    # "Saturday: 9am to 12 noon"
    assert asked(eighteenth, "What time does the surgery open on Saturday?")[:1] == ["9am"]
    # "| 2.45pm | Coach leaves York |" in a .docx table
    assert asked(eighteenth, "When does the coach leave York?")[:1] == ["2.45pm"]
    # "| 12.00pm | Lunch in the picnic area |": the row's first word
    assert asked(eighteenth, "When will the trip's lunch be?")[:1] == ["12.00pm"]


def test_a_changelog_s_version_and_reporter(eighteenth: Path) -> None:
    # "2.3.0 (3 June 2026)" over "- Added: reminders with a due date."
    assert asked(eighteenth, "Which version added reminders with a due date?")[:1] == ["2.3.0"]
    assert asked(eighteenth, "Which version removed Classic Sync?")[:1] == ["2.5.0"]
    reporter = asked(eighteenth, "Who reported the crash with more than 10,000 notes?")
    assert reporter[:1] == ["Priya Nair"]


def test_plots_posts_and_bodies(eighteenth: Path) -> None:
    # one JSONL record a plot; BM25 drops "5", and a timetable came first
    assert asked(eighteenth, "How big is Plot 5?")[:1] == ["500 square metres"]
    # "Our chair, Doreen Fisk, will stand down ... Kwame Mensah has agreed to stand for chair."
    assert asked(eighteenth, "Who will stand for chair?")[:1] == ["Kwame Mensah"]
    assert asked(eighteenth, "Who is the chair of governors?") == []
