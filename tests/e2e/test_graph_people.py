"""Whom a biography, a news item and an interview put into the graph, through `kgqa ingest` and
`kgqa export` (texts written for this test): the surname is the subject of the biography, not
the father it names in full; the father is the parent; "the institute" is the institute named
before it; an interview's speakers are no subject of the questions they ask, and their names
are written as names; an infobox's "Alma mater" and a degree make no node; "its" under a
heading that names a board is not the company of the paragraph above."""

from __future__ import annotations

import pytest

from tests.conftest import graph_json, store_of

pytestmark = pytest.mark.slow

BIOGRAPHY = """<html><body><h1>Lena Marsh</h1>
<table><tr><th>Born</th><td>3 March 1950, York</td></tr>
<tr><th>Alma mater</th><td>University of Leeds (BSc)</td></tr></table>
<p>Lena Marsh (born 3 March 1950) is a British chemist. Marsh grew up in York, where her
father, Arthur Marsh, ran a bakery. She studied chemistry at the University of Leeds and joined
Halcyon Labs in 1975. Marsh received the Perkin Medal in 1999.</p>
</body></html>
"""

NEWS = """# Brandt Institute names a new director

The Brandt Institute has appointed Ruth Ellison as its director. The institute, founded in
1962 by the physicist Otto Brandt, employs 90 people.
"""

INTERVIEW = """Interview with Ruth Ellison

PAUL NG: You grew up in Dundee. Who leads the glacier project?

RUTH ELLISON: Dr Sam Okoro leads it. He came to us from the University of Aberdeen.

PAUL NG: What comes next?

RUTH ELLISON: More fieldwork in Svalbard.
"""

PEOPLE = """# Our people

Harrow Freight employs 400 people in Leeds. Its drivers joined from Kestrel Haulage.

## Supervisory board

The supervisory board is chaired by Ann Holt. Its other members are Ben Cole and Ida Moss.
"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("graph_people")
    files = {
        "marsh.html": BIOGRAPHY,
        "brandt.md": NEWS,
        "interview.txt": INTERVIEW,
        "people.md": PEOPLE,
    }
    return graph_json(store_of(root, files), root)


def edges_of(graph: dict) -> set[tuple[str, str, str]]:
    label = {n["id"]: n["label"] for n in graph["nodes"]}
    return {(label[e["source"]], e["label"], label[e["target"]]) for e in graph["edges"]}


def test_the_surname_is_the_biography_s_subject_and_the_father_the_parent(graph: dict) -> None:
    edges = edges_of(graph)
    assert {t for s, _, t in edges if s == "Lena Marsh"} & {"Halcyon Labs", "Perkin Medal"}
    # what "Marsh" and "she" did is not given to the father named in full
    assert {t for s, _, t in edges if s == "Arthur Marsh"} <= {"York", "Lena Marsh"}
    assert ("Lena Marsh", "Parent_Of", "Arthur Marsh") not in edges


def test_the_institute_is_the_one_named_before_it(graph: dict) -> None:
    assert ("Brandt Institute", "Founded_By", "Otto Brandt") in edges_of(graph)


def test_speakers_ask_and_are_named_as_names(graph: dict) -> None:
    names = {n["label"] for n in graph["nodes"]}
    assert "Ruth Ellison" in names and "RUTH ELLISON" not in names
    # "PAUL NG: You grew up in Dundee." is no sentence about Paul Ng
    assert not {(s, t) for s, _, t in edges_of(graph) if s == "PAUL NG"}
    assert not names & {"You", "Who"}


def test_an_infobox_key_a_degree_and_a_board_s_members_stay_apart(graph: dict) -> None:
    names = {n["label"] for n in graph["nodes"]}
    assert "University of Leeds" in names
    assert not names & {"Alma", "Alma mater", "BSc"}
    members = {(s, t) for s, label, t in edges_of(graph) if label == "Member_Of"}
    assert not {s for s, t in members if t == "Harrow Freight"} & {"Ben Cole", "Ida Moss"}
    assert not {s for s, t in members if t == "Kestrel Haulage"} & {"Ben Cole", "Ida Moss"}
