"""How the joint model reads words before its encoder: a full stop glued to a sentence's last
word is read apart ("Ethiopia." pools the pieces of "Ethiopia"), and a person, organisation or
place starts at its first capitalised word ("lady Imelda Marcos" is "Imelda Marcos"), and a
person or place ends at its last ("Anzio beachhead" is "Anzio"), an organisation not ("Minox
company")."""

from __future__ import annotations

from transformers import BertTokenizerFast

from kgqa.kg.joint import LOC, ORG, PERSON, WORK, _name_bounds, _stop_apart, encode_words
from tests.conftest import build_vocab


def test_a_stop_glued_to_the_last_word_is_read_apart() -> None:
    assert _stop_apart(["Aid", "was", "halted", "by", "Ethiopia."]) == [
        "Aid", "was", "halted", "by", "Ethiopia", ".",
    ]  # fmt: skip
    assert _stop_apart(["He", "moved", "to", "Belen", ",", "N.M."])[-1] == "N.M."
    assert _stop_apart(["Mr.", "Smith", "left", "."])[-2:] == ["left", "."]
    assert _stop_apart(["Go", "to", "Oslo."]) == ["Go", "to", "Oslo", "."]
    assert _stop_apart([]) == []


def test_the_split_stop_belongs_to_no_word_and_the_word_count_stays() -> None:
    # a word-piece tokenizer as the encoder's: "Ethiopia." is the pieces "ethiopia" and "."
    tokenizer = BertTokenizerFast(
        vocab=build_vocab(["ethiopia", "flights", "to"]), do_lower_case=True
    )
    glued, index_glued, n_glued = encode_words(tokenizer, [["flights", "to", "Ethiopia."]])
    apart, index_apart, n_apart = encode_words(tokenizer, [["flights", "to", "Ethiopia"]])
    assert n_glued == n_apart == 3
    pieces = glued["input_ids"][0].tolist()
    # the same pieces, the stop's included, but the stop's piece is no word's
    assert pieces[: len(apart["input_ids"][0]) - 1] == apart["input_ids"][0].tolist()[:-1]
    words = index_glued[0].tolist()
    assert words.count(2) == index_apart[0].tolist().count(2)
    assert max(words) == 2


def test_a_name_starts_at_its_first_capitalised_word() -> None:
    assert _name_bounds(["lady", "Imelda", "Marcos"], PERSON) == (1, 3)
    assert _name_bounds(["the", "Indian", "Ocean"], LOC) == (1, 3)
    assert _name_bounds(["south-east", "Algeria"], LOC) == (1, 2)
    assert _name_bounds(["Imelda", "Marcos"], PERSON) == (0, 2)
    assert _name_bounds(["de", "Klerk"], PERSON) == (0, 2)  # a particle stays with its name
    assert _name_bounds(["6th", "Fleet"], ORG) == (0, 2)
    assert _name_bounds(["iPhone"], WORK) == (0, 1)
    assert _name_bounds(["the", "Minox", "company"], ORG) == (1, 3)


def test_a_person_or_place_ends_at_its_last_capitalised_word() -> None:
    assert _name_bounds(["Anzio", "beachhead"], LOC) == (0, 1)
    assert _name_bounds(["the", "Rancho", "Nuevo", "area"], LOC) == (1, 3)
    assert _name_bounds(["Bosnia", "'s", "capital"], LOC) == (0, 1)
    assert _name_bounds(["Sea", "of", "Japan"], LOC) == (0, 3)
    assert _name_bounds(["Vincent", "van", "Gogh"], PERSON) == (0, 3)
    assert _name_bounds(["Church", "'s"], LOC) == (0, 2)  # no lowercase word was cut
    # an organisation keeps its closing words, as CoNLL04 writes 21 of 616 of them
    assert _name_bounds(["Minox", "company"], ORG) == (0, 2)
    assert _name_bounds(["The", "Old", "Man", "and", "the", "sea"], WORK) == (0, 6)


def test_words_without_a_capital_or_digit_name_nothing() -> None:
    assert _name_bounds(["winches"], LOC) is None
    assert _name_bounds(["the", "international", "press"], ORG) is None
