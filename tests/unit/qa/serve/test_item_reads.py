"""A list's items told apart: the item a question shares the most words with is the one asked,
and an answer from another item is hidden; fields side by side on one line; a paper's authors
and the affiliations their marks point to."""

from __future__ import annotations

from kgqa.qa.serve.field_reads import asked_fields
from kgqa.qa.serve.field_shapes import passage_fields
from kgqa.qa.serve.item_reads import asked_item, other_items, passage_items, value_parts
from tests.unit.qa.serve.test_read_checks import read

ACTIONS = (
    "Actions\n\n"
    "[x] Replace the certificate with one from the renewal system (owner: Ravi Menon)\n\n"
    "[ ] Alert on every certificate that expires within 30 days (owner: Sunita Rao)\n\n"
    "[ ] Move expiry warnings to the team's queue (owner: Julia Brandt)"
)


def test_the_item_asked_is_the_one_that_shares_the_most_words() -> None:
    items = passage_items(ACTIONS)
    firsts = [next(w for w in ACTIONS[a:b].split() if w[0].isupper()) for a, b in items]
    assert firsts == ["Replace", "Alert", "Move"]
    question = "Who owns the action to alert on expiring certificates?"
    a, b = asked_item(ACTIONS, question) or (0, 0)
    assert "Sunita Rao" in ACTIONS[a:b]
    # a tie, or one word in common, asks no item
    assert asked_item(ACTIONS, "Who owns the certificate?") is None
    ravi, sunita = read(ACTIONS, "Ravi Menon"), read(ACTIONS, "Sunita Rao")
    assert other_items(question, [ravi, sunita]) == {id(ravi)}
    assert other_items("Who owns the certificate?", [ravi, sunita]) == set()


def test_bulleted_lines_and_a_timeline_are_lists_and_prose_is_not() -> None:
    assert len(passage_items("Notes\n- first point here\n- second point here\n")) == 2
    timeline = "09:42 The certificate expires.\n\n09:47 Ravi Menon is paged.\n\n10:05 Julia leads."
    assert len(passage_items(timeline)) == 3
    prose = "The outage began at 09:42.\n\nIt lasted two hours.\n\nNobody owned the renewal."
    assert passage_items(prose) == []


def test_fields_side_by_side_on_one_line_are_each_a_field() -> None:
    text = "Incident report\nStatus: resolved · Severity: SEV-1 · Author: Julia Brandt\n"
    fields = {f.key: f.cell for f in passage_fields(text)}
    assert fields == {"Status": "resolved", "Severity": "SEV-1", "Author": "Julia Brandt"}
    asked = [f.key for f, _ in asked_fields(text, "What was the severity of the incident?")]
    assert asked == ["Severity"]


def test_a_paper_s_author_works_where_the_mark_after_the_name_says() -> None:
    text = (
        "Nitrogen uptake by sedges\n\nLena Hartmann¹, Kofi Asante², Mei Tanaka¹\n\n"
        "¹ Institute of Botany, University of Greifswald ² Department of Plant Biology, "
        "University of Ghana\n\nCorresponding author: Lena Hartmann"
    )
    asked = asked_fields(text, "Where does Kofi Asante work?")
    assert [f.cell for f, back in asked if not back] == [
        "Department of Plant Biology, University of Ghana"
    ]
    # naming the author alone asks no affiliation; the affiliation asks for its author
    assert not asked_fields(text, "Where did Kofi Asante study?")
    back = asked_fields(text, "Who works at the Department of Plant Biology, University of Ghana?")
    assert [(f.key, is_back) for f, is_back in back] == [("Kofi Asante", True)]


def test_a_changelog_s_lines_under_a_kind_of_change_are_items() -> None:
    notes = (
        "4.2.0 (18 November 2026)\n\nNew: export a project's issues as CSV.\n"
        "Fixed: the calendar view no longer shows deleted milestones.\n\n"
        "4.1.0 (2 September 2026)\n\nNew: dark mode, contributed by Yusuf Demir."
    )
    assert len(passage_items(notes)) == 3
    question = "Who contributed the CSV export?"
    other = read(notes, "Yusuf Demir")
    assert other_items(question, [other]) == {id(other)}  # dark mode's, not the export's
    # a transcript's or a FAQ's labels are no kinds of change
    faq = "Q: How do I reset my password?\nA: Choose 'Forgot password'.\nQ: Can I import?\nA: Yes."
    assert passage_items(faq) == []


