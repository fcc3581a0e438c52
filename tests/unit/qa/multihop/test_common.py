"""What two named things have in common: the question's shape, each one's definition and the
words both definitions share."""

from __future__ import annotations

import pytest

from kgqa.qa.multihop.common import definition, shared_run
from kgqa.qa.multihop.parse import Common, parse


@pytest.mark.parametrize(
    ("question", "pairs"),
    [
        (
            "Ilse Korvan and Tomas Brandt are both best known for what profession?",
            [("Ilse Korvan", "Tomas Brandt")],
        ),
        (
            "What type of publication do Harrow Weekly and Fjell Review have in common?",
            [("Harrow Weekly", "Fjell Review")],
        ),
        ("What are both Camel Dance and Outrage!?", [("Camel Dance", "Outrage!")]),
        (  # "and" inside a title: both readings, the joined names' own split first
            "Both Anna and Piet Get Married and The Quiet Shore are what type of films?",
            [
                ("Anna", "Piet Get Married and The Quiet Shore"),
                ("Anna and Piet Get Married", "The Quiet Shore"),
            ],
        ),
    ],
)
def test_questions_about_what_two_things_share(question: str, pairs: list) -> None:
    shape = parse(question)
    assert isinstance(shape, Common) and shape.pairs == pairs
    assert shape.kind == ("type" in question or "profession" in question)


@pytest.mark.parametrize(
    "question",
    [
        "What did both Mara Velden and Tomas Brandt do in 1961?",  # no kind of thing asked
        "Are Mara Velden and Tomas Brandt both directors?",  # yes or no
    ],
)
def test_other_questions_with_two_names_are_not_this_shape(question: str) -> None:
    assert not isinstance(parse(question), Common)


def test_the_definition_is_what_the_first_sentence_says_the_thing_is() -> None:
    text = (
        "Mara Velden (4 March 1920 - 9 June 1990) was a Dutch film director and painter, who "
        "was born in Utrecht. She made nine films."
    )
    start, end = definition(text) or (0, 0)
    assert text[start:end] == "Dutch film director and painter"


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        ("American musician, singer, and songwriter", "Jamaican singer-songwriter and musician",
         "musician, singer, and songwriter"),
        ("breed of Bichon type dog", "breed of dog", "dog"),  # equal counts: the last run
        ("2004 British documentary film", "2011 nature documentary film", "documentary film"),
        ("English author of thrillers", "American-born Canadian authors", "author"),
    ],
)  # fmt: skip
def test_the_answer_is_the_run_of_words_both_definitions_share(
    first: str, second: str, shared: str
) -> None:
    start, end = shared_run(first, second) or (0, 0)
    assert first[start:end] == shared


def test_a_kind_of_thing_is_never_a_nationality_or_a_name() -> None:
    first, second = "American palaeontologist and writer", "American novelist and writer"
    start, end = shared_run(first, second, kind=True) or (0, 0)
    assert first[start:end] == "writer"
    assert shared_run("American palaeontologist", "American novelist", kind=True) is None
    # "are both what?" may be answered with a nationality
    assert shared_run("Armenian-American photographer", "Armenian-American musician") == (0, 17)
    # an en dash in one passage and a hyphen in the other are the same word
    assert shared_run("Armenian-American photographer", "Armenian–American musician") == (0, 17)


def test_definitions_that_share_no_word_give_no_answer() -> None:
    assert shared_run("Dutch painter", "German film director") is None
