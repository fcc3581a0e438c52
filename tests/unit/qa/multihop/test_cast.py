"""Who played whom: the pairings a cast list states, and the questions that ask for one side."""

from __future__ import annotations

import pytest

from kgqa.qa.multihop.cast import cast_clause, cast_pairs, cast_question, cast_span, same_person
from kgqa.qa.multihop.parse import Chain, Clause, parse


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(text[a[0] : a[1]], text[r[0] : r[1]]) for a, r in cast_pairs(text)]


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        # a list: each role ends at a comma, "and" or the next pairing, not at "U.S."
        ("The film starred Ada Lind as Mira Holt and Tom Rusk as U.S. Marshal Dell Crane. "
         "Rusk won an award.",
         [("Ada Lind", "Mira Holt"), ("Tom Rusk", "U.S. Marshal Dell Crane")]),
        ("It stars Ian Cole as Lark / Peter Vane, Rob Tate as the Magpie, and Eve Dunn as "
         "Ra's al Vetch.", [("Ian Cole", "Lark / Peter Vane"), ("Rob Tate", "Magpie"),
                            ("Eve Dunn", "Ra's al Vetch")]),
        # the role before the actor, in brackets or "is played by"
        ("The heir is raised by her grandmother Queen dowager Ilse Marne (Jo Avery).",
         [("Jo Avery", "Queen dowager Ilse Marne")]),
        ("She returns in season 9. The Aunt is played by Nora Quill.",
         [("Nora Quill", "The Aunt")]),
        # "plays the future ...": the role starts at its name
        ("Sam Orr plays the future King Albin IV, who stammers.", [("Sam Orr", "King Albin IV")]),
        ("starring Ben Hale (in his last film), reprising his role as Sheriff Cole Dray, and "
         "Kay Moss.", [("Ben Hale", "Sheriff Cole Dray")]),
        ("Tom Rusk returned as Dell Crane, who builds a robot.", [("Tom Rusk", "Dell Crane")]),
        # a list without commas: the next pairing ends the role
        ("Dan Keel as Evan Post (adult) Jo Pell as teenage Evan Post",
         [("Dan Keel", "Evan Post"), ("Jo Pell", "Evan Post")]),
        # "A and B as X and Y respectively"
        ("The film stars Una Vale and Rex Holm as Lisa Dorn and Hugo Hart respectively.",
         [("Una Vale", "Lisa Dorn"), ("Rex Holm", "Hugo Hart")]),
    ],
)  # fmt: skip
def test_the_pairings_a_cast_list_states(text: str, pairs: list[tuple[str, str]]) -> None:
    assert _pairs(text) == pairs


def test_no_pairing_where_no_one_plays_anyone() -> None:
    text = "Ada Lind served as mayor of Vell. The film starring Ada Lind and Tom Rusk was shot."
    assert _pairs(text) == []


def test_one_side_of_a_pairing_answers_the_other() -> None:
    text = "The film starred Ada Lind as Mira Holt and Tom Rusk as U.S. Marshal Dell Crane."
    role = cast_span(text, "role", "Tom Rusk")
    assert role is not None and text[role[0] : role[1]] == "U.S. Marshal Dell Crane"
    actor = cast_span(text, "actor", "dell crane")  # a role in lower case, part of it
    assert actor is not None and text[actor[0] : actor[1]] == "Tom Rusk"
    assert cast_span(text, "role", "Tom Hale") is None  # another person with the first name
    assert same_person("Rusk", "Tom Rusk") and not same_person("Tim Rusk", "Tom Rusk")


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Who did Tom Rusk play in Dry Creek?", ("role", "Tom Rusk", "Dry Creek")),
        ("Tom Rusk also plays which character in Night of the Owl?",
         ("role", "Tom Rusk", "Night of the Owl")),
        ("In Night of the Owl, who does Tom Rusk play?", ("role", "Tom Rusk", "Night of the Owl")),
        ("What character does Jo Avery play in The Heir?", ("role", "Jo Avery", "The Heir")),
        ("Who played captain dell in Dry Creek Live!?",
         ("actor", "captain dell", "Dry Creek Live!")),
        ("Who voiced Jarvis in the Iron Age?", ("actor", "Jarvis", "the Iron Age")),
        ("Who directed Dry Creek?", None),
        ("Who played for Ajax in 1990?", None),
    ],
)  # fmt: skip
def test_questions_that_ask_one_side_of_a_cast(
    question: str, asked: tuple[str, str, str] | None
) -> None:
    assert cast_question(question) == asked


def test_bridges_that_are_cast_members() -> None:
    # "the actor of ROLE from WORK" is who played the role
    shape = parse("Who is the spouse of the actor of Evan Post in A Dog's Year?")
    inner = "Who played Evan Post in A Dog's Year?"
    assert shape == Clause(inner, "Who is the spouse of {bridge}?", True, "actor")
    shape = parse("In Night of the Owl, who does the actor of Mira Holt from Dry Creek play?")
    assert isinstance(shape, Clause) and shape.inner == "Who played Mira Holt in Dry Creek?"
    assert shape.outer == "In Night of the Owl, who does {bridge} play?"
    # a described role is looked up first; a title role is no description
    shape = cast_clause("Who played the monarch at the end of the war in The Speech?")
    assert shape is not None and shape.inner == "Who was the monarch at the end of the war?"
    assert shape.outer == "Who played {bridge} in The Speech?"
    assert cast_clause("Who played the title role in Hamlet?") is None
    # "the actor in X", "the cast member of X": a cast member of X first
    assert parse("Who did the actor in Dry Creek play in Night of the Owl?") == Chain(
        "Dry Creek", ["cast member"], "Who did {bridge} play in Night of the Owl?"
    )


def test_a_question_that_opens_with_its_bridge_clause() -> None:
    shape = parse(
        'The actor who plays Count Vell in "A Run of Bad Luck" also plays which character in '
        "Night of the Owl?"
    )
    assert shape == Clause(
        'Who plays Count Vell in "A Run of Bad Luck"?',
        "{bridge} also plays which character in Night of the Owl?",
        True,
        "actor",
    )
    # the clause has a subject of its own, or the rest asks nothing: no bridge clause
    assert parse("The city that Ada Lind was born in is the capital of which country?") is None
    assert parse("The actor who plays Count Vell in Luck also plays a judge.") is None