def test_a_field_s_value_of_parts_answers_the_part_asked() -> None:
    text = "Price: £2,350\nWarranty: frame 5 years, motor and battery 2 years\n"
    [(key, (a, b), parts)] = value_parts(text, "How long is the warranty on the battery?")
    assert (key, text[a:b]) == ("Warranty", "motor and battery 2 years")
    assert [text[s:e] for s, e in parts] == ["frame 5 years", "motor and battery 2 years"]
    frame = read(text, "frame 5 years")
    assert other_items("How long is the warranty on the battery?", [frame]) == {id(frame)}
    # a question that names no part, or two, asks none
    assert value_parts(text, "How long is the warranty?") == []
    assert value_parts(text, "How long is the warranty on the frame and battery?") == []
    # a part that says nothing but the question's words names the next one
    contact = "Enquiries: Highways team, 0300 1234 222."
    assert value_parts(contact, "What is the highways team's phone number?") == []


def test_a_part_in_brackets_is_named_by_its_label() -> None:
    text = "Advisory\nSeverity: High (CVSS 8.1)\nCVE: CVE-2026-41877"
    parts = value_parts(text, "What is the CVSS score of the sandbox escape?")
    assert [(key, text[a:b]) for key, (a, b), _ in parts] == [("Severity", "CVSS 8.1")]
    high = read(text, "High")
    assert other_items("What is the CVSS score of the sandbox escape?", [high]) == {id(high)}
    # a label with a capital names its part too: "Adults £15, Children £5"
    tickets = "Concert\nTickets: Adults £15, Children £5"
    parts = value_parts(tickets, "How much is a ticket for children?")
    assert [tickets[a:b] for _, (a, b), _ in parts] == ["Children £5"]


def test_a_label_in_lower_case_names_a_code_and_the_question_s_names_ask_no_part() -> None:
    text = "Recall\nProduct: Arlo 1.7 litre kettle, model TK-170, colours Slate and Sand\n"
    question = "What is the model number of the Arlo kettle?"
    [(_, (a, b), _)] = value_parts(text, question)
    assert text[a:b] == "model TK-170"
    litre = read(text, "1.7 litre")
    assert other_items(question, [litre]) == {id(litre)}
    [(_, (a, b), _)] = value_parts(text, "What colours does the Arlo come in?")
    assert text[a:b] == "colours Slate and Sand"


RECIPE = (
    "Aunt Nell's Treacle Scones\n\nIngredients\n\n225 g self-raising flour\n\n50 g cold butter"
    "\n\n1 tablespoon black treacle\n\n120 ml milk\n\nMethod\n\n"
    "Warm the treacle with the milk and stir it in."
)


def test_how_much_of_a_thing_asks_the_measure_that_names_it() -> None:
    items = passage_items(RECIPE)
    assert [RECIPE[a:b].split()[-1] for a, b in items] == ["flour", "butter", "treacle", "milk"]
    flour, butter = read(RECIPE, "225 g"), read(RECIPE, "50 g")
    question = "How much flour goes into the treacle scones?"
    assert other_items(question, [flour, butter]) == {id(butter)}
    # a thing no measure names, or a question of no measure, asks no item
    assert other_items("How much sugar goes into the scones?", [flour, butter]) == set()
    assert other_items("What goes into the scones?", [flour, butter]) == set()


def test_who_asks_the_part_of_a_value_that_says_by_whom() -> None:
    notes = (
        "Fixed: a crash when a notebook held more than 10,000 notes, reported by Priya Nair.\n"
        "Fixed: tags were lost when a note was moved."
    )
    question = "Who reported the crash with more than 10,000 notes?"
    assert [notes[a:b] for _, (a, b), _ in value_parts(notes, question)] == [
        "reported by Priya Nair."
    ]
    priya = read(notes, "Priya Nair")
    assert other_items(question, [priya]) == set()
    # a question that is no "who" question is asked of the part it names
    assert value_parts(notes, "When was a crash with 10,000 notes reported?") != value_parts(
        notes, question
    )


def test_a_number_s_comma_parts_no_value() -> None:
    text = "Good news: the Fund has given us a grant of £3,000, which will pay for a workstand"
    [(_, (a, b), parts)] = value_parts(text, "How big is the grant from the Fund?")
    assert text[a:b] == "the Fund has given us a grant of £3,000" and len(parts) == 2
