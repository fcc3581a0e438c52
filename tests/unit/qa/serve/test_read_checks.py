"""An answer's own words: a date said of another event of a life, another name's possession, a
sentence of another year, another post beside the name, and answers of no answer's shape (an
address, a title alone, how often, a life's span)."""

from __future__ import annotations

from kgqa.qa.serve.event_checks import (
    other_event,
    other_kind,
    other_label,
    other_qualifier,
    short_of_winning,
    unsaid_event,
)
from kgqa.qa.serve.read_checks import (
    asked_itself,
    no_answer_shape,
    other_credit,
    other_owner,
    other_post,
    other_rank,
    other_year,
    part_of_asked,
    read_elsewhere,
)
from kgqa.qa.serve.source_checks import dateline, reporter
from kgqa.qa.types import Answer


def read(context: str, text: str) -> Answer:
    at = context.index(text)
    return Answer(text, 1.0, "d", "d#0", at, at + len(text), context, 0)


def test_a_date_said_of_a_birth_answers_no_death() -> None:
    bio = "Adaeze Okafor (born 14 May 1968) is a hydrologist. Her father died in 2001."
    born, died = read(bio, "14 May 1968"), read(bio, "2001")
    assert other_event("When did Adaeze Okafor die?", [born, died]) == {id(born)}
    assert other_event("When was Adaeze Okafor born?", [born, died]) == {id(died)}
    # an infobox row says it too; a question of neither event is answered by neither
    box = read("| Born | 14 May 1968, Enugu |", "14 May 1968")
    assert other_event("When did she die?", [box]) == {id(box)}
    assert other_event("When did she join Delft?", [born, died, box]) == {
        id(born),
        id(died),
        id(box),
    }
    joined = read("She joined Delft in 1997 and died in 2001.", "1997")
    assert other_event("When did she join Delft?", [joined]) == set()


def test_what_a_sentence_gives_of_another_name_answers_nothing_of_the_asked_one() -> None:
    text = "It has 28 depots. Kestrel Freight's revenue was £520 million in 2024. It grew."
    theirs = read(text, "£520 million")
    assert other_owner("What was Meridian's revenue in 2024?", [theirs]) == {id(theirs)}
    assert other_owner("What was Kestrel Freight's revenue in 2024?", [theirs]) == set()
    both = "Meridian's revenue was €2 billion, four times Kestrel Freight's revenue."
    ours = read(both, "€2 billion")
    assert other_owner("What was Meridian's revenue in 2024?", [ours]) == set()


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


def test_answers_of_no_count_no_place_and_no_one() -> None:
    footer = "Kestrel Moor Trust is a registered charity, number 1023456."
    kind = read(footer, "registered charity")
    assert no_answer_shape("How many members does the Trust have?", [kind]) == {id(kind)}
    assert no_answer_shape("Who founded the Kestrel Moor Trust?", [kind]) == {id(kind)}
    assert no_answer_shape("What is the Kestrel Moor Trust?", [kind]) == set()
    number = read(footer, "1023456")
    assert no_answer_shape("How many members does the Trust have?", [number]) == set()
    # a name is left to the multi-hop search: the arena whose seats are counted elsewhere
    arena = read("The Hawks play their home games at the Dunmore Arena.", "Dunmore Arena")
    assert no_answer_shape("The arena where the Hawks play seats how many?", [arena]) == set()
    share = read("Of the Asian population, about a third was Hmong.", "about a third")
    assert no_answer_shape("About how many of the Asian population was Hmong?", [share]) == set()
    stars = read("The critic gave it four stars.", "four")
    assert no_answer_shape("How many stars did the critic give?", [stars]) == set()
    built = read("Tindra was built in 1892 at Risor.", "1892")
    assert no_answer_shape("Where was Tindra built?", [built]) == {id(built)}
    assert no_answer_shape("When was Tindra built?", [built]) == set()
    place = read("Noor Haddad was born in Marseille and lives in Bristol.", "Marseille")
    assert no_answer_shape("When was Noor Haddad born?", [place]) == {id(place)}
    assert no_answer_shape("Where was Noor Haddad born?", [place]) == set()
    assert no_answer_shape("Who was Noor Haddad's father?", [place]) == {id(place)}


def test_a_year_since_which_something_holds_is_no_other_year() -> None:
    review = "36 curlew chicks fledged, the most since counts began in 2009."
    chicks = read(review, "36")
    assert other_year("How many curlew chicks fledged in 2025?", [chicks]) == set()
    assert other_year("How many curlew chicks fledged in 2005?", [chicks]) == {id(chicks)}


