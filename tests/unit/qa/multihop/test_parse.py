"""Reading a question's shape: chains, comparisons, yes/no about two things, and plain."""

from __future__ import annotations

import pytest

from kgqa.qa.multihop.facts import bridge_span, count_end, country_key, dates_in, life_dates
from kgqa.qa.multihop.hops import doc_title, name_key
from kgqa.qa.multihop.names import loose_key, own_name_words, question_names, short_name
from kgqa.qa.multihop.parse import (
    NAME_OF,
    Chain,
    Clause,
    Comparison,
    YesNo,
    outer_relation,
    parse,
)
from kgqa.qa.types import Hit, Passage


def test_a_chain_is_followed_innermost_first() -> None:
    shape = parse("Who is the mother of the director of film The Silent River?")
    assert shape == Chain("The Silent River", ["director", "mother"], None)


def test_a_post_after_as_is_no_chain() -> None:
    # "as director of X" says in which post, not who: one fact
    assert parse("Who did Okafor succeed as director of the Marlow Water Institute?") is None
    assert parse("Who replaced Ann Lee as chief executive of Acme Robotics?") is None
    # "known as" still leads to the bridge
    shape = parse("In what era was the company known as the manufacturer of Agni-V founded?")
    assert isinstance(shape, Chain) and shape.relations == ["manufacturer"]


def test_a_possessive_and_an_outer_question() -> None:
    shape = parse("Where was Eiludd Powys's father born?")
    assert isinstance(shape, Chain)
    assert shape.entity == "Eiludd Powys" and shape.relations == ["father"]
    assert shape.outer == "Where was {bridge} born?"


@pytest.mark.parametrize(
    ("question", "chain"),
    [
        (  # a name before its maker's role
            "Who owns the record label of the Quiet Harbour performer?",
            Chain("Quiet Harbour", ["performer", "record label"], "Who owns {bridge}?"),
        ),
        (  # a possessive whose name holds "in"; "birth place" is a place of birth
            "How many bridges are in the birth place of Sonata in F Minor's composer?",
            Chain(
                "Sonata in F Minor",
                ["composer", "birth place"],
                "How many bridges are in {bridge}?",
            ),
        ),
        (  # the outer question keeps its clause; it is read again once the bridge is known
            "What is the name of the castle in the city where the performer of Dune Lights formed?",
            Chain(
                "Dune Lights",
                ["performer"],
                "What is the name of the castle in the city where {bridge} formed?",
            ),
        ),
        (  # "the same nationality as X" asks about X's country, not for X's nationality
            "What is the average income in the same nationality as the author of Tarn Hill?",
            Chain(
                "Tarn Hill",
                ["author", "country of citizenship"],
                "What is the average income in {bridge}?",
            ),
        ),
        (  # a title in another language, in lower case after its article
            "How many bridges are in the birth city of the composer of La sposa fedele?",
            Chain(
                "La sposa fedele", ["composer", "birth city"], "How many bridges are in {bridge}?"
            ),
        ),
        (  # ... up to the question's own verb
            "When did the mayor of the city where the composer of Il mondo alla rovescia died end?",
            Chain(
                "Il mondo alla rovescia",
                ["composer"],
                "When did the mayor of the city where {bridge} died end?",
            ),
        ),
        (  # "co-founder": one of the founders, and the whole of it stands for the bridge
            "Which company did the co-founder of Acme Robotics start?",
            Chain("Acme Robotics", ["founder"], "Which company did {bridge} start?"),
        ),
        (
            "Where was the co-author of Dune born?",
            Chain("Dune", ["author"], "Where was {bridge} born?"),
        ),
    ],
)
def test_chains_of_more_forms(question: str, chain: Chain) -> None:
    assert parse(question) == chain


def test_kinship_of_two_hops_is_spelled_out() -> None:
    shape = parse("Who is the paternal grandmother of Princess Augusta Of Waldeck-Pyrmont?")
    assert shape == Chain("Princess Augusta Of Waldeck-Pyrmont", ["father", "mother"], None)


