"""Registry entries, planning records, show notes, a podcast's about page and a match report,
through `kgqa ingest`, `kgqa export` and `kgqa ask` (texts written for this test): a Markdown
block of "**Key:** value" lines and a JSONL record's own fields are fields a question reads; a
page keeps the dated line under its heading, and a transcript's "Recorded ..." does not say when
an episode was published; "she" after the person the question names is hers; a report's byline
and team sheet say nobody scored; no person "Mr", no team named with its score, and a split
"co-founded" does not make the drug its company's founder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import asked, graph_json, store_of
from tests.e2e.test_graph_people import edges_of

pytestmark = pytest.mark.slow

TRIAL = """# SPARROW: a phase 2 trial of LUM-204 in early Parkinson's disease

**Sponsor:** Lumen Therapeutics Ltd, Cambridge
**Chief investigator:** Professor Anjali Mehra, University of Bristol
**Participants:** 312 adults aged 40 to 75
**Start date:** 3 March 2024
**Primary completion:** 30 June 2026

## Treatment

Participants take one tablet of LUM-204 (40 mg) or a placebo each morning for 52 weeks.
"""

PLANNING = "\n".join(
    json.dumps(record)
    for record in [
        {
            "id": "MB/26/0412",
            "title": "4 Wren Cottages, Millbrook",
            "text": "Replace the rear timber windows with double-glazed timber windows.",
            "applicant": "Mr D. Farrell",
            "status": "Pending",
            "case_officer": "Ruth Adeyemi",
        },
        {
            "id": "MB/26/0098",
            "title": "The Old Forge, High Street, Millbrook",
            "text": "Change of use from a shop to a cafe.",
            "applicant": "Nadia Rossi",
            "decision": "Refused",
            "case_officer": "Ian Shaw",
        },
    ]
)

SHOW_NOTES = """<html><body><nav><a href="/">Field Notes</a> <a href="/about">About</a></nav>
<main><h1>Episode 42: The Bees of Inchcolm</h1>
<p class="meta">Published 9 October 2026 · 38 minutes</p>
<p>Maya talks to the ecologist Kwame Osei about the bumblebees of a small island in the Firth
of Forth, and what they tell us about evolution in a hurry.</p>
<p>Field Notes is supported by its listeners on Patreon and by the Royal Society of Edinburgh,
which paid for the recording of this series.</p></main></body></html>"""

TRANSCRIPT = """Field Notes, Episode 42: "The Bees of Inchcolm"
Transcript. Recorded 2 October 2026. Host: Maya Lindqvist. Guest: Dr Kwame Osei.

MAYA: Welcome back to Field Notes. Today I'm talking to Kwame Osei, an ecologist.
"""

ABOUT = """# About Field Notes

Field Notes is a fortnightly podcast about the people who study the natural world. It began in
2021 as a student radio show at the University of Aberdeen.

## Maya Lindqvist, host

Maya grew up in Gothenburg and moved to Scotland to study marine biology. Before starting
Field Notes she worked for eight years as a ranger on the Isle of May. She lives in Dunbar with
her partner and two dogs.

## Tom Achterberg, producer

Tom produces and edits every episode. He trained as a sound engineer in Rotterdam.
"""

REPORT = """Alderbay Athletic 3-1 Kirkmoor Rovers
Northern Coastal League, Saturday 14 November 2026
By Sam Whitlock

Alderbay came from behind to beat Kirkmoor Rovers at Saltings Park. Alderbay levelled before
half-time through Tomasz Wilk, who turned in a low cross from Ryan Oduya.

Attendance: 1,388. Referee: Helen Sayer.

Alderbay: Marsh; Quinn, Adebayo, Holt, Pike; Oduya, Lennox, Farrant; Wilk, Cole, Baines.
"""

SURVEY = """Building survey: 4 Wren Cottages, Millbrook

Prepared for: Mr and Mrs D. Farrell.

The roof is covered in Welsh slate, most of it original.
"""


PRESS = """LUM-204 slowed motor decline in phase 2 SPARROW trial

Lumen Therapeutics today reported top-line results from SPARROW, its phase 2 trial of LUM-204.

Lumen's chief executive, Dr Fiona Castellan, said the company plans a phase 3 trial in 2027.

LUM-204 was discovered at the University of Dundee in the laboratory of Professor Ewan Strachan,
who co-founded Lumen with Castellan in 2017.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    root = tmp_path_factory.mktemp("record_pages")
    files = {"trial.md": TRIAL, "planning.jsonl": PLANNING, "notes.html": SHOW_NOTES}
    files |= {"transcript.txt": TRANSCRIPT, "about.md": ABOUT, "report.txt": REPORT}
    files |= {"survey.txt": SURVEY, "press.txt": PRESS}
    store = store_of(root, files)
    return store, graph_json(store, root)


def test_registry_lines_and_a_record_s_own_fields_answer(built: tuple[Path, dict]) -> None:
    store = built[0]
    assert asked(store, "When did the SPARROW trial start?")[:1] == ["3 March 2024"]
    case = "Who is the case officer for the Wren Cottages windows application?"
    assert asked(store, case)[:1] == ["Ruth Adeyemi"]
    assert asked(store, "What is the EPC rating of 4 Wren Cottages?") == []


def test_a_page_s_dated_line_says_when_it_was_published(built: tuple[Path, dict]) -> None:
    store = built[0]
    assert asked(store, "When was episode 42 of Field Notes published?")[:1] == ["9 October 2026"]
    assert asked(store, "When was episode 42 of Field Notes recorded?")[:1] == ["2 October 2026"]


def test_she_after_the_asked_person_is_hers(built: tuple[Path, dict]) -> None:
    store = built[0]
    assert asked(store, "Where does Maya Lindqvist live?")[:1] == ["Dunbar"]
    off = asked(store, "Where does Maya Lindqvist live?", KGQA_SHORT_NAME_ANSWERS="false")
    assert off[:1] != ["Dunbar"]


def test_a_byline_and_a_team_sheet_say_nobody_scored(built: tuple[Path, dict]) -> None:
    store = built[0]
    scorer = asked(store, "Who scored Alderbay's equaliser against Kirkmoor Rovers?")
    assert not {"Sam Whitlock", "Marsh"} & set(scorer[:1])
    assert asked(store, "Who refereed the match between Alderbay and Kirkmoor Rovers?")[:1] == [
        "Helen Sayer"
    ]


def test_no_person_mr_and_no_team_named_with_its_score(built: tuple[Path, dict]) -> None:
    names = {n.get("label") for n in built[1]["nodes"]}
    assert "Mr" not in names and "Alderbay Athletic 3-1" not in names
    edges = edges_of(built[1])
    assert not {(s, t) for s, _, t in edges if "Royal Society" in t and s != "Field Notes"}


def test_a_hyphenated_verb_s_subject_is_its_own_clause_s(built: tuple[Path, dict]) -> None:
    # "co-founded" is split in three; its "founded" took the main clause's subject, the drug
    founders = {(s, t) for s, label, t in edges_of(built[1]) if label == "Founded_By"}
    assert not {(s, t) for s, t in founders if t == "LUM-204"}
