"""The fifteenth user set through `kgqa ask`: a walks leaflet whose two walks give the same
keys under their own headings, a notice read past its opening date, and whom a sentence is
about: the other side of a succession, another of a family, another company's "It", another
version of a library."""

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
