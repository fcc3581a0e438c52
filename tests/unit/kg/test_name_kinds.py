"""What a name's own words say of it: a building, a body or an event the tagger called a person;
an author's affiliation mark; a prize that is a cup; the part of the work a post heads; a unit
of an organisation; and what the words before a name say it is to someone."""

from __future__ import annotations

from kgqa.kg.canonical import (
    described_before,
    display_name,
    function_of_post,
    is_award,
    is_unit,
    kin_gender,
    node_id,
    person_or_not,
)


def test_a_person_whose_name_ends_in_a_place_s_or_a_body_s_word_is_not_one() -> None:
    assert person_or_not("Vessby Art Hall", "PERSON") == "FAC"
    assert person_or_not("Tyne Regatta", "PERSON") == "EVENT"
    assert person_or_not("Baltic Ecology Society", "PERSON") == "ORG"
    # a surname that is also such a word, after a first name, stays a person's
    assert person_or_not("Peter Hall", "PERSON") == "PERSON"
    assert person_or_not("Lois Lane", "PERSON") == "PERSON"
    assert person_or_not("Ada Lovelace", "PERSON") == "PERSON"
    # only a person's type is put right
    assert person_or_not("Vessby Art Hall", "ORG") == "ORG"


def test_an_author_s_affiliation_mark_is_no_part_of_the_name() -> None:
    assert display_name("Lena Hartmann¹") == "Lena Hartmann"
    assert display_name("Kofi Asante²,") == "Kofi Asante"
    assert node_id("Mei Tanaka*", "PERSON") == node_id("Mei Tanaka", "PERSON")


def test_a_cup_is_an_award() -> None:
    assert is_award("Northern Eights Cup")
    assert not is_award("Cupertino Labs")


def test_what_a_post_heads_is_no_organisation() -> None:
    text = "Signed by Gareth Pryce, Director of Operations, and the Head of Data."
    at = text.index("Operations")
    assert function_of_post(text, at, at + len("Operations"))
    at = text.index("Data")
    assert function_of_post(text, at, at + len("Data"))
    other = "She is Director of Harrowgate Housing."
    at = other.index("Harrowgate")
    assert not function_of_post(other, at, at + len("Harrowgate Housing"))


def test_a_unit_is_the_part_of_its_organisation() -> None:
    assert is_unit("Department of Plant Biology")
    assert is_unit("Institute of Botany")
    assert not is_unit("University of Ghana")
    assert not is_unit("Massachusetts Institute of Technology")


def test_the_words_before_a_name_say_what_it_is_to_someone() -> None:
    text = "Her husband, Per Lundqvist, died. Her successor as mayor, Bengt Olofsson, spoke."
    assert kin_gender(text, text.index("Per")) == "m"
    assert described_before(text, text.index("Bengt"))
    assert kin_gender(text, text.index("Bengt")) is None
    plain = "The council met Bengt Olofsson."
    assert not described_before(plain, plain.index("Bengt"))
    assert kin_gender("his daughter Maja", len("his daughter ")) == "f"