def test_a_credit_names_who_did_its_deed_and_no_other() -> None:
    page = "Noor Haddad on The Salt Orchard\n\nInterview by Priya Sandhu, October 2025"
    interviewer = read(page, "Priya Sandhu")
    assert other_credit("Who wrote The Salt Orchard?", [interviewer]) == {id(interviewer)}
    assert other_credit("Who interviewed Noor Haddad?", [interviewer]) == set()
    byline = read("An island and an orchard\n\nBy Jonah Mercer, 3 October 2025", "Jonah Mercer")
    assert other_credit("Who wrote the review?", [byline]) == set()
    report = "Alderbay Athletic 3-1 Kirkmoor Rovers\nBy Sam Whitlock\n\nAlderbay came from behind."
    writer = read(report, "Sam Whitlock")
    assert other_credit("Who scored Alderbay's equaliser?", [writer]) == {id(writer)}
    assert other_credit("Who wrote the match report?", [writer]) == set()
    # "by" inside a sentence is no byline
    stand = read("The stand was built by Harcourt & Sons in 1923.", "Harcourt & Sons")
    assert other_credit("Who built the stand?", [stand]) == set()
    # a recipe's credit names its cook, and what its line says after the name still answers
    recipe = "Crab tart\n\nRecipe by Jenna Trelawny, head chef at The Copperleaf\n\nServes 6"
    cook = read(recipe, "Jenna Trelawny")
    assert other_credit("Who founded The Copperleaf?", [cook]) == {id(cook)}
    assert other_credit("Who is the head chef at The Copperleaf?", [cook]) == set()


def test_a_part_of_what_the_question_says_answers_nothing() -> None:
    bought = read("Hello, I bought a Breeze 2 in grey from Argent Stores in June.", "2")
    assert part_of_asked("How many Breeze 2 fans were sold?", [bought]) == {id(bought)}
    name = read("Agnes Hartley died in Durham.", "Hartley")
    assert part_of_asked("Where did Agnes Hartley die?", [name]) == {id(name)}
    place = read("Agnes Hartley died in Durham.", "Durham")
    assert part_of_asked("Where did Agnes Hartley die?", [place]) == set()
    count = read("The shop sold 2 Breeze fans in June.", "2")
    assert part_of_asked("How many Breeze fans were sold?", [count]) == set()
    # a comparison's answer is one the question gives whole
    airport = read("El Paso International Airport is in Texas.", "El Paso International Airport")
    question = "Which is closer, Grand Forks Airport or El Paso International Airport is?"
    assert part_of_asked(question, [airport]) == set()


def test_a_clock_s_time_or_a_count_of_time_counts_no_things() -> None:
    chapters = read("Chapters\n\n11:40 Counting bees\n\n24:05 Paying for fieldwork", "11:40")
    assert no_answer_shape("How many bees were counted?", [chapters]) == {id(chapters)}
    summers = read("He has spent six summers counting bees.", "six summers")
    assert no_answer_shape("How many bees were counted?", [summers]) == {id(summers)}
    assert no_answer_shape("How many summers did he count bees?", [summers]) == set()
    adults = read("Participants: 312 adults aged 40 to 75", "312 adults")
    assert no_answer_shape("How many participants are there?", [adults]) == set()


def test_a_page_s_dateline_answers_only_when_it_was_published() -> None:
    release = "LUM-204 slowed decline\n\nCAMBRIDGE, England, 18 November 2026\n\nLumen reported."
    day = read(release, "18 November 2026")
    assert dateline("When was Lumen Therapeutics founded?", [day]) == {id(day)}
    assert dateline("When were the SPARROW results announced?", [day]) == set()
    notes = read("Episode 42\n\nPublished 9 October 2026 · 38 minutes", "9 October 2026")
    assert dateline("When did the recording start?", [notes]) == {id(notes)}
    # a date in a sentence, or on a line of fields, is no dateline
    founded = read("Strachan co-founded Lumen with Castellan in 2017.", "2017")
    fields = read("Transcript. Recorded 2 October 2026. Host: Maya Lindqvist.", "2 October 2026")
    assert dateline("When was Lumen founded?", [founded, fields]) == set()


def test_a_date_under_a_label_of_another_event_is_not_shown() -> None:
    line = "Transcript. Recorded 2 October 2026. Host: Maya Lindqvist."
    recorded = read(line, "2 October 2026")
    assert other_label("When was episode 42 published?", [recorded]) == {id(recorded)}
    assert other_label("When was episode 42 recorded?", [recorded]) == set()
    # one event's words are the same event: a club formed is a club founded
    founded = read("Founded: 1894", "1894")
    assert other_label("When was the club formed?", [founded]) == set()
    assert other_label("When did the club move?", [founded]) == {id(founded)}


