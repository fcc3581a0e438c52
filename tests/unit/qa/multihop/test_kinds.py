"""The kind of answer a question wants, and the clashes that make a name the bridge."""

from __future__ import annotations

import pytest

from kgqa.qa.multihop.kinds import answer_fits, fits, name_labels, wanted_kind
from kgqa.qa.types import Mention


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("The arena where the Hawks played can seat how many people?", "number"),
        ("When was the cricketer who debuted in 2000 born?", "time"),
        ("The actor who played Hook won the Academy Award for which film?", "work"),
        ("In which city was the foundry that casts the Rouen Bell founded?", "settlement"),
        ("Which river flows through the valley?", "place"),
        ("In what year did the studio close?", "time"),
        ("Who directed Harbour Lights?", "person"),
        ("What is the name of the river?", None),
    ],
)
def test_the_main_wh_phrase_says_what_is_wanted(question: str, kind: str | None) -> None:
    assert wanted_kind(question) == kind


def test_only_a_name_typed_against_the_kind_clashes() -> None:
    assert not fits("number", {"FAC"})  # a venue where a count is wanted
    assert not fits("work", {"PERSON"})  # an actor where a film is wanted
    assert not fits("person", {"DATE"})
    assert fits("number", set())  # "about a third": no name, no clash
    assert fits("work", {"WORK_OF_ART"}) and fits(None, {"PERSON"})
    assert fits("time", {"GPE", "DATE"})  # one label that fits is enough
    assert not fits("settlement", {"FAC"})  # a basilica where a city is wanted
    assert fits("place", {"FAC"}) and fits("settlement", {"GPE"})


def test_a_phrase_around_a_name_is_not_the_name() -> None:
    mentions = [
        Mention("roman-empire:GPE", "", "d", "d#0", "the Roman Empire", 20, 36),
        Mention("kestrel-arena:FAC", "", "d", "d#0", "Kestrel Arena", 50, 63),
    ]
    assert name_labels(mentions, "during the Roman Empire", 13, 36) == set()
    assert name_labels(mentions, "the Kestrel Arena", 46, 63) == {"FAC"}


class _NoMentions:
    """A service whose passages hold no typed mention: only the answer's own shape decides."""

    def passage_mentions(self, generation: object, passage_id: str) -> list[Mention]:
        return []


@pytest.mark.parametrize(
    ("text", "place"),
    [("Stratford upon Avon", True), ("Isle of Man", True), ("Kestrel, Region of Dunmore", True),
     ("Russian physicist and liberal politician", False),
     ("Italy via his mother Ada Lind, daughter", False), ("1959", False),
     ("221B Baker Street", True)],
)  # fmt: skip
def test_a_place_is_a_name_not_a_description(text: str, place: bool) -> None:
    service = _NoMentions()
    assert answer_fits(service, None, "place", "d#0", text, 0, len(text)) is place
    assert answer_fits(service, None, None, "d#0", text, 0, len(text))  # no kind: anything
