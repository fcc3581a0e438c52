"""Choosing a side of "Which X ..., A or B?" from the text: the claim's words that only one
side's passages hold, or the larger (smaller) count of the thing asked about."""

from __future__ import annotations

from kgqa.qa.multihop.claims import count_in, counted_side, supported_side
from kgqa.qa.multihop.parse import Comparison, parse

CAVALERA = "Max Cavalera is a Brazilian singer who founded Sepultura and later Soulfly."
IDOL = "Billy Idol is an English singer who sang with Generation X before his solo career."


def test_the_side_whose_passage_alone_names_the_claim_wins() -> None:
    question = "Which musician played in the band Soulfly, Max Cavalera or Billy Idol?"
    texts = {"Max Cavalera": [CAVALERA], "Billy Idol": [IDOL]}
    side, words = supported_side(question, texts) or ("", [])
    assert side == "Max Cavalera" and words == ["soulfly"]


def test_words_both_sides_hold_or_neither_holds_decide_nothing() -> None:
    texts = {"Max Cavalera": [CAVALERA], "Billy Idol": [IDOL]}
    assert supported_side("Which singer was a singer, Max Cavalera or Billy Idol?", texts) is None
    assert supported_side("Which musician was taller, Max Cavalera or Billy Idol?", texts) is None
    # one common word that only one side holds is under the margin; a name is not
    assert supported_side("Which singer founded a band, Max Cavalera or Billy Idol?", texts) is None
    named = supported_side("Which singer founded Sepultura, Max Cavalera or Billy Idol?", texts)
    assert named == ("Max Cavalera", ["founded", "sepultura"])


def test_counts_are_read_and_compared_both_ways() -> None:
    texts = {
        "Xanthoceras": ["Xanthoceras sorbifolium is the only species in the genus Xanthoceras."],
        "Ehretia": ["Ehretia is a genus of flowering plants with about 66 species."],
    }
    more = counted_side("Which genus has more species, Xanthoceras or Ehretia?", texts)
    assert more is not None and more[:2] == ("Ehretia", "species")
    side, _, n, start, end = more
    assert texts[side][n][start:end] == "66 species"
    fewer = counted_side("Which genus has fewer species, Xanthoceras or Ehretia?", texts)
    assert fewer is not None and fewer[0] == "Xanthoceras"
    assert count_in("The band had five members in 1990.", "member") == (5.0, 13, 25)


def test_no_count_on_one_side_decides_nothing() -> None:
    texts = {"A": ["A has 12 members."], "B": ["B is a rock band from Leeds."]}
    assert counted_side("Which band has more members, A or B?", texts) is None
    assert counted_side("Which band is louder, A or B?", texts) is None


def test_a_claim_after_the_second_side_is_not_part_of_its_name() -> None:
    shape = parse(
        "Which novelist, J. G. Farrell or Louis Aragon, wrote of the consequences of colonial rule?"
    )
    assert isinstance(shape, Comparison)
    assert shape.sides == ["J. G. Farrell", "Louis Aragon"] and shape.attribute == "choice"