def test_a_second_rank_is_not_answered_by_a_sentence_of_the_first() -> None:
    record = "Margaret Hale has chaired the hall committee since 2019."
    hale = read(record, "Margaret Hale")
    assert other_rank("Who is the vice-chair of the hall committee?", [hale]) == {id(hale)}
    assert other_rank("Who chairs the hall committee?", [hale]) == set()
    deputy = read("Luke Brennan joins us as deputy head in January.", "Luke Brennan")
    assert other_rank("Who is the new deputy head?", [deputy]) == set()
    # "acting" of no post is no rank
    act = read("Since only individuals act, only individuals can act unjustly.", "individuals")
    assert other_rank("Who is to blame for acting unjustly?", [act]) == set()


def test_an_owner_is_no_founder_unless_the_sentence_says_the_founding() -> None:
    byline = read("Words by Owen Pryce, owner of Bramble Bakery", "Owen Pryce")
    assert other_post("Who founded Bramble Bakery?", [byline]) == {id(byline)}
    assert other_post("Who owns Bramble Bakery?", [byline]) == set()
    both = read("The bakery was founded in 2009 by Owen Pryce, its owner.", "Owen Pryce")
    assert other_post("Who founded Bramble Bakery?", [both]) == set()
    # a letter's signature gives the post on the line under the name
    signed = read("Best wishes,\nNia Rhys\nOrders Manager, Bramble Bakery", "Nia Rhys")
    assert other_post("Who founded Bramble Bakery?", [signed]) == {id(signed)}


def test_a_count_in_words_is_no_price() -> None:
    order = read("I would like to order twenty seeded rye loaves.", "twenty")
    price = read("A loaf costs twelve pounds.", "twelve pounds")
    question = "How much does a seeded rye loaf cost?"
    assert no_answer_shape(question, [order, price]) == {id(order)}
    assert no_answer_shape("How many loaves were ordered?", [order]) == set()


def test_a_second_rank_s_sentence_does_not_say_who_holds_the_first() -> None:
    letter = "Mrs Farida Begum will join us as deputy headteacher in January."
    deputy = read(letter, "Mrs Farida Begum")
    assert other_rank("Who is the headteacher?", [deputy]) == {id(deputy)}
    assert other_rank("Who is the deputy headteacher?", [deputy]) == set()
    # a sentence that says the post without the rank too
    both = read("Anita Desai, the headteacher, thanked her deputy head, Tom Reid.", "Anita Desai")
    assert other_rank("Who is the headteacher?", [both]) == set()


def test_a_shortlist_does_not_say_who_won() -> None:
    text = (
        "Jean Okafor's A Year on Hilbre has been shortlisted for the Wainwright Prize. "
        "Last year Ruth Pryce won it."
    )
    shortlisted, won = read(text, "Jean Okafor"), read(text, "Ruth Pryce")
    assert short_of_winning("Who won the Wainwright Prize?", [shortlisted, won]) == {
        id(shortlisted)
    }
    assert short_of_winning("Which book was shortlisted?", [shortlisted]) == set()
    # a sentence that says the win too
    both = read("Okafor, shortlisted in 2024, won the prize in 2025.", "Okafor")
    assert short_of_winning("Who won the prize?", [both]) == set()
    # a place below the first
    second = read("Stourton's first XI finished second in Division Two.", "Stourton")
    assert short_of_winning("Who won Division Two?", [second]) == {id(second)}


def test_the_rest_of_a_name_the_question_starts_is_no_answer() -> None:
    report = "Harbridge Town 3 Jarrow Albion 1. Dean Carr scored for Jarrow Albion late on."
    albion, carr = read(report, "Albion"), read(report, "Dean Carr")
    assert part_of_asked("Who scored Jarrow's goal?", [albion, carr]) == {id(albion)}
    # a name that starts with no name of the question stays
    assert part_of_asked("Who scored Harbridge's goals?", [albion]) == set()
    # a title is no name's start, nor a word a comma parts from the answer
    visit = "In 1888 President Grover Cleveland visited the city."
    asked = "Which US President visited Jacksonville in 1888?"
    assert part_of_asked(asked, [read(visit, "Grover Cleveland")]) == set()
    castle = read("Hatton Castle stands near Turriff, Angus, Scotland.", "Scotland")
    assert part_of_asked("What country is Hatton Castle, Angus in?", [castle]) == set()