def test_a_date_comparison_and_a_bridge_comparison() -> None:
    plain = parse("Which film came out earlier, Kaaka Muttai or En Sømand Går I Land?")
    assert isinstance(plain, Comparison)
    assert plain.sides == ["Kaaka Muttai", "En Sømand Går I Land"]
    assert (plain.attribute, plain.latest, plain.relations) == ("date", False, [])
    bridged = parse(
        "Which film has the director who died later, Majhli Didi or Dream Of The Rhine?"
    )
    assert isinstance(bridged, Comparison)
    assert (bridged.attribute, bridged.latest, bridged.relations) == ("death", True, ["director"])
    # "before" compares where it ends the question's head, not inside its claim
    before = parse("Which film came out before, Dune Lights or Marrow Kite?")
    assert isinstance(before, Comparison) and (before.attribute, before.latest) == ("date", False)
    drunk = parse("Which is traditionally drunk before retiring to bed, Hot toddy or Kir?")
    assert isinstance(drunk, Comparison) and drunk.attribute == "choice"
    ordinal = parse("Who was the first Nordic painter to use oils, Ann Lee or Bo Ray?")
    assert isinstance(ordinal, Comparison) and ordinal.attribute == "choice"
    led = parse("Is the Velmia or the Tarskia the genus of more species of ferns?")
    assert led == Comparison(["Velmia", "Tarskia"], "choice", False, [], "")
    assert parse("Is Velm Peak or Tarsk closest to the border?") is None  # no name-shaped sides


@pytest.mark.parametrize(
    ("question", "sides", "attribute"),
    [
        ("Who was born first Am Rong or Ava DuVernay ?", ["Am Rong", "Ava DuVernay"], "birth"),
        (
            "Which band has more members Band of Skulls or Live ?",
            ["Band of Skulls", "Live"],
            "choice",
        ),
        (
            "Which novelist wrote as Walter Ericson: Laura Esquivel or Howard Fast?",
            ["Laura Esquivel", "Howard Fast"],
            "choice",
        ),
        (
            "Who has more shops? Bearno's or Patxi's Chicago Pizza?",
            ["Bearno's", "Patxi's Chicago Pizza"],
            "choice",
        ),
    ],
)
def test_a_comparison_without_a_comma_before_its_sides(
    question: str, sides: list[str], attribute: str
) -> None:
    shape = parse(question)
    assert isinstance(shape, Comparison) and shape.sides == sides
    assert shape.attribute == attribute


def test_two_names_joined_by_or_without_a_comparative_are_no_comparison() -> None:
    assert not isinstance(parse("What is the population of Paris or London?"), Comparison)


def test_a_yes_no_opening_that_ends_in_two_names_asks_which_of_them() -> None:
    sang = parse("Did Tarvo Lind sing with Corvine Hall or The Marrow Kites?")
    assert sang == Comparison(["Corvine Hall", "The Marrow Kites"], "choice", False, [], "")
    directed = parse("Was the film Dune Lights directed by Ann Lee or Bo Ray?")
    assert isinstance(directed, Comparison) and directed.sides == ["Ann Lee", "Bo Ray"]
    # a question word after a preposition still asks which side
    counted = parse("In which genus number of species are more, Velmia or Tarskia?")
    assert isinstance(counted, Comparison) and counted.sides == ["Velmia", "Tarskia"]
    # not two names to the end, nothing said before them, or a "both" question: no choice
    assert not isinstance(parse("Is Velmia or Tarskia, Jiangsu a county-level city?"), Comparison)
    assert not isinstance(parse("Did he win or lose?"), Comparison)
    assert not isinstance(parse("Are Ann Lee and Bo Ray both Velmian or Tarskian?"), Comparison)


def test_yes_no_same_and_both() -> None:
    same = parse(
        "Are director of film Sacro Gra and director of film Das Boot from the same country?"
    )
    assert isinstance(same, YesNo) and same.same and same.attribute == "country"
    assert same.sides == ["Sacro Gra", "Das Boot"] and "director" in same.relations
    both = parse("Are Broughtonia and Laeliocattleya both orchids?")
    assert both == YesNo(["Broughtonia", "Laeliocattleya"], False, "", "orchids", [])
    # a nationality after the names is the claim, not the end of the second name
    nation = parse("Are both Mara Velden and Tomas Brandt Dutch?")
    assert nation == YesNo(["Mara Velden", "Tomas Brandt"], False, "", "Dutch", [])
    # a claim for each side
    two = parse("Is Velm Peak a mountain and Tarsk Kangri a mountain pass?")
    assert isinstance(two, YesNo) and two.sides == ["Velm Peak", "Tarsk Kangri"]
    assert two.claims == ["a mountain", "a mountain pass"]
    assert parse("Is Ann Lee a singer and songwriter?") is None
    # a statement asked as a question; one that asks "what type" is no yes/no question
    stated = parse("Both Velmia and Tarskia are a genus of flowering plants?")
    assert stated == YesNo(["Velmia", "Tarskia"], False, "", "a genus of flowering plants", [])
    assert not isinstance(parse("Both Velmia and Tarskia are what type of plants?"), YesNo)


@pytest.mark.parametrize(
    "question",
    [
        "Who directed The Silent River?",
        "Who is the director of The Silent River?",
        "When was the Eiffel Tower built?",
        "What is the capital of France?",
        # "American" only describes the company the question is about: no name to hop from
        "In which city is the headquarters of the American software company where Ada Brenn "
        "worked?",
    ],
)
def test_one_fact_questions_stay_plain(question: str) -> None:
    assert parse(question) is None


