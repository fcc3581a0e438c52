"""A question names the one section of a dated list that says its names, or its date."""

from __future__ import annotations

from kgqa.qa.serve.dated_reads import dated_sections, named_section

SEMINARS = (
    "Research Seminars, Spring 2027\n\nAll seminars are on Wednesdays at 4pm.\n\n"
    "13 January\n\nDr Samuel Adeyemi (University of Lagos) Groundwater recharge in the Chad "
    "Basin\n\n27 January\n\nProfessor Ingrid Halvorsen (University of Bergen) Fjord sediments"
    "\n\n10 February\n\nDr Tomás Ruiz (Kilnworth) Watching volcanoes breathe. Note: this "
    "seminar is in Room G.14.\n\n24 February\n\nNo seminar (reading week)."
)


def section(question: str) -> str | None:
    span = named_section(SEMINARS, question)
    return None if span is None else SEMINARS[span[0] : span[1]].strip()


def test_a_list_under_dates_is_cut_at_each_date() -> None:
    days = [day for _, _, day in dated_sections(SEMINARS)]
    assert days == [("13", "jan"), ("27", "jan"), ("10", "feb"), ("24", "feb")]
    # one dated heading is no list; nor is a date in a sentence a heading
    assert dated_sections("10 February\n\nDr Ruiz speaks.\n\nHe spoke on 3 March too.") == []


def test_a_question_names_the_section_of_its_names_or_of_its_date() -> None:
    assert section("When is Dr Tomás Ruiz's seminar?") == (
        "10 February\n\nDr Tomás Ruiz (Kilnworth) Watching volcanoes breathe. Note: this "
        "seminar is in Room G.14."
    )
    # a title is no part of the name a section must say
    assert section("Where is Dr Ruiz's seminar held?") == section(
        "When is Dr Tomás Ruiz's seminar?"
    )
    assert section("Why is there no seminar on 24 February?") == (
        "24 February\n\nNo seminar (reading week)."
    )
    # a name no section says, or one said in two, names none; nor does a date of none
    assert section("What is Dr Mei Lin Chua's talk about?") is None
    assert section("When is the seminar on 3 March?") is None
    twice = SEMINARS + "\n\nDr Ruiz chairs the panel."
    assert named_section(twice, "When is Dr Ruiz's seminar?") is None