def test_a_date_whose_sentence_does_not_say_the_event_asked_is_no_answer() -> None:
    page = (
        "Linden Harriers at the Calder Valley 10K, 9 November 2026\n\nSixty-two Harriers ran, "
        "our biggest turnout since the club was founded in 1983."
    )
    race, founded = read(page, "9 November 2026"), read(page, "1983")
    asked = "When was Linden Harriers founded?"
    assert unsaid_event(asked, [race, founded]) == {id(race)}
    # no other sentence says the founding: the date stays
    alone = read("Linden Harriers at the Calder Valley 10K, 9 November 2026", "9 November 2026")
    assert unsaid_event(asked, [alone]) == set()
    assert unsaid_event("When was the race?", [race]) == set()
    # the other sentence says another name's opening
    bio = "The Leith Public Baths opened in 1934. The Portobello Library followed in 1938."
    library = read(bio, "1938")
    assert unsaid_event("When did the Portobello Library open?", [library]) == set()


def test_the_source_a_sentence_reports_is_no_answer_to_who_did_it() -> None:
    news = "The footbridge will reopen on 1 March after repairs, Cornwall Council has said."
    council = read(news, "Cornwall Council")
    assert reporter("Who carried out the repairs?", [council]) == {id(council)}
    assert reporter("Who said the footbridge will reopen?", [council]) == set()
    quote = '"It was a long walk round," said Ms Treloar.'
    treloar = read(quote, "Ms Treloar")
    assert reporter("Who represents Saltash East?", [treloar]) == {id(treloar)}
    # the one who says it does it; the rest of its sentence says what the question asks
    doer = read("Cornwall Council has said it will repair the bridge.", "Cornwall Council")
    assert reporter("Who will repair the bridge?", [doer]) == set()
    chair = read('"We are delighted," said Rachel Osei, who chairs the trustees.', "Rachel Osei")
    assert reporter("Who chairs the trustees?", [chair]) == set()


def test_the_question_s_own_name_is_no_answer() -> None:
    spec = "Designed in Bristol by Rivet Cycles Ltd. Built in Portugal."
    itself = read(spec, "Rivet Cycles Ltd")
    assert asked_itself("Who founded Rivet Cycles?", [itself]) == {id(itself)}
    assert asked_itself("Who designed the Tarka E2?", [itself]) == set()
    # a choice between names the question says is answered by one of them
    pick = read("Ann Lee was born in 1950.", "Ann Lee")
    assert asked_itself("Who was born first, Ann Lee or Tom Hale?", [pick]) == set()


def test_another_event_of_the_kind_asked_is_no_answer() -> None:
    programme = (
        "Spring Concert, St Andrew's Church. Our summer concert is on 3 July in Castle Park."
    )
    park, church = read(programme, "Castle Park"), read(programme, "St Andrew's Church")
    assert other_kind("Where is the spring concert?", [park, church]) == {id(park)}
    assert other_kind("Where is the summer concert?", [park]) == set()
    assert other_kind("Where is the concert?", [park]) == set()


def test_a_sum_a_date_or_a_name_s_bracket_is_of_no_shape_for_some_questions() -> None:
    grant = "the Fund has given us a grant of £3,000, which\nwill pay for a second workstand."
    sum_ = read(grant, "£3,000")
    assert no_answer_shape("What will the grant pay for?", [sum_]) == {id(sum_)}
    assert no_answer_shape("How much did the Fund give?", [sum_]) == set()
    # a sum on a line that says no word of the question, nor of a price, answers no sum asked
    assert no_answer_shape("How much does a new bike cost?", [sum_]) == {id(sum_)}
    price = read("| Price | £16.99 |", "£16.99")
    assert no_answer_shape("How much does The Salt Orchard cost?", [price]) == set()
    news = "Kilnworth University News, 3 November 2026\nProfessor Alison Reddy awarded"
    dated = read(news, "Kilnworth University News, 3 November 2026\nProfessor")
    assert no_answer_shape("Who awarded the grant to Alison Reddy?", [dated]) == {id(dated)}
    seminar = "Dr Tomás Ruiz (Kilnworth) Watching volcanoes breathe"
    home = read(seminar, "Kilnworth")
    assert no_answer_shape("Where is Dr Ruiz's seminar held?", [home]) == {id(home)}
    assert no_answer_shape("Where does Dr Ruiz work?", [home]) == set()


def test_a_field_of_another_qualifier_answers_nothing_of_the_one_asked() -> None:
    record = "Route: Portley to Tarrant\nFirst sailing: 06:45\nLast sailing: 21:15\n"
    record += "Adult return: £18.50\nCar return: £64"
    adult, car, last = read(record, "£18.50"), read(record, "£64"), read(record, "21:15")
    child = "How much is a child return from Portley to Tarrant?"
    # a qualifier of another kind ("car" beside "child") tells nothing apart
    assert other_qualifier(child, [adult, car, last]) == {id(adult)}
    assert other_qualifier("How much is a van return?", [adult, car]) == {id(car)}
    assert other_qualifier("How much is the return fare?", [adult, car]) == set()
    assert other_qualifier("When is the first sailing?", [last]) == {id(last)}
