"""An answer's own words: a sentence of another year, another post beside the name, and
answers of no answer's shape (an address, a title alone, how often, a life's span)."""

from __future__ import annotations

from kgqa.qa.serve.read_checks import no_answer_shape, other_post, other_year, read_elsewhere
from tests.unit.qa.serve.test_agreement import read


def test_a_sentence_of_another_year_answers_no_question_about_this_one() -> None:
    news = "Lena Hartmann has been awarded the 2026 Sorrel Medal. Aino Rautio won it in 2024."
    hartmann, rautio = read(news, "Lena Hartmann"), read(news, "Aino Rautio")
    assert other_year("Who won the Sorrel Medal in 2023?", [hartmann, rautio]) == {
        id(hartmann),
        id(rautio),
    }
    assert other_year("Who won the Sorrel Medal in 2024?", [hartmann, rautio]) == {id(hartmann)}
    # a table's row is its own sentence
    table = "| 2022 | Coxless four (coach: Hannah Dobson) |\n| 2023 | Junior sculls |"
    coach = read(table, "Hannah Dobson")
    assert other_year("Who coached the juniors in 2023?", [coach]) == {id(coach)}
    # a span of years holds the year; a sentence without years, and no year asked, hide nothing
    span = read("She chaired the board from 2019 to 2024, said Ann Holt.", "Ann Holt")
    plain = read("The board is chaired by Ann Holt.", "Ann Holt")
    assert other_year("Who chaired the board in 2023?", [span, plain]) == set()
    assert other_year("Who chairs the board?", [hartmann]) == set()
    # a year that names something of the question asks no fact of that year
    assert other_year("Who won the medal at the 2023 Riga congress?", [hartmann]) == set()


def test_another_post_beside_the_name_answers_no_question_about_this_one() -> None:
    signed = "Signed for Pellucid Systems Ltd by Amara Nwosu, Chief Executive Officer."
    ceo = read(signed, "Amara Nwosu")
    assert other_post("Who is Pellucid's chief financial officer?", [ceo]) == {id(ceo)}
    assert other_post("Who is Pellucid's CEO?", [ceo]) == set()
    assert other_post("Who signed the agreement?", [ceo]) == set()  # no post asked
    club = read("Hannah Dobson, captain since 2023, coaches the squad.", "Hannah Dobson")
    assert other_post("Who is the president of the club?", [club]) == {id(club)}


def test_answers_of_no_answer_s_shape() -> None:
    mail = read("Contact: peatlands2026@lu.example", "peatlands2026@lu.example")
    assert no_answer_shape("Where will the medal be presented?", [mail]) == {id(mail)}
    assert no_answer_shape("What is the contact e-mail address?", [mail]) == set()
    assert no_answer_shape("Where do registrations go?", [mail]) == set()
    title = read("Professor Lena Hartmann of the Institute of Botany", "Professor")
    assert no_answer_shape("Who awarded Lena Hartmann the medal?", [title]) == {id(title)}
    train = "Trains run from Uppsala every 30 minutes; the journey takes 22 minutes."
    often, long = read(train, "30 minutes"), read(train, "22 minutes")
    assert no_answer_shape("How long does the train take?", [often, long]) == {id(often)}
    assert no_answer_shape("How often do trains run?", [often]) == set()
    year = read("The railway reached the town in 1874.", "1874")
    assert no_answer_shape("How long does the train take?", [year]) == {id(year)}
    outage = "The outage lasted 2 hours and 14 minutes and cost £80,000."
    lasted, cost = read(outage, "2 hours and 14 minutes"), read(outage, "£80,000")
    assert no_answer_shape("How much did the outage cost?", [lasted, cost]) == {id(lasted)}
    assert no_answer_shape("How long did the outage last?", [lasted]) == set()
    title_line = "Ingrid Lundqvist, 1941–2026\n\nIngrid Lundqvist was mayor from 1986 to 1998."
    life = read(title_line, "1941–2026")
    assert no_answer_shape("When was Ingrid Lundqvist mayor?", [life]) == {id(life)}
    assert no_answer_shape("When did Ingrid Lundqvist live?", [life]) == set()
    assert read_elsewhere("When was Ingrid Lundqvist mayor?", [life]) == {id(life)}
