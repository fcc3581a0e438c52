"""Which fields of a passage a question names: "Key: value" lines and table cells."""

from __future__ import annotations

from kgqa.qa.serve.entry_reads import other_entries, passage_entries
from kgqa.qa.serve.field_reads import (
    asked_fields,
    group_heading,
    heading_prefix,
    other_fields,
    said_of_another,
    sentence_keys,
    unlisted,
)
from kgqa.qa.serve.field_shapes import passage_fields
from kgqa.qa.types import Answer, Hit, Passage

TABLE = (
    "Results 2025\n\n| Item | 2025 | 2024 |\n|---|---|---|\n"
    "| Revenue | 48.2 | 36.1 |\n| Employees | 212 | 175 |"
)


def test_a_key_of_another_holder_is_not_read() -> None:
    text = "Fact sheet\nProject lead: Marta Lindgren\nSponsor: Orbital Dynamics Ltd"

    def lines(question: str) -> list[str]:
        return [f.line for f, _ in asked_fields(text, question)]

    assert lines("Who is the project lead?") == ["Project lead: Marta Lindgren"]
    assert lines("Who is the deputy project lead?") == []
    # the words of the key, stemmed, in any order
    assert lines("Who leads the project?") == ["Project lead: Marta Lindgren"]
    # a paragraph of one line that opens with a key is no list of fields
    assert asked_fields("Sponsor: the council paid for it.", "Who is the sponsor?") == []
    # a key of every record of a list names none of them
    records = "Staff\nName: Ann Lee\nRole: CFO\nName: Bo Kim\nRole: CTO\nOffice: Oslo"
    assert asked_fields(records, "What is the name of the CFO?") == []
    assert [f.line for f, _ in asked_fields(records, "Where is the office?")] == ["Office: Oslo"]


def test_a_cell_is_named_by_its_row_and_its_column() -> None:
    ((cell, backwards),) = asked_fields(TABLE, "What was the revenue in 2024?")
    assert TABLE[cell.start : cell.end] == "36.1" and not backwards
    assert cell.line == "Revenue in 2024 was 36.1."  # read as a sentence
    assert asked_fields(TABLE, "What was the revenue?") == []  # which year, the cell cannot say
    assert len(passage_fields(TABLE)) == 4  # the header row and the rule are no cells


def test_an_answer_from_another_cell_is_hidden_beside_the_cell_asked() -> None:
    def answer(text: str) -> Answer:
        at = TABLE.index(text)
        return Answer(text, 1.0, "r.md", "r.md#0", at, at + len(text), TABLE, 0)

    wrong, right = answer("48.2"), answer("36.1")
    assert other_fields("What was the revenue in 2024?", [wrong, right]) == {id(wrong)}
    assert other_fields("Who wrote the report?", [wrong, right]) == set()


TEAM = (
    "| Name | Role | Location |\n|---|---|---|\n| Noor Haddad | Project lead | Amman |\n"
    "| Felix Wagner | Release manager | Leipzig |\n| Chiara Conti | Documentation | Turin |"
)
GROUPS = "| Group | Leader | Members |\n|---|---|---|\n| Sea Ice | Mikkel Berg | 12 |"


def test_a_column_of_agents_is_named_by_its_verb() -> None:
    ((cell, backwards),) = asked_fields(GROUPS, "Who leads the Sea Ice group?")
    assert GROUPS[cell.start : cell.end] == "Mikkel Berg" and not backwards
    ((cell, _),) = asked_fields(GROUPS, "How many members does the Sea Ice group have?")
    assert GROUPS[cell.start : cell.end] == "12"


def test_a_row_is_asked_backwards_by_the_words_of_its_cell() -> None:
    ((cell, backwards),) = asked_fields(TEAM, "Who is Quillon's release manager?")
    assert backwards and TEAM[cell.key_start :].startswith("Felix Wagner")
    assert cell.line[cell.key_at :].startswith("Felix Wagner")
    # a cell that the column gives twice names no row
    twice = TEAM.replace("Documentation", "Release manager")
    assert asked_fields(twice, "Who is Quillon's release manager?") == []


