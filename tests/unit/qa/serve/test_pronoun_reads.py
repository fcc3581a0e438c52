"""Which "she" or "he" of a passage stands for the person the question names."""

from __future__ import annotations

from kgqa.qa.serve.interview_reads import asked_people
from kgqa.qa.serve.pronoun_reads import pronoun_places

ABOUT = (
    "## Maya Lindqvist, host\n\nMaya grew up in Gothenburg. Before starting the show she was a "
    "ranger. She lives in Dunbar.\n\n## Tom Achterberg, producer\n\nHe trained in Rotterdam."
)
# the people the store found in that text: (start, end, words)
PEOPLE = [
    (ABOUT.index(w), ABOUT.index(w) + len(w), w)
    for w in ("Maya Lindqvist", "Maya grew", "Tom Achterberg")
]
PEOPLE[1] = (PEOPLE[1][0], PEOPLE[1][0] + 4, "Maya")


def test_the_question_names_its_people() -> None:
    assert asked_people("Where does Maya Lindqvist live?") == ["Maya Lindqvist"]
    assert asked_people("What is Tom Achterberg's job?") == ["Tom Achterberg"]
    assert asked_people("Where is the ship?") == []


def test_she_after_the_asked_person_is_hers_until_another_person_is_named() -> None:
    places = pronoun_places(ABOUT, "Maya Lindqvist", PEOPLE)
    assert [ABOUT[a:b] for a, b in places] == ["she", "She"]
    # Tom is named between Maya and "He": it is his, not hers
    assert all(a < ABOUT.index("Tom Achterberg") for a, _ in places)
    his = pronoun_places(ABOUT, "Tom Achterberg", PEOPLE)
    assert [ABOUT[a:b] for a, b in his] == ["He"]
    # a text that never names the person has no pronoun of hers
    assert pronoun_places("She lives in Dunbar.", "Maya Lindqvist", []) == []