def test_a_chain_that_opens_the_question_leaves_its_article_out() -> None:
    shape = parse("The author of Quiet Harbour attended which university?")
    assert shape == Chain("Quiet Harbour", ["author"], "{bridge} attended which university?")
    shape = parse("Who is the director of American Beauty?")  # a name that opens with one
    assert shape is None
    shape = parse("Where was the director of French Kiss born?")
    assert shape == Chain("French Kiss", ["director"], "Where was {bridge} born?")


@pytest.mark.parametrize(
    ("question", "inner", "outer"),
    [
        (  # the clause's subject is its noun; the outer question keeps its own verb
            "What year did the studio that released Harbour Lights close?",
            "Which studio released Harbour Lights?",
            "What year did {bridge} close?",
        ),
        (  # a clause ends at its own preposition; the last one is the outer question's
            "What league was the team that Ilse Varga was a member of in?",
            "Which team was Ilse Varga a member of?",
            "What league was {bridge} in?",
        ),
        (  # the innermost clause first; its auxiliary moves to the front
            "Who is the mayor of the town in which Tamsin Hale was born?",
            "In which town was Tamsin Hale born?",
            "Who is the mayor of {bridge}?",
        ),
        (
            "Who is the spouse of the actor who played Corin in The Two Norths?",
            "Who played Corin in The Two Norths?",
            "Who is the spouse of {bridge}?",
        ),
        (
            "Who leads the party that Ines Halloran is a member of?",
            "Which party is Ines Halloran a member of?",
            "Who leads {bridge}?",
        ),
        (  # the clause has its own subject and verb; "become" is the outer question's
            "When did the city where Bishop Ardel Voss died become its own country?",
            "Where Bishop Ardel Voss died?",
            "When did {bridge} become its own country?",
        ),
        (
            "What year did the Governor of the city where Bishop Ardel Voss died end?",
            "Where Bishop Ardel Voss died?",
            "What year did the Governor of {bridge} end?",
        ),
        (  # a number goes with the name before it ("Kestrel 146")
            "When was the company that built the Kestrel 146 dissolved?",
            "Which company built the Kestrel 146?",
            "When was {bridge} dissolved?",
        ),
        (  # "of who ...": the person the clause describes
            "What is the place of birth of who does the voice of Pim on Harrow Lane?",
            "Who does the voice of Pim on Harrow Lane?",
            "What is the place of birth of {bridge}?",
        ),
    ],
)
def test_a_relative_clause_is_asked_first(question: str, inner: str, outer: str) -> None:
    shape = parse(question)
    assert isinstance(shape, Clause)
    assert (shape.inner, shape.outer) == (inner, outer)


@pytest.mark.parametrize(
    "question",
    [
        "What is the company that makes the Fjell Scout?",  # the clause is the question
        "Where does the reviewer put the kettle when it is not in use?",  # not a relative
        "Fjell Subsea was bought by the company which the founders sold in which year?",
    ],
)
def test_clauses_that_are_not_bridges_stay_plain(question: str) -> None:
    assert parse(question) is None


def test_dates_and_life_dates() -> None:
    assert [d for d, _, _ in dates_in("on 4 March 1920 and June 9, 1990, then 1066")] == [
        (1920, 3, 4),
        (1990, 6, 9),
        (1066, 0, 0),
    ]
    text = "Mara Velden (4 March 1920 – 9 June 1990) was a Dutch film director."
    assert life_dates(text, "Mara Velden") == ((1920, 3, 4), (1990, 6, 9))
    assert life_dates("Ann Lee (born 1950) is a poet.", "Ann Lee") == ((1950, 0, 0), None)


def test_country_names_and_adjectives_meet() -> None:
    assert country_key("American") == country_key("U.S.") == country_key("United States")
    assert country_key("Dutch") != country_key("German")


def test_an_outer_question_that_only_describes_its_bridge_is_answered_by_it() -> None:
    shape = parse("Who was the writer of These Boots Are Made for Walkin' and who died in 2007?")
    assert isinstance(shape, Chain) and shape.relations == ["writer"]
    assert shape.outer is not None and NAME_OF.match(shape.outer)
    assert NAME_OF.match("What is the full name of {bridge}?")
    assert not NAME_OF.match("Who was {bridge} married to?")
    assert not NAME_OF.match("Who was {bridge}'s father?")
    # words that only describe the bridge ("the detective novelist"), not another thing of it
    parent = parse("What is the name of the detective novelist parent of the author of Velm?")
    assert isinstance(parent, Chain) and parent.relations == ["author", "parent"]
    assert parent.outer is not None and NAME_OF.match(parent.outer)
    assert not NAME_OF.match("What is the name of the castle in {bridge}?")
    assert not NAME_OF.match("What is the name of the wife of {bridge}?")


