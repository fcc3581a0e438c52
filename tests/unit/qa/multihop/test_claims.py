"""Choosing a side of "Which X ..., A or B?" from the text: the claim's words that only one
side's passages hold, or the larger (smaller) count of the thing asked about."""

from __future__ import annotations

import pytest

from kgqa.qa.multihop.claims import count_in, counted_side, holds, listed_side, supported_side
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
    # "the number of species", with the comparative after it or before it
    larger = counted_side(
        "In which genus number of species are more, Xanthoceras or Ehretia?", texts
    )
    assert larger is not None and larger[:2] == ("Ehretia", "species")
    smaller = counted_side(
        "Which genus has a smaller number of species, Xanthoceras or Ehretia?", texts
    )
    assert smaller is not None and smaller[0] == "Xanthoceras"
    assert counted_side("What number of species does Xanthoceras or Ehretia have?", texts) is None
    # "high" of "high school" is no comparative
    school = counted_side(
        "Which high school genus has a smaller number of species, Xanthoceras or Ehretia?", texts
    )
    assert school is not None and school[0] == "Xanthoceras"


def test_how_often_a_publication_comes_out_and_a_list_of_locations_are_counts() -> None:
    texts = {
        "Velm Review": [
            "Velm Review is a quarterly magazine that reprints articles from weeklies."
        ],
        "Tarsk Report": ["The Tarsk Report is a business paper, published monthly since 1990."],
    }
    often = counted_side(
        "Which publication publishes more frequently, Velm Review or Tarsk Report?", texts
    )
    assert often is not None and often[:2] == ("Tarsk Report", "issues a year")
    side, _, n, start, end = often
    assert texts[side][n][start:end] == "monthly"
    rarer = counted_side(
        "Which magazine is published less often, Velm Review or Tarsk Report?", texts
    )
    assert rarer is not None and rarer[0] == "Velm Review"
    listed = "Corvine is a pizza chain. Current locations include Leeds, York, Hull and Bath."
    assert count_in(listed, "location") == (4.0, 34, len(listed) - 1)


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


@pytest.mark.parametrize(
    ("claim", "text", "said"),
    [
        ("ice plants", "Aloinopsis is a genus of ice plants from South Africa.", True),
        ("ice plants", "Eriogonum is a genus of flowering plants, found in Iceland.", False),
        ("documentaries about gaming", "a 2004 documentary film about people who play games", True),
        ("documentaries about gaming", "a 2004 documentary about the loss of American jobs", False),
        ("involved in the film industry", "a Soviet pioneer of documentary film", True),
        ("tabloid-style magazines", "a magazine in tabloid newspaper format", True),
        ("teachers", "His research and teaching are on security.", True),
        ("described as a genus", "Huernia consists of stem succulents.", True),  # framing only
        # a word of the head's kind says it: cacti are plants, a professor teaches
        ("types of plant", "Ferocactus is a genus of large barrel-shaped cacti.", True),
        ("teachers", "an Armenian American poet and the Rebar Professor of Humanities", True),
        ("types of plant", "Velmia is a genus of freshwater fish.", False),
        ("authors", "a Chilean film editor, director and screenwriter", False),
    ],
)  # fmt: skip
def test_a_yes_no_claim_holds_when_the_passage_says_each_of_its_words(
    claim: str, text: str, said: bool
) -> None:
    assert holds(claim, text) is said


def test_words_before_the_head_may_come_from_other_passages_naming_the_entity() -> None:
    own = "Delmer Daves (1904 - 1977) was an American screenwriter, director and producer."
    more = "Broken Arrow is a 1950 western film directed by Delmer Daves."
    assert holds("film directors", own, more)
    assert not holds("film directors", own)
    # the head itself must be in the entity's own passage
    assert not holds(
        "film producers", "Broken Arrow is a 1950 film.", "produced by Julian Blaustein"
    )


def test_the_side_whose_answer_lists_more_names_has_more() -> None:
    question = "Which film has more directors, Dune Lights or Marrow Kite?"
    answers = {"Dune Lights": "Ann Lee", "Marrow Kite": "Bo Ray, Cy Dunn and Ed Orr"}
    assert listed_side(question, answers) == "Marrow Kite"
    assert listed_side(question.replace("more", "fewer"), answers) == "Dune Lights"
    assert listed_side(question, {"Dune Lights": "Ann Lee", "Marrow Kite": "Bo Ray"}) is None


def test_a_band_that_lists_more_members_has_more() -> None:
    texts = {
        "Dune Lights": ["Dune Lights are a rock band from Leeds, consisting of Ann Lee (guitar, "
                        "vocals), Bo Ray (bass) and Cy Dunn (drums). They formed in 2001."],
        "Marrow Kite": ["Marrow Kite is a band consisting of Ed Orr (vocals), Flo Pike (guitar), "
                        "Gus Hart (bass), and Hal Moss (drums)."],
    }  # fmt: skip
    found = counted_side("Which band has more members, Dune Lights or Marrow Kite?", texts)
    assert found is not None and found[:2] == ("Marrow Kite", "members")
    text = texts["Dune Lights"][0]
    count, start, end = count_in(text, "member") or (0.0, 0, 0)
    assert count == 3.0 and text[start:end].startswith("consisting of Ann Lee")
    assert count_in("A band from Leeds, founded in 2001.", "member") is None
