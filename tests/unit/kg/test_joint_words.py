"""How the joint model reads words before its encoder: a full stop glued to a sentence's last
word is read apart ("Ethiopia." pools the pieces of "Ethiopia"), and a person, organisation or
place starts at its first capitalised word ("lady Imelda Marcos" is "Imelda Marcos")."""

from __future__ import annotations

from transformers import BertTokenizerFast

from kgqa.kg.joint import _name_start, _stop_apart, encode_words
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
    assert _name_start(["lady", "Imelda", "Marcos"]) == 1
    assert _name_start(["the", "Indian", "Ocean"]) == 1
    assert _name_start(["south-east", "Algeria"]) == 1
    assert _name_start(["Imelda", "Marcos"]) == 0
    assert _name_start(["de", "Klerk"]) == 0  # a particle stays with its name
    assert _name_start(["6th", "Fleet"]) == 0
    assert _name_start(["iPhone"]) == 0


def test_words_without_a_capital_or_digit_name_nothing() -> None:
    assert _name_start(["winches"]) is None
    assert _name_start(["the", "international", "press"]) is None