DIRECTORY = (
    "ACME - LEADERSHIP TEAM\n\n"
    "Imani Okoye - Chief Executive. Before Acme she led a group at the Whitcombe Institute.\n\n"
    "Tomasz Wierzbicki - Chief Financial Officer. He worked at Harrow & Finch for nine years.\n\n"
    "Dr. Amara Sesay - Vice President. Amara joined from Novaris Health in 2025."
)


def test_a_directory_entry_is_the_one_the_question_names() -> None:
    names = [name for name, _, _ in passage_entries(DIRECTORY)]
    assert names == ["Imani Okoye", "Tomasz Wierzbicki", "Amara Sesay"]  # not the title

    def answer(text: str) -> Answer:
        at = DIRECTORY.index(text)
        return Answer(text, 1.0, "t.txt", "t.txt#0", at, at + len(text), DIRECTORY, 0)

    wrong, right = answer("Whitcombe Institute"), answer("Harrow & Finch")
    question = "Where did Tomasz Wierzbicki work before Acme?"
    assert other_entries(question, [wrong, right]) == {id(wrong)}
    # a question that names no entry, or two, hides nothing
    assert other_entries("Where did the CFO work before?", [wrong, right]) == set()
    assert other_entries("Did Imani Okoye hire Tomasz Wierzbicki?", [wrong, right]) == set()
    # one entry alone is no directory
    assert passage_entries("Imani Okoye - Chief Executive. She founded it.") == []


PEOPLE = (
    "Our leadership\n\nSofia Reyes\n\nChief Executive Officer\n\nSofia joined in 2014.\n\n"
    "Henrik Aalto\nChief Financial Officer\n\nHenrik has been here since 2018."
)


def test_a_name_over_its_post_is_a_field_of_the_post() -> None:
    ((f, backwards),) = asked_fields(PEOPLE, "Who is Meridian's chief financial officer?")
    assert PEOPLE[f.start : f.end] == "Henrik Aalto" and not backwards
    assert f.line == "Henrik Aalto is the Chief Financial Officer."  # read as a sentence
    ((f, _),) = asked_fields(PEOPLE, "Who is the chief executive officer?")
    assert PEOPLE[f.start : f.end] == "Sofia Reyes"
    # a heading over a heading is no name over a post
    assert not asked_fields("Our leadership\n\nExecutive board\n", "Who is on the board?")


HOURS = (
    "| Season | Days | Hours |\n|---|---|---|\n"
    "| Summer (1 June - 31 August) | Every day | 10:00 - 18:00 |\n"
    "| Winter (1 September - 31 May) | Tuesday - Sunday | 11:00 - 16:00 |"
)


def test_a_row_is_named_without_what_its_key_says_in_brackets() -> None:
    ((cell, _),) = asked_fields(HOURS, "What are the opening hours in winter?")
    assert HOURS[cell.start : cell.end] == "11:00 - 16:00"

    def answer(text: str) -> Answer:
        at = HOURS.index(text)
        return Answer(text, 1.0, "v.md", "v.md#0", at, at + len(text), HOURS, 0)

    # the table's header and a row's key are no answer beside the cell asked
    header, key, right = answer("Days"), answer("1 September - 31 May"), answer("11:00 - 16:00")
    asked = "What are the opening hours in winter?"
    assert other_fields(asked, [header, key, right]) == {id(header), id(key)}


