"""Which passages call an organisation the question names by its short name ("the Trust")."""

from __future__ import annotations

from kgqa.qa.serve.short_name_reads import (
    asked_names,
    called_short,
    short_mentions,
    spelled_out,
)

PEOPLE = (
    "Dr Fiona Bright - Chief Executive. Before joining the Trust she led the science team of "
    "the Cumbria Wildlife Trust.\n\nThe Trust was founded in 1971 by Edith Crane."
)


def test_the_question_names_an_organisation_with_the_word_its_pages_use_alone() -> None:
    assert asked_names("Who founded the Kestrel Moor Trust?") == [("Kestrel Moor Trust", "Trust")]
    assert asked_names("Which Trust owns Harrow Fen?") == []
    assert asked_names("Who founded Velox?") == []


def test_the_short_name_is_the_asked_one_until_another_full_name_precedes_it() -> None:
    places = short_mentions(PEOPLE, "Kestrel Moor Trust", "Trust")
    # both: Cumbria's full name comes after the first, and in another paragraph than the second
    assert [PEOPLE[a:b] for a, b in places] == ["Trust", "Trust"]
    assert called_short(PEOPLE, "Kestrel Moor Trust")
    twice = "The Trust was founded in 1971. The Trust has 30 staff."
    assert len(short_mentions(twice, "Kestrel Moor Trust", "Trust")) == 2
    after_other = "The Cumbria Wildlife Trust was founded in 1962. The Trust has 30 staff."
    assert not called_short(after_other, "Kestrel Moor Trust")
    # a passage that names it in full needs no short name; nor is "the Trust of ..." one
    assert not called_short("The Kestrel Moor Trust, or the Trust, ...", "Kestrel Moor Trust")
    assert not called_short("the Trust of the Ainsley family", "Kestrel Moor Trust")
    assert not called_short("The Trust was founded in 1971.", "Velox")


def test_a_name_spelled_out_stands_for_the_question_s_acronym() -> None:
    text = (
        "Ferncombe Village Hall: Annual General Meeting\n\nThe Royal National Lifeboat Institution"
    )
    assert [text[a:b] for a, b in spelled_out(text, "AGM")] == ["Annual General Meeting"]
    assert [text[a:b] for a, b in spelled_out(text, "RNLI")] == [
        "Royal National Lifeboat Institution"
    ]
    assert spelled_out(text, "NHS") == []
    # a text that writes the acronym itself needs no spelling out
    assert spelled_out(text + " (AGM)", "AGM") == []


def test_the_name_less_its_last_word_is_a_short_name_too() -> None:
    review = "Salt Roads at the Orrin is the best thing the museum has done in years."
    assert called_short(review, "Orrin Museum")
    # not another of that name's words ("the Orrin Gallery"), nor a name of one word
    assert not called_short("Prints hang in the Orrin Gallery.", "Orrin Museum")
    assert not called_short("Salt Roads at the Orrin.", "Museum")
