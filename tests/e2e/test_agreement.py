"""Graph agreement through `kgqa ask`: for a question about a relation the graph types, the
answer an edge of that relation joins to the question leads, over a confident span of another
passage (texts written for this test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from kgqa.qa.ingest import pipeline
from kgqa.qa.settings import Settings

pytestmark = pytest.mark.slow

DOCS = {
    "harbor.txt": (
        "Harbor Lights Ltd is a lighting company based in Halifax, Nova Scotia. It was founded "
        "in 2011 by Mara Quint and Devon Achebe. Quint serves as chief executive officer, while "
        "Achebe leads the design studio. In 2019 Harbor Lights acquired Lumen Works, a small "
        "maker of LED strips from Moncton."
    ),
    "lumen.txt": (
        "Lumen Works was founded by Paul Arsenault in 2008. The firm is headquartered in Moncton."
    ),
    "people.txt": (
        "Mara Quint was born in Sydney, Nova Scotia, in 1978. She studied engineering at "
        "Dalhousie University. Her brother, Owen Quint, is a fisherman in Sydney. Devon Achebe "
        "grew up in Lagos and moved to Canada in 2002. He is married to the painter Ines Varga."
    ),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("agreement")
    for name, text in DOCS.items():
        (root / name).write_text(text)
    settings = Settings(store=root / "store", document_timeout_seconds=0, warm=False)
    assert pipeline.run([root / name for name in DOCS], settings).committed
    return root / "store"


def ask(store: Path, question: str, *more: str) -> list[dict]:
    result = CliRunner().invoke(
        app, ["ask", question, "--store", str(store), "--json", *more], env={"KGQA_WARM": "false"}
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    if not out["answers"]:  # no path shown that leads to an answer that is not shown
        assert out["no_answer"] and not out["path"]
    return out["answers"]


def test_the_answer_the_graph_agrees_with_leads(store: Path) -> None:
    answers = ask(store, "Who acquired Lumen Works?", "--top-answers", "3")
    assert answers[0]["text"] == "Harbor Lights" and answers[0]["graph_agrees"]
    assert answers[0]["doc_id"] == "harbor.txt"
    assert any(f["label"] == "Owned_By" for f in answers[0]["facts"])
    # the founder of Lumen Works is still the answer to who founded it
    (founder,) = ask(store, "Who founded Lumen Works?")
    assert founder["text"] == "Paul Arsenault" and founder["graph_agrees"]


def test_an_answer_the_graph_gives_to_another_person_is_not_shown(store: Path) -> None:
    # the texts do not say where Devon Achebe was born, nor whom Owen Quint married; the reader
    # proposes Mara Quint's birthplace and Devon Achebe's wife, read from the sentences that
    # state those relations of them
    assert ask(store, "Where was Devon Achebe born?") == []
    assert ask(store, "Who is Owen Quint's wife?") == []
    assert ask(store, "Where was Owen Quint born?") == []  # his sister's birthplace: two people
    (born,) = ask(store, "Where was Mara Quint born?")
    assert born["text"].startswith("Sydney") and born["graph_agrees"]
    (wife,) = ask(store, "Who is Devon Achebe married to?")
    assert wife["text"].endswith("Ines Varga") and wife["graph_agrees"]
    # with the veto off, the reader's answer to the first comes back
    off = CliRunner().invoke(
        app,
        ["ask", "Where was Devon Achebe born?", "--store", str(store), "--json"],
        env={"KGQA_WARM": "false", "KGQA_GRAPH_VETO": "false"},
    )
    assert off.exit_code == 0, off.output
    assert json.loads(off.stdout.strip().splitlines()[-1])["answers"][0]["text"].startswith(
        "Sydney"
    )


def test_no_path_is_shown_that_leads_to_an_answer_not_shown(tmp_path: Path) -> None:
    # the same company and people as above, as a Markdown page and a text file: here no passage
    # answers "Who is Owen Quint's wife?" alone, the second search goes through "Nova Scotia"
    # and reads Devon Achebe's wife, which the graph gives to him
    (tmp_path / "harbor.md").write_text(
        "# Harbor Lights Ltd\n\n" + DOCS["harbor.txt"].replace(" In 2019", "\n\nIn 2019")
        + "\n\n## Products\n\nThe company's best-known lamp, the Quint 200, is named after its "
        "founder.\n"
    )  # fmt: skip
    (tmp_path / "people.txt").write_text(
        DOCS["people.txt"].replace(" Devon Achebe grew", "\nDevon Achebe grew") + "\n"
    )
    settings = Settings(store=tmp_path / "store", document_timeout_seconds=0, warm=False)
    docs = [tmp_path / "harbor.md", tmp_path / "people.txt"]
    assert pipeline.run(docs, settings).committed
    assert ask(tmp_path / "store", "Who is Owen Quint's wife?") == []
