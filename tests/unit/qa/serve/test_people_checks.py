"""Whom an answer's sentence is about: another of the family, the other side of a
succession, another name's "It", and the thing a "who" question asks about."""

from __future__ import annotations

from kgqa.qa.serve.event_checks import other_version
from kgqa.qa.serve.people_checks import asked_thing, other_kin, other_side, others_it
from kgqa.qa.serve.read_checks import other_post
from kgqa.qa.serve.source_checks import dateline
from tests.unit.qa.serve.test_read_checks import read

WEDDING = (
    "On Saturday 14 April, Mr Walter Hollis, elder son of Mr\nand Mrs Arthur Hollis of the "
    "Forge, was married to Miss Ruth Pellow. Mr Frank Hollis, his brother, was best man."
)


def test_a_sentence_about_another_of_the_family_answers_nothing_of_the_one_asked() -> None:
    bride = read(WEDDING, "Miss Ruth Pellow")
    assert other_kin("Who did Frank Hollis marry?", [bride]) == {id(bride)}
    assert other_kin("Who did Walter Hollis marry?", [bride]) == set()
    # the family name alone may be the one asked
    bio = read("Hollis was born in Truro to Walter Hollis, a smith.", "Truro")
    assert other_kin("Where was Frank Hollis born?", [bio]) == set()
    # the other of the family may be the answer itself
    best = read(WEDDING, "Mr Frank Hollis")
    assert other_kin("Who was best man at Walter Hollis's wedding?", [best]) == set()


SUCCESSION = (
    "Isla Mackay will become Halyard's chief technology officer, succeeding Peter Lindqvist, "
    "who retires in March."
)


def test_a_succession_answers_who_leaves_with_the_one_after_its_verb() -> None:
    new, old = read(SUCCESSION, "Isla Mackay"), read(SUCCESSION, "Peter Lindqvist")
    retiring = "Who is retiring as Halyard's chief technology officer?"
    assert other_side(retiring, [new, old]) == {id(new)}
    assert other_side("Who is Halyard's new chief technology officer?", [new, old]) == {id(old)}
    assert other_side("Who did Isla Mackay succeed?", [new, old]) == {id(new)}
    # a question of neither side, and "succeeded by", are left alone
    assert other_side("Who is Halyard's chief technology officer?", [new, old]) == set()
    passive = read("Peter Lindqvist was succeeded by Isla Mackay.", "Isla Mackay")
    assert other_side(retiring, [passive]) == set()


def test_a_post_after_a_verb_of_becoming_is_the_answer_s_post() -> None:
    new = read(SUCCESSION, "Isla Mackay")
    assert other_post("Who is Halyard's chief financial officer?", [new]) == {id(new)}
    assert other_post("Who will be Halyard's chief technology officer?", [new]) == set()


def test_it_after_another_name_s_sentence_is_that_name() -> None:
    about = "Halyard Robotics was founded in 2014 by Grace Adeyemi. It employs 410 people."
    count = read(about, "410")
    assert others_it("How many people does Pinfold employ?", [count]) == {id(count)}
    assert others_it("How many people does Halyard Robotics employ?", [count]) == set()
    # a passage that says the question's name elsewhere is left to the reader
    both = read(f"{about}\n\nIt will buy Pinfold.", "410")
    assert others_it("How many people does Pinfold employ?", [both]) == set()
    # a blank line before "It": no sentence before it to say whose
    apart = read("Halyard Robotics, Bristol.\n\nIt employs 410 people.", "410")
    assert others_it("How many people does Pinfold employ?", [apart]) == set()


def test_the_thing_a_who_question_asks_about_is_no_one() -> None:
    notice = "The walk will be closed while the eroded path is rebuilt by Fellside Paths Ltd."
    path, firm = read(notice, "eroded path"), read(notice, "Fellside Paths Ltd")
    assert asked_thing("Who is rebuilding the Beacon Ridge path?", [path, firm]) == {id(path)}
    assert asked_thing("What is being rebuilt on the path?", [path]) == set()


def test_a_sentence_of_another_version_answers_nothing_of_the_one_asked() -> None:
    advisory = "Lodestar 3.0.0 to 3.4.2 are affected. Lodestar 3.4.3, released on 12 November 2026."
    fixed = read(advisory, "12 November 2026")
    assert other_version("When was Lodestar 3.0.0 released?", [fixed]) == {id(fixed)}
    assert other_version("When was Lodestar 3.4.3 released?", [fixed]) == set()
    affected = read(advisory, "3.0.0 to 3.4.2")
    assert other_version("Is Lodestar 3.2.1 affected?", [affected]) == set()
    # another name's version is no other version of the one asked
    python = read("Lodestar now requires Python 3.10 or later.", "Python 3.10")
    assert other_version("Which Python version does Lodestar 3.0.0 require?", [python]) == set()


def test_a_notice_s_opening_line_is_its_date() -> None:
    notice = (
        "Beacon Ridge Walk: path closure\n\nNotice from the ranger service, 20 November 2026."
        "\n\nThe walk will be closed from 11 January 2027."
    )
    issued, closes = read(notice, "20 November 2026"), read(notice, "11 January 2027")
    asked = "When does the Beacon Ridge Walk closure start?"
    assert dateline(asked, [issued, closes]) == {id(issued)}
    assert dateline("When was the notice issued?", [issued]) == set()


def test_it_after_a_short_name_of_the_question_s_is_that_name() -> None:
    about = "Corvane was founded in 2021 by Imani Okoye. The company is headquartered in Cambridge."
    town = read(about, "Cambridge")
    assert others_it("Where is Corvane Therapeutics headquartered?", [town]) == set()
    assert others_it("Where is Pinfold Sensors headquartered?", [town]) == {id(town)}
