"""A fact sheet and a contacts page of "Key: value" lines and a report with a table, asked
through `kgqa ask` (texts written for this test): a question that names a key has that line
read alone, so the answer is the value of its own line, not the name of the line above it;
one that names a table's row and column, that cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from tests.conftest import REPO, asked, store_of

pytestmark = pytest.mark.slow

FACT_SHEET = """PROJECT HELIOS - FACT SHEET

Project lead: Marta Lindgren
Sponsor: Orbital Dynamics Ltd
Start date: 3 February 2025
Planned launch: autumn 2027
Payload mass: 180 kg

Helios is a small solar observatory. The spacecraft is built by Nordvik Aerospace in Tromso.
"""

CONTACTS = """<html><body><main><h1>Contacts</h1>
<ul><li>Press office: Jonas Berg</li><li>Procurement: Elif Kaya</li>
<li>Safety officer: Tomas Ruiz</li></ul>
<p>The office is open from 9:00 to 17:00 on weekdays.</p>
</main></body></html>
"""


REPORT = """# Northwind Hosting annual results 2025

Northwind Hosting grew its revenue by a third in 2025, helped by a new data centre.

| Item | 2025 | 2024 |
|---|---|---|
| Revenue | 48.2 million euros | 36.1 million euros |
| Employees | 212 | 175 |
| Data centres | 4 | 3 |
"""


TEAM = """# Quillon maintainers

Quillon was started in 2019 by Noor Haddad.

| Name | Role | Location |
|---|---|---|
| Noor Haddad | Project lead | Amman |
| Felix Wagner | Release manager | Leipzig |

| Group | Leader | Members |
|---|---|---|
| Sea Ice Dynamics | Mikkel Berg | 12 |
| Fisheries Ecology | Yusuf Demir | 9 |
"""


# a staff directory of the user corpora: paragraphs that each open with a person's name
STAFF = (REPO / "tests" / "data" / "user_corpora" / "docs" / "corvane_team.txt").read_text()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {
        "helios.txt": FACT_SHEET,
        "contacts.html": CONTACTS,
        "results.md": REPORT,
        "team.md": TEAM,
        "staff.txt": STAFF,
    }
    return store_of(tmp_path_factory.mktemp("field_reads"), files)


answers = asked


def test_the_value_of_the_line_the_question_names_is_the_answer(store: Path) -> None:
    assert answers(store, "When is the planned launch?") == ["autumn 2027"]
    assert answers(store, "Who handles procurement?") == ["Elif Kaya"]
    # the line under the sheet's heading, which holds the question's "Helios"
    assert answers(store, "Who sponsors Project Helios?") == ["Orbital Dynamics Ltd"]
    # read whole, the fact sheet answers with the start date of the line above
    assert "autumn 2027" not in answers(
        store, "When is the planned launch?", KGQA_FIELD_ANSWERS="false"
    )


def test_a_table_cell_is_read_under_its_row_and_column(store: Path) -> None:
    assert answers(store, "What was the revenue in 2024?") == ["36.1 million euros"]
    assert answers(store, "How many employees did Northwind have in 2024?") == ["175"]
    assert answers(store, "What was the revenue in 2019?") == []
    # the human output shows the cell's row under the table's header, not the next rows
    shown = CliRunner().invoke(
        app, ["ask", "What was the revenue in 2024?", "--store", str(store)], env={"COLUMNS": "200"}
    )
    assert "| Item | 2025 | 2024 | … | Revenue | 48.2 million euros | 36.1 million euros |…" in (
        shown.stdout
    ), shown.stdout


def test_a_row_is_found_by_the_words_of_any_of_its_cells(store: Path) -> None:
    # the question names the role's cell, and the answer is the name of its row
    assert answers(store, "Who is Quillon's release manager?") == ["Felix Wagner"]
    # a column "Leader" is named by "leads"; a count, not a member, is asked of the graph
    assert answers(store, "Who leads the Fisheries Ecology group?") == ["Yusuf Demir"]
    assert answers(store, "How many members does the Fisheries Ecology group have?") == ["9"]
    # read whole, the table answers with another row's cell, or not at all
    off = {"KGQA_FIELD_ANSWERS": "false"}
    assert answers(store, "Who leads the Fisheries Ecology group?", **off) != ["Yusuf Demir"]


def test_an_answer_from_another_person_s_entry_is_not_shown(store: Path) -> None:
    question = "Where did Tomasz Wierzbicki work before Corvane?"
    # every answer shown, however unlikely: the entry above his ("Before Corvane she led the
    # enzyme engineering group at the Whitcombe Institute") answers only when read whole (his
    # "He previously worked ... at Harrow & Finch", read with his name, is left out: beside
    # it, the other entry's answer falls out of the margin of those shown)
    shown = {"KGQA_ANSWER_THRESHOLD": "0", "KGQA_SHORT_NAME_ANSWERS": "false"}
    assert "Whitcombe Institute" not in answers(store, question, **shown)
    off = answers(store, question, KGQA_FIELD_ANSWERS="false", **shown)
    assert "Whitcombe Institute" in off
    # his own entry's "He" read with his name answers it
    assert answers(store, question)[:1] == ["Harrow & Finch"]
