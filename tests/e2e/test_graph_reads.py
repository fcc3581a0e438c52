"""A company newsletter as a web page and an interview, asked through `kgqa ask` (texts
written for this test): the sentence an edge came from is read again for a question about
that relation, an answer from a document that never names the question's entity is not
shown, headings stay apart from the paragraphs under them, and a name wrapped across two
lines of the page's source is one name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from tests.conftest import store_of

pytestmark = pytest.mark.slow

NEWSLETTER = """<html><head><title>Brightwave News, Spring 2026</title></head><body>
<h1>Brightwave News &mdash; Spring 2026</h1>
<h2>A new chief technology officer</h2>
<p>Brightwave Analytics has appointed Dr. Samuel Okafor as its chief technology officer. Okafor
joins from Lumen Systems, where he led the data platform team for six years. He replaces Hannah
Greer, who retired in January after twelve years with the company.</p>
<h2>Our Lisbon office opens</h2>
<p>In March we opened our third office, in Lisbon, Portugal. It will house 40 engineers by the end
of the year and is run by Rui Carvalho, who previously managed our support team in Dublin.</p>
<h2>Brightwave acquires Tidepool</h2>
<p>Brightwave Analytics acquired Tidepool, a Rotterdam start-up that builds forecasting tools for
ports, for an undisclosed sum. Tidepool was founded in 2019 by Femke de Vries and Joost Bakker.
Its twelve employees will join the Lisbon office.</p>
<p>Brightwave Analytics was founded in 2008 in Dublin by Aoife Byrne, who is still its chief
executive.</p>
</body></html>
"""


INTERVIEW = """Ten questions for our founder

We met her in the Dublin office on a rainy Tuesday. She was born in Cork and studied physics at
Trinity College. She still cycles to work every day.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {"news.html": NEWSLETTER, "interview.txt": INTERVIEW}
    return store_of(tmp_path_factory.mktemp("graph_reads"), files)


def run(store: Path, *args: str, **env: str) -> str:
    result = CliRunner().invoke(
        app, [*args, "--store", str(store), "--json"], env={"KGQA_WARM": "false", **env}
    )
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def test_the_founder_comes_from_the_sentence_the_graph_read_it_in(store: Path) -> None:
    (answer,) = json.loads(run(store, "ask", "Who founded Brightwave Analytics?"))["answers"]
    assert answer["text"] == "Aoife Byrne" and answer["graph_agrees"]
    assert answer["probability"] >= 0.5
    assert any(f["label"] == "Founded_By" for f in answer["facts"])
    # the whole page read at once, the reader prefers the officer named at its top: the
    # setting graph_answers is what brings the founder
    off = json.loads(
        run(store, "ask", "Who founded Brightwave Analytics?", KGQA_GRAPH_ANSWERS="false")
    )
    assert all(a["text"] != "Aoife Byrne" for a in off["answers"])


def test_a_date_the_founding_sentence_states_outranks_the_issue_date(store: Path) -> None:
    # the whole page read at once gives the newsletter's "Spring 2026"; the sentence of the
    # Founded_By edge gives the year the company was founded
    (answer,) = json.loads(run(store, "ask", "When was Brightwave Analytics founded?"))["answers"]
    assert answer["text"] == "2008"
    assert "graph_agrees" not in answer  # a date is no entity of the edge


def test_a_heading_and_a_wrapped_line_read_as_a_browser_shows_them(store: Path) -> None:
    (answer,) = json.loads(run(store, "ask", "Who did Samuel Okafor replace?"))["answers"]
    assert answer["text"] == "Hannah Greer"
    # "Brightwave acquires Tidepool" over "Brightwave Analytics acquired Tidepool, ..." made
    # one entity "Tidepool Brightwave Analytics" when the heading ran into the paragraph
    tidepool = json.loads(run(store, "entity", "Tidepool"))
    assert tidepool["label"] == "Tidepool"
    founders = {e["other_name"] for e in tidepool["edges"] if e["label"] == "Founded_By"}
    assert founders == {"Femke de Vries", "Joost Bakker"}


def test_a_birthplace_from_a_document_that_never_names_the_person_is_not_shown(
    store: Path,
) -> None:
    # the interview says where "she" was born and names nobody; Rui Carvalho is named only
    # in the newsletter, which does not say where he was born
    assert json.loads(run(store, "ask", "Where was Rui Carvalho born?"))["answers"] == []
    off = json.loads(run(store, "ask", "Where was Rui Carvalho born?", KGQA_GRAPH_VETO="false"))
    assert [a["text"] for a in off["answers"]] == ["Cork"]
