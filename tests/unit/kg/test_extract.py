"""Extraction over texts of any length: long blocks reach spaCy in pieces it can parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgqa.kg.extract import EntityRelationExtractor, load_spacy
from kgqa.kg.text import blank_junk, cut_block


def test_blocks_are_cut_after_sentences_within_the_limit_and_keep_their_offsets() -> None:
    block = "One sentence here. " * 100 + "x" * 500
    pieces = cut_block(1000, block, 300)
    assert all(len(piece) <= 300 for _, piece in pieces)
    assert "".join(piece for _, piece in pieces) == block
    for at, piece in pieces:
        assert block[at - 1000 : at - 1000 + len(piece)] == piece
    assert pieces[0][1].endswith(". ")


def people_and_places(tiny_spacy: Path) -> EntityRelationExtractor:
    """The tiny pipeline's PERSON and GPE mentions, no relations, blocks of 100,000 characters."""
    return EntityRelationExtractor(
        str(tiny_spacy),
        [],
        ["PERSON", "GPE"],
        resolve_pronouns=True,
        extractor_options={},
        max_block_chars=100_000,
    )


@pytest.mark.timeout(300)
def test_a_block_longer_than_spacys_max_length_is_extracted_not_refused(tiny_spacy: Path) -> None:
    nlp = load_spacy(str(tiny_spacy))
    before = nlp.max_length
    nlp.max_length = 150_000  # spaCy refuses a text longer than this (kgqa's own is 2,000,000)
    try:
        sentence = "Marie Curie was born in Warsaw. "
        text = sentence * (330_000 // len(sentence)) + "Pierre Curie lived in Paris."
        assert len(text) > 2 * nlp.max_length and "\n\n" not in text
        extractor = people_and_places(tiny_spacy)
        found = extractor(text)
    finally:
        nlp.max_length = before
    last = found.mentions[-1]
    assert (last.text, last.label) == ("Paris", "GPE")
    assert text[last.start : last.end] == "Paris"
    assert len(found.mentions) == 2 * (330_000 // len(sentence)) + 2


def test_junk_is_blanked_for_parsing_with_every_offset_kept() -> None:
    text = "Marie Curie [[[[[[[[[[ lived in Paris. " + "x" * 70 + " Pierre Curie ----- too."
    blanked = blank_junk(text)
    assert len(blanked) == len(text)
    assert blanked.index("Paris") == text.index("Paris")
    assert "[" not in blanked and "x" * 65 not in blanked
    assert "-----" in blanked, "a short run of marks is text"
    assert blanked.split() == [
        "Marie", "Curie", "lived", "in", "Paris.", "Pierre", "Curie", "-----", "too."
    ]  # fmt: skip


def test_a_table_is_parsed_a_cell_at_a_time_with_every_offset_kept() -> None:
    text = (
        "The team:\n| Name | Company |\n|---|---|\n| Priya Natarajan | Acme Robotics |\n"
        "Karin Vogt | Helios Energy\nA choice of red|blue is no table."
    )
    blanked = blank_junk(text)
    assert len(blanked) == len(text)
    lines = blanked.split("\n")
    assert lines[1].strip() == lines[2].strip() == ""  # column titles and the rule: no text
    assert lines[3] == ". Priya Natarajan . Acme Robotics ."  # each cell ends like a sentence
    assert lines[4] == "Karin Vogt . Helios Energy"  # a row without its outer bars
    assert lines[5] == "A choice of red|blue is no table."


@pytest.mark.timeout(120)  # a hang guard: unblanked, spaCy's tokenizer took 67 s on 20,000
def test_a_document_of_brackets_around_names_is_parsed_and_its_names_found(
    tiny_spacy: Path,
) -> None:
    junk = "[" * 20_000
    text = f"{junk} Marie Curie was born in Warsaw. {junk}\n\n{'x' * 30_000} Pierre Curie."
    extractor = people_and_places(tiny_spacy)
    found = extractor(text)
    assert [(m.text, text[m.start : m.end]) for m in found.mentions] == [
        ("Marie Curie", "Marie Curie"),
        ("Warsaw", "Warsaw"),
        ("Pierre Curie", "Pierre Curie"),
    ]


def test_an_open_predicate_naming_a_schema_relation_takes_its_name_where_the_types_fit() -> None:
    from kgqa.kg.joint import DEFAULT_SCHEMA
    from kgqa.kg.relations import in_schema_terms
    from kgqa.kg.types import Mention, Relation, Sentence

    lena = Mention("Lena Vogt", "PERSON", 0, 9)
    leipzig = Mention("Leipzig", "GPE", 22, 29)
    clinic = Mention("St Mary's", "ORG", 22, 31)
    sentence = Sentence(0, 30)

    def open_(head: Mention, tail: Mention, label: str) -> Relation:
        return Relation(head, tail, label, 0.6, "dependency", sentence)

    found = in_schema_terms(
        [
            open_(lena, leipzig, "born_in"),  # a schema relation, person to place
            open_(lena, clinic, "born_in"),  # the schema's Born_In ends at a place, not an org
            open_(lena, leipzig, "study_in"),  # no schema relation of that name
            open_(clinic, lena, "acquire"),  # "St Mary's acquired Lena Vogt": not org to org
            open_(lena, clinic, "lead"),  # another name of Leader_Of, person to organisation
        ],
        DEFAULT_SCHEMA,
    )
    assert [r.label for r in found] == ["Born_In", "born_in", "study_in", "acquire", "Leader_Of"]
    assert all(r.extractor == "dependency" for r in found)
    helios = Mention("Helios Energy", "ORG", 0, 13)
    northwind = Mention("Northwind Labs", "ORG", 23, 37)
    (bought,) = in_schema_terms([open_(helios, northwind, "acquire")], DEFAULT_SCHEMA)
    # "Helios Energy acquired Northwind Labs": Northwind Labs is owned by Helios Energy
    assert (bought.head, bought.label, bought.tail) == (northwind, "Owned_By", helios)
