"""What a user's everyday documents put into the graph besides names, through `kgqa ingest`
and `kgqa export` (texts written for this test): an e-mail's date and close, a heading or a
sentence that opens with a common word, a team table's posts, a sentence's "The institute",
a "Key: value" line's key and a report's title make no node, nor does a title glued to the
name under it; one place spelt with and without its own letters is one node; and a
founder named after a description ("the glaciologist Sigrid Halvard") is the founder."""

from __future__ import annotations

import pytest

from tests.conftest import graph_json, store_of

pytestmark = pytest.mark.slow

ABOUT = """The Halvard Institute for Polar Research was founded in 1991 by the glaciologist
Sigrid Halvard in Tromsø. The institute operates a research station near Tromso.
"""

EMAIL = """From: Marta Kowalski <m.kowalski@arvenholt.example>
Date: Tue, 14 Oct 2025 09:12:44 +0200
Subject: Bin collection

Hi all,

Recycling and garden waste are collected on alternate Fridays from next month.

Best regards,
Marta Kowalski
Head of Procurement, Arvenholt GmbH
"""

MINUTES = """# Minutes

## 1. New library

Councillor James Whitcombe proposed a new public library on Mill Street.

| Name | Role |
|---|---|
| Noor Haddad | Release manager |
| Felix Wagner | Project lead |
"""


SHEET = """Annual Report 2024
Dorothy Hodgkin
Dorothy Crowfoot Hodgkin was a British chemist born in Cairo.
Sponsor: Orbital Dynamics Ltd
Budget: 2.4 million euros
Launch site: Andøya Space Center, Norway
"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("graph_noise")
    files = {"about.txt": ABOUT, "email.txt": EMAIL, "minutes.md": MINUTES, "sheet.txt": SHEET}
    return graph_json(store_of(root, files), root)


def test_everyday_words_make_no_nodes(graph: dict) -> None:
    names = {n["label"] for n in graph["nodes"]}
    assert {"Marta Kowalski", "James Whitcombe", "Noor Haddad", "Sigrid Halvard"} <= names
    for noise in ("Best regards", "Tue", "Recycling and garden waste", "New library",
                  "Release manager", "Project lead", "institute", "Annual Report", "Budget",
                  "Launch site"):  # fmt: skip
        assert noise not in names, noise
    # a title line is its own sentence, not the first words of the name under it
    assert "Dorothy Crowfoot Hodgkin" in names and "Orbital Dynamics Ltd" in names
    assert not any("Hodgkin Dorothy" in name for name in names)


def test_one_place_one_node_and_the_founder_after_a_description(graph: dict) -> None:
    places = [n for n in graph["nodes"] if n["label"] in ("Tromsø", "Tromso")]
    assert len(places) == 1 and places[0]["id"] == "tromso:GPE"
    label = {n["id"]: n["label"] for n in graph["nodes"]}
    edges = {(label[e["source"]], e["label"], label[e["target"]]) for e in graph["edges"]}
    assert ("Halvard Institute for Polar Research", "Founded_By", "Sigrid Halvard") in edges