def test_another_field_is_hidden_in_every_passage_of_the_document() -> None:
    first = "5. Troubleshooting\nError E1: no heating signal."
    second = "Error E1: no heating signal.\nError E2: low battery. Replace both batteries."
    e1 = Answer("no heating signal", 1.0, "m.pdf", "m.pdf#0", 29, 46, first, 0)
    at = 60 + second.index("low battery")
    e2 = Answer("low battery", 1.0, "m.pdf", "m.pdf#1", at, at + 11, second, 60)
    other = Answer("no heating signal", 1.0, "x.pdf", "x.pdf#0", 29, 46, first, 0)
    # the passage of E1 names no E2, but its document does; another document is left alone
    assert other_fields("What does error E2 mean?", [e1, e2, other]) == {id(e1)}


def test_a_transcript_s_speaker_is_no_key() -> None:
    turns = "TOM REDDY: What do you do at weekends?\nADAEZE OKAFOR: I grow tomatoes, badly."
    assert asked_fields(turns, "What is Adaeze Okafor known for?") == []
    assert asked_fields("Known: for\nCEO: Jane Doe", "Who is the CEO?")  # a key in capitals


TRUSTEES = (
    "Trustees\n\n"
    "Robert Ainsley — Chair. A retired solicitor from Ludlow, he joined the board in 2016.\n\n"
    "Dr Amina Yusuf — Vice-chair. An ecologist at Aberystwyth University.\n\n"
    "Dr Fiona Bright — Chief Executive since 2021. Before joining the Trust she led a team.\n\n"
    "Founder\n\nThe Trust was founded in 1971 by Edith Crane (1919–2004), a botanist."
)


def test_a_name_a_dash_and_a_post_is_a_field_of_the_post() -> None:
    def holder(question: str) -> list[str]:
        return [TRUSTEES[f.start : f.end] for f, _ in asked_fields(TRUSTEES, question)]

    assert holder("Who is the chief executive of the Kestrel Moor Trust?") == ["Fiona Bright"]
    assert holder("Who is the chair of trustees?") == ["Robert Ainsley"]
    assert holder("Who is the vice-chair?") == ["Amina Yusuf"]
    # a question about a holder before this one is not answered by the post's line
    assert holder("Who retired as chair?") == []


def test_the_years_after_a_name_are_its_birth_and_death() -> None:
    ((died, _),) = asked_fields(TRUSTEES, "When did Edith Crane die?")
    assert TRUSTEES[died.start : died.end] == "2004" and died.line == "Edith Crane died in 2004."
    ((born, _),) = asked_fields(TRUSTEES, "When was Edith Crane born?")
    assert TRUSTEES[born.start : born.end] == "1919"
    assert asked_fields(TRUSTEES, "When did Amina Yusuf die?") == []


def test_fields_a_full_stop_parts_on_one_line_are_each_a_field() -> None:
    text = "Description\nCouncil tax band: D. EPC rating: E. Tenure: freehold."
    assert [f.line for f in passage_fields(text)] == [
        "Council tax band: D",
        "EPC rating: E",
        "Tenure: freehold",  # its full stop is no part of the value
    ]
    ((rating, _),) = asked_fields(text, "What is the EPC rating of 4 Wren Cottages?")
    assert text[rating.start : rating.end] == "E"


def test_a_name_s_line_answers_what_it_says_of_the_name_only() -> None:
    sheet = "Attendance: 1,388.\nAlderbay: Marsh; Quinn, Adebayo, Holt, Pike; Oduya, Lennox."
    assert asked_fields(sheet, "Who scored Alderbay's equaliser against Kirkmoor?") == []
    team = "Team\nMarta Lindgren: project lead\nOla Berg: treasurer"
    (named,) = [f.line for f, _ in asked_fields(team, "What is Marta Lindgren's role?")]
    assert named == "Marta Lindgren: project lead"


def test_when_names_a_date_key_beside_a_word_of_the_question() -> None:
    trial = "SPARROW\nPhase: 2\nStart date: 3 March 2024\nDate: 20 November 2026"
    ((start, _),) = asked_fields(trial, "When did the SPARROW trial start?")
    assert start.line == "Start date: 3 March 2024"
    # "Date" alone is named by no "when" question: it says no event
    assert asked_fields(trial, "When was Lumen founded?") == []