@pytest.mark.parametrize(
    ("doc_id", "title"),
    [("David O. Russell", "David O. Russell"), ("corpus/notes/Ada Lovelace.md", "Ada Lovelace"),
     ("Harry Connick Jr.", "Harry Connick Jr."), ("report.PDF", "report")],
)  # fmt: skip
def test_a_documents_name_keeps_the_initials_of_its_title(doc_id: str, title: str) -> None:
    hit = Hit(Passage(f"{doc_id}#0", doc_id, 0, 0, 4, "text"), 1.0)
    assert doc_title(hit) == title


def test_which_country_asks_for_a_country_and_initials_do_not_part_names() -> None:
    assert outer_relation("Which country {bridge} is from?") == "country of citizenship"
    assert outer_relation("What nationality is {bridge}?") == "nationality"
    assert own_name_words(name_key("Adlai E. Stevenson I")) == ["adlai", "stevenson"]
    assert own_name_words(name_key("Adlai Stevenson I")) == ["adlai", "stevenson"]
    assert own_name_words(name_key("Adlai Stevenson II")) != ["adlai", "stevenson"]
    owen = ["owen", "tarrant-hale"]
    assert own_name_words(name_key("Owen Tarrant-Hale, 2nd Baronet Hale of Dunmore")) == owen
    assert own_name_words(name_key("Sir Owen Tarrant-Hale, 2nd Baronet")) == owen
    assert own_name_words(name_key("Charles, Duke of Orléans")) == []  # one word: too loose


def test_a_bridge_is_what_its_clause_asks_for() -> None:
    text = "Mount Tarvel is in the Vosh District, Gilgit of Pakistan. Nearby lies Kelmor in India."
    at = text.index("the Vosh")
    end = text.index(". Nearby")
    # a country: the one the answer names, as a country's name
    assert bridge_span(text, at, end, "country", False)[2] == "Pakistan"
    assert bridge_span("a Pakistani peak", 0, 16, "country", False)[2] == "Pakistan"
    # a place: its first name; anything else: the answer as read
    text = "Vell Township is in Marl County in the state of Ohio."
    at = text.index("Marl")
    assert bridge_span(text, at, len(text) - 1, "county", True)[2] == "Marl County"
    assert bridge_span(text, at, len(text) - 1, "county", False)[2] == text[at:-1]
    # the words that say what kind of thing it is are no part of its name
    text = "It is official in the province of Velvodina."
    assert bridge_span(text, text.index("province"), len(text) - 1, "province", True)[2] == (
        "Velvodina"
    )
    # nor where it is based
    text = "Fleet was bought by Tarrow-based Bank of Velmar in 2004."
    at, end = text.index("Tarrow"), text.index(" in 2004")
    assert bridge_span(text, at, end, "company", False)[2] == "Bank of Velmar"
    text = "It was sold to the New Harbor-based Corvin Group."
    at = text.index("the New")
    assert bridge_span(text, at, len(text) - 1, "company", False)[2] == "Corvin Group"


def test_the_answer_to_how_many_is_its_number() -> None:
    question = "How many times did the plague occur in Velmar?"
    assert "22 times between 1361 and 1528"[: count_end(question, "22 times between 1361")] == "22"
    # a unit the question does not say stays; what qualifies the number stays
    answer = "140 mi of highways in 2010"
    assert answer[: count_end("How many miles of highways are in Velmar?", answer)] == "140 mi"
    assert count_end("How many books did she write?", "more than 450") == len("more than 450")
    # another question, or no number: the whole answer
    assert count_end("When did it start?", "22 times between") == len("22 times between")
    assert count_end("How many times?", "twice") == len("twice")


def test_names_match_without_their_punctuation_or_possessive() -> None:
    assert loose_key("Batman: Under the Red Hood") == loose_key("Batman Under the Red Hood")
    assert loose_key("Concerto in C major Op.3 6") == loose_key("Concerto in C Major Op 3 6")
    assert question_names("Where is the headquarters of Ten High's maker?") == ["Where", "Ten High"]


def test_a_short_name_leaves_out_titles_and_what_follows_the_name() -> None:
    assert short_name("king henry iii of velmark") == "henry iii"
    assert short_name("sir tom hale, 2nd baronet") == "tom hale"
    # nothing to leave out, or too little left: none
    assert short_name("tom hale") == "" and short_name("bank of velmark") == ""
    assert short_name("duke of velmark") == ""
