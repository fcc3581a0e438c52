"""A "when" question of opening or closing asks one end of a range of times or dates."""

from __future__ import annotations

from kgqa.qa.serve.range_reads import asked_end, range_ends
from tests.unit.qa.serve.test_read_checks import read

HOURS = "Surgery hours\nSaturday: 9am to 12 noon\nFrom 6 February it will open until 1pm."


def test_opening_asks_the_first_end_and_closing_the_last() -> None:
    assert asked_end("What time does the surgery open on Saturday?") == "a"
    assert asked_end("When did Small Worlds open?") == "a"
    assert asked_end("When does Salt Roads close?") == "b"
    assert asked_end("Until what time will the surgery open?") == "b"
    # the hours themselves, or no time at all, ask no end
    assert asked_end("When is the surgery open on weekdays?") is None
    assert asked_end("Who opened the library?") is None


def test_an_answer_in_a_range_gives_way_to_the_end_asked() -> None:
    noon = read(HOURS, "12 noon")
    added, hidden = range_ends("What time does the surgery open on Saturday?", [noon])
    assert [a.text for a in added] == ["9am"] and hidden == {id(noon)}
    assert HOURS[added[0].start : added[0].end] == "9am"
    assert added[0].probability == noon.probability
    # the whole range, asked of its end
    dates = "Dates: 3 October 2026 to 10 January 2027"
    whole = read(dates, "3 October 2026 to 10 January 2027")
    added, hidden = range_ends("When does Small Worlds close?", [whole])
    assert [a.text for a in added] == ["10 January 2027"] and hidden == {id(whole)}
    # the end asked is kept as it is
    assert range_ends("When does Small Worlds close?", [read(dates, "10 January 2027")]) == (
        [],
        set(),
    )


def test_a_time_after_until_is_no_opening_time() -> None:
    one = read(HOURS, "1pm")
    assert range_ends("What time does the surgery open on Saturday?", [one]) == ([], {id(one)})
    assert range_ends("Until what time will the surgery open?", [one]) == ([], set())


def test_a_day_s_number_alone_is_no_answer() -> None:
    closed = read("Closed from 24 to 26 December.", "24 to 26 December")
    assert range_ends("When does the closure start?", [closed]) == ([], set())