def test_a_heading_with_a_colon_is_read_when_it_is_a_paragraph_of_its_own() -> None:
    trial = "SPARROW: a phase 2 trial of LUM-204\n\nParticipants: 312 adults\nSites: 14"
    assert heading_prefix(trial, {"sparrow"}).startswith("SPARROW: a phase 2 trial")
    fields = "Sponsor: Lumen Therapeutics\nParticipants: 312 adults"
    assert heading_prefix(fields, {"lumen"}) == ""


def hit(text: str) -> Hit:
    return Hit(Passage("d#0", "d", 0, 0, len(text), text), 1.0)


def test_a_key_asked_of_something_a_sentence_names_with_it_is_not_read() -> None:
    page = (
        "Alderbay Athletic FC: our history\n\n| Founded | 1894 |\n| Ground | Saltings Park |"
        "\n\nThe women's team, founded in 2015, plays on Sundays."
    )
    said = sentence_keys([hit(page)])
    ((founded, _),) = asked_fields(page, "When was the Alderbay women's team founded?")
    assert said_of_another("When was the Alderbay women's team founded?", page, founded, said)
    assert not said_of_another("When was Alderbay Athletic founded?", page, founded, said)


def test_a_title_line_under_the_first_is_read_before_a_field() -> None:
    programme = (
        "HALLAM PHILHARMONIC\nSeason 2026-27\nA Hartley Celebration\nSheffield City Hall\n"
        "Conductor: Yuki Tanabe\nSoloist: Priya Raman"
    )
    at = programme.index("Yuki")
    assert heading_prefix(programme, {"hartley"}, at) == "A Hartley Celebration\n\n"
    # a sentence or a field ends the title lines
    prose = "NOTES\nThe concert was a Hartley night.\nA Hartley Celebration\nConductor: Yuki"
    assert heading_prefix(prose, {"hartley"}, prose.index("Yuki")) == ""
    # "conducts" asks a "Conductor" line of the programme the title names, though a sentence
    # elsewhere says who conducted its first performance
    ((conductor, _),) = asked_fields(programme, "Who conducts A Hartley Celebration?")
    said = sentence_keys(
        [hit("Its first performance was conducted by Robert Aske, then its conductor.")]
    )
    assert not said_of_another("Who conducts A Hartley Celebration?", programme, conductor, said)


def test_one_half_of_a_key_joined_by_and_names_it() -> None:
    report = "Overall effectiveness: Good\nBehaviour and attitudes: Outstanding"
    ((field, _),) = asked_fields(report, "How was behaviour judged at Greyfriars?")
    assert field.cell == "Outstanding"


def test_a_timeline_s_event_asks_its_year() -> None:
    timeline = (
        "| Year | Event |\n|---|---|\n| 1958 | Organist of Ripon |\n"
        "| 1962 | Salt and Iron premiered |"
    )
    ((field, backwards),) = asked_fields(timeline, "When was Salt and Iron premiered?")
    assert backwards and field.key == "1962"
    assert field.line == "In 1962: Salt and Iron premiered."


def test_another_holder_is_one_that_stands_before_the_key() -> None:
    record = "Label: Corvid Records\nYear: 1973"
    ((label, _),) = asked_fields(record, "Which label released the first recording of it?")
    assert label.cell == "Corvid Records"
    assert asked_fields(record, "Which was the first label of it?") == []


