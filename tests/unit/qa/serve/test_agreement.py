"""Graph agreement: which relation a question asks about, and an answer that the graph joins
to the question by that relation ranked first."""

from __future__ import annotations

from kgqa.qa.serve.agreement import (
    _bare_name,
    agrees,
    asked_relations,
    only_the_relation,
)
from kgqa.qa.serve.service import shown_answers
from kgqa.qa.types import Answer


def test_the_relation_a_question_asks_about() -> None:
    assert asked_relations("Who acquired Lumen Works?") == {"Owned_By"}
    assert asked_relations("Which company bought Lumen Works?") == {"Owned_By"}
    assert asked_relations("Who founded the Pasteur Institute?") == {"Founded_By"}
    assert asked_relations("Who is the CEO of Harbor Lights?") == {"Leader_Of"}
    assert asked_relations("Where was Marie Curie born?") == {"Born_In"}
    assert asked_relations("Who is Devon Achebe married to?") == {"Spouse"}
    assert asked_relations("What is the capital of France?") == set()
    assert asked_relations("When did the war end?") == set()
    assert asked_relations("Where is Born Free set?") == set()  # words of a name ask nothing
    # a count is no relation of the graph: "members" asks no Member_Of here
    assert asked_relations("Who are the members of the Sea Ice group?") == {"Member_Of"}
    assert asked_relations("How many members does the Sea Ice group have?") == set()
    # a chief financial officer leads nothing; the chief executive does
    assert asked_relations("Who is Meridian's chief financial officer?") == set()
    assert asked_relations("Who is the chief executive officer of Meridian?") == {"Leader_Of"}


def fact(label: str, typed: bool = True) -> dict[str, object]:
    return {"label": label, "typed": typed}


def test_only_a_fact_of_an_asked_relation_agrees() -> None:
    assert agrees([fact("Founded_By"), fact("Owned_By")], {"Owned_By"})
    assert not agrees([fact("Founded_By")], {"Owned_By"})
    assert not agrees([fact("acquire", typed=False)], {"Owned_By"})  # an open predicate
    # the parse's predicate in the schema's terms ("was acquired by" between two ORGs)
    assert agrees([fact("Owned_By", typed=False)], {"Owned_By"})
    assert not agrees([], {"Owned_By"})


def answer(text: str, probability: float) -> Answer:
    return Answer(text, 1.0, "d", "d#0", 0, len(text), text, 0, probability=probability)


def test_an_answer_the_graph_agrees_with_is_shown_first_with_those_in_the_margin() -> None:
    wrong, right = answer("Paul Arsenault", 0.76), answer("Harbor Lights", 0.53)
    # no agreement: the verifier's order, and its margin
    assert [a.text for a in shown_answers([wrong, right], None, 0.1)] == ["Paul Arsenault"]
    right.graph_agrees = True
    shown = shown_answers([wrong, right], None, 0.3)
    assert [a.text for a in shown] == ["Harbor Lights", "Paul Arsenault"]
    assert [a.text for a in shown_answers([wrong, right], 1, 0.1)] == ["Harbor Lights"]
    # an answer of a field the question names comes next, before the rest
    field = answer("Orbital Dynamics Ltd", 0.45)
    field.named_field = True
    shown = shown_answers([wrong, right, field], 3, 0.1)
    assert [a.text for a in shown] == ["Harbor Lights", "Orbital Dynamics Ltd", "Paul Arsenault"]


def test_a_question_that_describes_another_entity_asks_more_than_the_relation() -> None:
    # the veto's document condition is for questions that ask one relation of their entity
    assert only_the_relation("Where was Ernesto Valmonte born?", ["Ernesto Valmonte"])
    assert only_the_relation("Who is Owen Quint's wife?", ["Owen Quint"])
    assert only_the_relation("Where did the painter Ann Lee die?", ["Ann Lee"])
    # a bridge: the answer's document is about the movie, which need not name the actor
    assert not only_the_relation(
        "Jamie Harris is best known for his role as The Hook-Handed Man in a movie directed by "
        "who?",
        ["Jamie Harris", "Hook-Handed Man"],
    )


def test_a_name_s_describing_words_are_not_needed_to_find_it() -> None:
    assert _bare_name("Fisheries Ecology group") == "Fisheries Ecology"
    assert _bare_name("Lumen Works") == "Lumen Works"
    assert _bare_name("group") == "group"
