"""Whom an answer's sentence is about: another of the family, the other side of a
succession, another name's "It", and the thing a "who" question asks about."""

from __future__ import annotations

from kgqa.qa.serve.event_checks import other_number, other_version, relative_date
from kgqa.qa.serve.people_checks import (
    asked_thing,
    other_kin,
    other_person,
    other_side,
    others_it,
    unsaid_body,
    unsaid_post,
)
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
    # a pronoun or a title may stand for the one asked
    married = read("She married Robert Ellery, a farmer, in 1961.", "1961")
    assert other_kin("When did Margaret Ellery marry?", [married]) == set()
    ward = read("Cllr Raza, who represents Westbrook ward, was elected.", "Westbrook ward")
    assert other_kin("Which ward does Ayesha Raza represent?", [ward]) == set()
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
    # who holds it now is not the one taken over from; "from me" is the writer
    review = "The Pascoes took over the house from Ruth Hendry, who ran it for thirty years."
    ruth, pascoes = read(review, "Ruth Hendry"), read(review, "The Pascoes")
    assert other_side("Who runs Kittiwake House?", [ruth, pascoes]) == {id(ruth)}
    assert other_side("Who ran Kittiwake House before the Pascoes?", [ruth, pascoes]) == {
        id(pascoes)
    }
    # the one who left may hold the post asked now
    about = read("He succeeded Astrid Haugen, who now chairs the advisory board.", "Astrid Haugen")
    assert other_side("Who chairs the scientific advisory board?", [about]) == set()
    mail = read("Priya Nair takes over from me as lead maintainer.", "Priya Nair")
    assert other_side("Who is stepping down as maintainer?", [mail]) == {id(mail)}


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
    lead = read("Priya Nair takes over from me as lead maintainer.", "lead")
    assert asked_thing("Who is stepping down as Quire's maintainer?", [lead]) == {id(lead)}


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
    # a title's date of what the question asks is no dateline
    results = "Kirkdale Borough Council - By-election results, 26 November 2026\nElected: Sophie"
    held = read(results, "26 November 2026")
    assert dateline("When were the by-elections?", [held]) == set()


def test_it_after_a_short_name_of_the_question_s_is_that_name() -> None:
    about = "Corvane was founded in 2021 by Imani Okoye. The company is headquartered in Cambridge."
    town = read(about, "Cambridge")
    assert others_it("Where is Corvane Therapeutics headquartered?", [town]) == set()
    assert others_it("Where is Pinfold Sensors headquartered?", [town]) == {id(town)}


def test_a_sentence_that_opens_with_another_person_answers_nothing_of_the_one_asked() -> None:
    obituary = (
        "Margaret Ellery, who taught at Lydford Primary School, died at home on 26 November "
        "2026. Her brother, Alan Dunn, emigrated to Canada in 1967."
    )
    died, left = read(obituary, "26 November 2026"), read(obituary, "1967")
    assert other_person("When did Alan Dunn die?", [died, left]) == {id(died)}
    assert other_person("When did Margaret Ellery die?", [died]) == set()
    # the name that opens the sentence may be the answer; a question of no name is left alone
    name = read(obituary, "Margaret Ellery")
    assert other_person("When did Alan Dunn die?", [name]) == set()
    assert other_person("When did the teacher die?", [died]) == set()
    # a capital that opens a sentence names no one, and "she" may be the one asked
    work = read("Whitby Harbour is Hartley's last work, finished in 2002.", "2002")
    assert other_person("When did Agnes Hartley finish Whitby Harbour?", [work]) == set()
    before = read("Before Meridian she spent ten years at Maersk.", "Maersk")
    assert other_person("Where did Sofia Reyes work before Meridian?", [before]) == set()


def test_a_date_of_the_calendar_answers_before_one_said_from_the_day_of_writing() -> None:
    news = read("The change follows last week's by-elections.", "last week")
    results = read("By-election results, 26 November 2026", "26 November 2026")
    news.probability, results.probability = 0.8, 0.75
    assert relative_date("When were the by-elections?", [news, results]) == {id(news)}
    # alone, or beside a far less likely date, it stands
    assert relative_date("When were the by-elections?", [news]) == set()
    results.probability = 0.2
    assert relative_date("When were the by-elections?", [news, results]) == set()


def test_a_passage_of_another_number_of_a_numbered_thing_answers_nothing_of_it() -> None:
    race5 = read("Autumn Series Race 5\n\nWinner: Whimbrel (Ines Ferraz)", "Whimbrel")
    race3 = read("Autumn Series Race 3\n\nWinner: Curlew (Ann Rooke)", "Curlew")
    assert other_number("Which boat won Autumn Series Race 3?", [race5, race3]) == {id(race5)}
    assert other_number("Which boat won Autumn Series Race 2?", [race5, race3]) == {
        id(race5),
        id(race3),
    }
    # a passage of both numbers, a question of none, and a month's day are left alone
    both = read("Race 3 and Race 5 were sailed in a westerly. Curlew won.", "Curlew")
    assert other_number("Which boat won Race 3?", [both]) == set()
    assert other_number("Which boat won the autumn series?", [race5]) == set()
    day = read("The AGM is on March 5.", "March 5")
    assert other_number("What happens on March 3?", [day]) == set()


def test_the_owner_a_who_question_names_is_not_who_holds_the_post() -> None:
    minutes = "Brackwater Sailing Club - Committee Meeting Minutes. Present: Helen Marsh."
    club, helen = read(minutes, "Brackwater Sailing Club"), read(minutes, "Helen Marsh")
    assert asked_thing("Who is the club's bosun?", [club, helen]) == {id(club)}
    assert asked_thing("Who chairs Brackwater Sailing Club?", [club, helen]) == set()


NEWSLETTER = (
    "Our chair, Doreen Fisk, will stand down after eight years. Kwame Mensah has agreed to "
    "stand for chair."
)


def test_the_one_who_will_stand_down_is_not_the_one_who_will_stand_for_the_post() -> None:
    leaving, coming = read(NEWSLETTER, "Doreen Fisk"), read(NEWSLETTER, "Kwame Mensah")
    assert other_side("Who will stand for chair?", [leaving, coming]) == {id(leaving)}
    # who holds the post until then is still the one who will stand down
    assert other_side("Who is the chair?", [leaving, coming]) == set()


def test_a_post_of_a_body_the_passage_never_names_is_not_answered_there() -> None:
    chair = read(NEWSLETTER, "Doreen Fisk")
    assert unsaid_body("Who is the chair of governors?", [chair]) == {id(chair)}
    society = read("Sorrel Lane Allotment Society. " + NEWSLETTER, "Doreen Fisk")
    assert unsaid_body("Who is the chair of the allotment society?", [society]) == set()
    # a body with a capital is a name, which a passage may leave to its title
    assert unsaid_body("Who is the chair of the Sorrel Lane Society?", [chair]) == set()


def test_a_post_the_passage_never_says_is_not_answered_there() -> None:
    signed = read("Thanks,\nDeepa\nVolunteer coordinator, Ashgrove Cycle Co-op", "Deepa")
    assert unsaid_post("Who is the treasurer of Ashgrove Cycle Co-op?", [signed]) == {id(signed)}
    assert unsaid_post("Who is the volunteer coordinator?", [signed]) == set()
    # an agent noun is said by its verb; a short name or a word of many posts is not checked
    founded = read("The co-op was founded by Nadia Okonjo in 2014.", "Nadia Okonjo")
    assert unsaid_post("Who is the founder of the co-op?", [founded]) == set()
    assert unsaid_post("Who is the CEO of the co-op?", [founded]) == set()