def test_a_line_of_facts_parted_by_dots_is_a_field_each() -> None:
    recipe = "Crab tart\n\nServes 6 · Prep 30 minutes · Cook 45 minutes · Difficulty: moderate"
    ((serves, _),) = asked_fields(recipe, "How many does the crab tart serve?")
    assert serves.line == "Serves: 6" and serves.cell == "6"
    assert recipe[serves.start : serves.end] == "6"
    ((cook, _),) = asked_fields(recipe, "How long does the tart take to cook?")
    assert cook.cell == "45 minutes"
    # a fact with no word before its number ("38 minutes") is no field
    dated = passage_fields("Published 9 October 2026 · 38 minutes")
    assert [(f.key, f.cell) for f in dated] == [("Published", "9 October 2026")]


def test_a_sentence_that_gives_the_field_s_value_agrees_with_it() -> None:
    minutes = (
        "Ferncombe Village Hall: Annual General Meeting\n\n"
        "Chair: Margaret Hale. Minutes: Beth Ward."
    )
    record = "Margaret Hale has chaired the hall committee since 2019."
    question = "Who chairs the Ferncombe Village Hall committee?"
    ((chair, _),) = asked_fields(minutes, question)
    assert chair.cell == "Margaret Hale"
    assert not said_of_another(question, minutes, chair, sentence_keys([hit(record)]))
    other = "Colin Ray has chaired the hall committee since 2019."
    assert said_of_another(question, minutes, chair, sentence_keys([hit(other)]))


RESULTS = (
    "Autumn Regatta 2026 results\n\n| Place | Helm | Boat | Points |\n|---|---|---|---|\n"
    "| 1 | Fiona Barr | Kestrel | 4 |\n| 2 | Sandeep Gill | Merlin Rocket 3611 | 7 |"
)


def test_a_results_table_s_rows_are_named_by_their_name_and_its_first_place_won() -> None:
    ((boat, back),) = asked_fields(RESULTS, "Which boat did Sandeep Gill sail?")
    assert (boat.cell, boat.line, back) == (
        "Merlin Rocket 3611",
        "Sandeep Gill: Boat Merlin Rocket 3611.",
        False,
    )
    ((place, _),) = asked_fields(RESULTS, "What place did Fiona Barr finish in?")
    assert place.cell == "1"
    ((won, _),) = asked_fields(RESULTS, "Who won the Autumn Regatta?")
    assert (won.line, won.cell) == ("The winner was Fiona Barr.", "Fiona Barr")
    # a table whose first column is no place keeps its rows named by their first cell
    fleet = RESULTS.replace("| Place |", "| Sail |")
    boats = [f.cell for f, _ in asked_fields(fleet, "Which boat did Sandeep Gill sail?")]
    assert "Merlin Rocket 3611" not in boats


def test_a_schedule_s_line_is_read_as_when_its_event_is() -> None:
    notice = "Notice of Race\n09:00 Registration opens\n10:30 First warning signal\n16:00 Prizes"
    ((signal, back),) = asked_fields(notice, "When is the first warning signal?")
    assert (signal.key, signal.line, back) == ("10:30", "At 10:30: First warning signal", True)
    ((prizes, back),) = asked_fields(notice, "What happens at 16:00?")
    assert (prizes.cell, back) == ("Prizes", False)


def test_a_registration_is_the_company_number_and_a_verb_names_its_key() -> None:
    foot = "Tessel Home Appliances Ltd, Swindon. Registered in England No. 10448237."
    ((number, _),) = asked_fields(foot, "What is Tessel's company number?")
    assert (number.line, number.cell) == ("Company number: 10448237", "10448237")
    sheet = "Leith Public Baths\nArchitect: Henry Marlowe\nCompleted: 1934"
    ((architect, _),) = asked_fields(sheet, "Who designed the Leith Public Baths?")
    assert architect.cell == "Henry Marlowe"


def test_a_league_table_s_short_headers_are_read_in_full() -> None:
    league = (
        "Final table\n\n| Pos | Club | P | W | Pts |\n|---|---|---|---|---|\n"
        "| 1 | Consett Rovers | 34 | 24 | 78 |\n| 2 | Tow Law Athletic | 34 | 22 | 71 |"
    )
    ((points, _),) = asked_fields(league, "How many points did Tow Law Athletic get?")
    assert points.line == "Tow Law Athletic: Points 71."
    ((won, _),) = asked_fields(league, "How many games did Consett Rovers win?")
    assert won.line == "Consett Rovers: Won 24."
    # a "who" question's verb names the first place's key; a "how many" question's does not
    ((first, _),) = asked_fields(league, "Who won the league?")
    assert first.cell == "Consett Rovers"


def _read(context: str, text: str, doc: str = "d") -> Answer:
    at = context.index(text)
    return Answer(text, 1.0, doc, f"{doc}#0", at, at + len(text), context, 0)


def test_a_record_without_the_field_asked_gives_no_other_field_of_its_own() -> None:
    lantern = "The Lantern Keepers\n\nAuthor: Morwenna Hale\nPages: 312\nPrice: £16.99"
    hilbre = "A Year on Hilbre\n\nAuthor: Jean Okafor\nIllustrator: Sam Whitley\nPages: 188"
    author = _read(lantern, "Morwenna Hale", "b1")
    illustrator = _read(hilbre, "Sam Whitley", "b3")
    asked = "Who illustrated The Lantern Keepers?"
    # another book's record has the illustrator: this one, of the same keys, has none
    assert other_fields(asked, [author, illustrator]) == {id(author)}
    assert other_fields(asked, [author]) == set()  # nothing says what it lacks
    assert other_fields("Who wrote The Lantern Keepers?", [author, illustrator]) == {
        id(illustrator)
    }


def test_a_key_alone_answers_nothing_the_question_does_not_name() -> None:
    hilbre = "A Year on Hilbre\n\nAuthor: Jean Okafor\nIllustrator: Sam Whitley\nPages: 188"
    label = _read(hilbre, "Illustrator")
    assert other_fields("What did Jean Okafor work as on Hilbre?", [label]) == {id(label)}
    # asked by its value, the key is what is wanted
    assert other_fields("What did Sam Whitley do for the book?", [label]) == set()


def test_a_price_list_s_other_item_is_no_price_of_the_item_asked() -> None:
    prices = (
        "Prices\n\nDog vaccination booster: £52. Cat vaccination booster: £46. "
        "Microchipping: £25. Nail clip: £12."
    )
    dog, cat, chip = _read(prices, "£52"), _read(prices, "£46"), _read(prices, "£25")
    assert unlisted("How much is a rabbit vaccination?", [dog, cat]) == {id(dog), id(cat)}
    assert unlisted("How much does it cost to neuter a cat?", [cat]) == {id(cat)}
    assert unlisted("How much is a dog vaccination?", [dog, cat]) == {id(cat)}
    assert unlisted("How much does microchipping cost?", [chip]) == set()
    # two priced lines are no list
    two = _read("Fees\n\nAdult: £9\nChild: £4", "£4")
    assert unlisted("How much is a family ticket?", [two]) == set()


def test_a_day_s_row_is_read_for_a_question_of_that_day() -> None:
    hours = "Opening hours\n\n| Day | Hours |\n|---|---|\n| Monday to Friday | 8:00-19:00 |\n"
    hours += "| Saturday | 9:00-13:00 |"
    ((cell, _),) = asked_fields(hours, "What are the opening hours on Saturday?")
    assert cell.cell == "9:00-13:00"


def test_a_timetable_s_row_is_asked_by_its_event_and_read_at_its_time() -> None:
    day = "| Time | Activity |\n|---|---|\n| 8.15am | Coach leaves school |\n"
    day += "| 10.30am | Workshop: How a steam engine works |\n| 2.45pm | Coach leaves York |"
    ((row, back),) = asked_fields(day, "When does the coach leave York?")
    assert (row.line, back) == ("At 2.45pm: Coach leaves York.", True)
    ((row, back),) = asked_fields(day, "What happens at 10.30am?")
    assert row.cell == "Workshop: How a steam engine works" and not back
    # the first word of a row's event names it, where it opens no other row's
    ((row, back),) = asked_fields(day, "When does the workshop start?")
    assert row.key == "10.30am" and back
    assert asked_fields(day, "When does the coach leave?") == []
    assert asked_fields(day, "What is the workshop about?") == []  # what it is, not its time


def test_where_a_runner_finished_is_the_place_of_their_row() -> None:
    results = "| Pos | Runner | Time |\n|---|---|---|\n| 1 | Kieran Moss | 33:41 |\n"
    results += "| 2 | Lauren Pike | 35:02 |\n| 3 | Dev Chauhan | 35:48 |"
    ((cell, _),) = asked_fields(results, "Where did Dev Chauhan finish?")
    assert cell.line == "Dev Chauhan finished in position 3."


def test_a_name_with_its_post_in_brackets_is_a_field_of_that_post() -> None:
    text = "Minutes\n\nPresent: Cllr Janet Moss (Chair), Cllr Peter Harrow (Vice-Chair) and "
    text += "Cllr Robert Finch.\nApologies: Cllr David Lyle."
    fields = {f.key: f.cell for f in passage_fields(text)}
    assert fields["Vice-Chair"] == "Cllr Peter Harrow" and fields["Chair"] == "Cllr Janet Moss"
    assert fields["Apologies"] == "Cllr David Lyle"  # without the sentence's full stop


WALKS = (
    "Country park walks\nHeron Loop\nDistance: 3.2 miles\nStart: Visitor Centre car park\n"
    "Time: about 1 hour 30 minutes\nThe loop follows the lake shore.\nBeacon Ridge Walk\n"
    "Distance: 7.5 miles\nStart: Lower Wyndham village hall\nTime: about 4 hours"
)


def test_a_key_of_two_groups_is_named_by_the_heading_of_its_group() -> None:
    def lines(question: str) -> list[str]:
        return [f.line for f, _ in asked_fields(WALKS, question)]

    assert lines("Where does the Heron Loop start?") == ["Start: Visitor Centre car park"]
    assert lines("Where does the Beacon Ridge Walk start?") == ["Start: Lower Wyndham village hall"]
    # a question that names neither group names neither line
    assert lines("Where does the route start?") == []
    # "How long is" names a distance, "How long does ... take" a time
    assert lines("How long is the Heron Loop?") == ["Distance: 3.2 miles"]
    assert lines("How long does the Beacon Ridge Walk take?") == ["Time: about 4 hours"]
    # the group's heading is read before its line
    at = WALKS.index("Distance: 7.5")
    assert heading_prefix(WALKS, {"beacon", "ridg"}, at) == "Beacon Ridge Walk\n\n"


def test_a_key_the_question_asks_for_is_no_name_it_is_about() -> None:
    text = "Security advisory LSA-2026-03\n\nSeverity: High\nCVE: CVE-2026-41877"
    asked = asked_fields(text, "What is the CVE number of the Lodestar sandbox escape?")
    assert [f.line for f, _ in asked] == ["CVE: CVE-2026-41877"]


EXHIBITIONS = (
    "Orrin Museum: exhibitions\n\n"
    "Salt Roads: Trade on the Northern Coast\n\nDates: 14 November 2026 to 28 March 2027\n\n"
    "Curator: Dr Imogen Pryce\n\nAdmission: £8, concessions £5\n\n"
    "Small Worlds: Dolls' Houses 1700-1900\n\nDates: 3 October 2026 to 10 January 2027\n\n"
    "Curator: Marcus Ede\n\nAdmission: free"
)


def test_a_heading_with_a_subtitle_after_a_colon_heads_its_group() -> None:
    def lines(question: str) -> list[str]:
        return [f.line for f, _ in asked_fields(EXHIBITIONS, question)]

    assert lines("Who is the curator of Small Worlds?") == ["Curator: Marcus Ede"]
    assert lines("Who is the curator of Salt Roads?") == ["Curator: Dr Imogen Pryce"]
    # "How much does it cost" names a line of admission
    assert lines("How much does it cost to see Small Worlds?") == ["Admission: free"]
    assert lines("How much is a catalogue?") == []
    # a "when" question of opening or closing names a line of dates (its end: range_reads)
    assert lines("When did Small Worlds open?") == ["Dates: 3 October 2026 to 10 January 2027"]
    assert lines("When does Salt Roads close?") == ["Dates: 14 November 2026 to 28 March 2027"]
    at = EXHIBITIONS.index("Curator: Marcus")
    assert group_heading(EXHIBITIONS, at) == "Small Worlds: Dolls' Houses 1700-1900"
    # a key line of one word, or of words the passage gives as a key again, heads no group
    listed = "Note: see below\n\nName: Ann Lee\nRole: chair\n\nName: Bo Park\nRole: treasurer"
    assert group_heading(listed, listed.index("Role: chair")) == ""
    again = "Lead Author: Ann Lee\nRole: chair\n\nLead Author: Bo Park\nRole: treasurer"
    assert group_heading(again, again.index("Role: treasurer")) == ""


OFFICERS = (
    "Officers\n\n| Role | Name | Since |\n|---|---|---|\n| Commodore | Helen Marsh | 2022 |\n"
    "| Secretary | Sam Dwyer | 2025 |\n| Sailing Secretary | Fiona Lusk | 2021 |"
)


def test_who_is_names_a_column_of_names_and_the_fullest_key_is_the_one_asked() -> None:
    def cells(question: str) -> list[str]:
        return [f.cell for f, _ in asked_fields(OFFICERS, question)]

    assert cells("Who is the Sailing Secretary?") == ["Fiona Lusk"]
    assert cells("Who is the Secretary?") == ["Sam Dwyer"]
    assert cells("Since when has Sam Dwyer been Secretary?") == ["2025"]
    # a question of another doing than holding the post does not ask the column of names
    assert cells("Who will stand for Commodore?") == []


def test_only_what_it_costs_names_a_line_of_tickets() -> None:
    programme = "Spring concert\n\nTickets: £15, students £5\n\nVenue: St Mary's Church"
    assert asked_fields(programme, "How much does it cost to go to the spring concert?")
    asked = asked_fields(programme, "How much does membership of the society cost?")
    assert [f.line for f, _ in asked] == []


CAST = (
    "Cast\n\nAda Pengelly – Sophie Carver\n\nTom Pengelly, her father – Richard Ames\n\n"
    "Mrs Trelawney – Margaret Hughes\n\nCrew\n\nDirector – Helen Marsh\n\n"
    "Set design – Owen Pryce\n\nLighting – Jess Tandy\n\nTickets – a sentence. Not a field."
)


def test_a_list_of_dashed_lines_is_fields_and_a_cast_list_says_who_plays_whom() -> None:
    fields = {f.key: f.cell for f in passage_fields(CAST)}
    assert fields["Tom Pengelly, her father"] == "Richard Ames"
    assert fields["Lighting"] == "Jess Tandy" and "Tickets" not in fields
    # a dashed line alone is no list ("Kestrel Precision Engineering - Vacancy")
    assert passage_fields("Kestrel Precision Engineering - Vacancy\n\nWe are hiring.") == []

    def keys(question: str) -> list[str]:
        return [f.key for f, back in asked_fields(CAST, question) if not back]

    assert keys("Who is doing the lighting?") == ["Lighting"]
    assert keys("Who designed the set?") == ["Set design"]
    assert keys("Who is directing the play?") == ["Director"]
    assert keys("Who plays Ada Pengelly?") == ["Ada Pengelly"]
    # a question of another than the one the key names
    assert keys("Who plays Mrs Trelawney's husband?") == []
