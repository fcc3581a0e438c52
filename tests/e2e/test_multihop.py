"""Questions that need two facts, asked with the shipped models of a store of invented
paragraphs: the answer follows the hops, and each hop is in the answer's path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from kgqa.qa.reader.verifier import Verifier
from kgqa.qa.settings import Settings

runner = CliRunner()

PARAGRAPHS = {
    "The Silent River": "The Silent River is a 1961 Dutch drama film directed by Mara Velden. "
    "It follows a ferryman through one winter.",
    "Mara Velden": "Mara Velden (4 March 1920 – 9 June 1990) was a Dutch film director, born "
    "in Utrecht. Her mother was the painter Ilse Korvan, who taught her to draw.",
    "Ilse Korvan": "Ilse Korvan (1895 – 1970) was a Dutch painter of river landscapes.",
    "Harbour Lights": "Harbour Lights is a 1978 German comedy film directed by Tomas Brandt.",
    "Tomas Brandt": "Tomas Brandt (12 May 1931 – 2 February 2001) was a German film director, "
    "born in Kiel.",
    "Armand Foundry": "The Armand Foundry is a metalworks in Rouen founded by Jules Armand "
    "in 1902.",
    "Jules Armand": "Jules Armand (1870 – 1944) was a French engineer, born in Lyon.",
    "Rouen Bell": "The Rouen Bell is a bronze bell of 1910. The Armand Foundry casts the Rouen "
    "Bell again every fifty years.",
}
QUESTIONS = [
    ("Who is the mother of the director of The Silent River?", "Ilse Korvan"),
    ("Which film came out first, The Silent River or Harbour Lights?", "The Silent River"),
    (
        "Which film has the director born later, The Silent River or Harbour Lights?",
        "Harbour Lights",
    ),
    ("Are Mara Velden and Tomas Brandt from the same country?", "no"),
    ("Where was the founder of the Armand Foundry born?", "Lyon"),
    # no date to compare: the side whose passage alone says what the question claims
    ("Which film follows a ferryman, The Silent River or Harbour Lights?", "The Silent River"),
    # a relative clause: "Which foundry makes the Rouen Bell?" first
    ("In which city was the foundry that casts the Rouen Bell founded?", "Rouen"),
]


def _data(path: Path) -> Path:
    paragraphs = [{"title": t, "text": x, "supporting": True} for t, x in PARAGRAPHS.items()]
    path.write_text(
        "".join(
            json.dumps({"question": q, "answers": [a], "paragraphs": paragraphs, "source": "ours"})
            + "\n"
            for q, a in QUESTIONS
        )
    )
    return path


def _ingested(paragraphs: dict[str, str], tmp_path: Path) -> Path:
    """A store of ``paragraphs`` (title -> text), ingested from the CLI."""
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": t, "title": t, "text": x}) + "\n" for t, x in paragraphs.items())
    )
    store = tmp_path / "store"
    ingested = runner.invoke(app, ["ingest", str(corpus), "--store", str(store), "--no-prefect"])
    assert ingested.exit_code == 0, ingested.stderr
    return store


@pytest.mark.slow
def test_eval_multihop_builds_the_store_and_answers_hop_by_hop(tmp_path: Path) -> None:
    data = _data(tmp_path / "mh.jsonl")
    store = tmp_path / "store"
    answers = tmp_path / "answers.jsonl"
    result = runner.invoke(
        app,
        ["eval", "multihop", "--data", str(data), "--store", str(store), "--answers",
         str(answers), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    m = json.loads(result.stdout.splitlines()[-1])
    assert m["all"]["questions"] == 7 and m["source:ours"]["questions"] == 7
    rows = [json.loads(line) for line in answers.read_text().splitlines()]
    right = [r["question"] for r in rows if r["em"] == 1]
    assert len(right) >= 6, rows
    assert all(r["path"] for r in rows), "every question here needs two facts"
    claim = rows[-2]  # the claim's words, found in one side's passage only
    assert claim["em"] == 1, claim
    assert claim["path"][0]["doc_id"] == "The Silent River", claim
    assert "ferryman" in claim["path"][0]["question"], claim
    clause = rows[-1]  # the relative clause: asked on its own first, then the rest
    assert clause["em"] == 1 and "Armand Foundry" in clause["path"][0]["answer"], clause

    # the same store answers from the CLI, with the path of hops
    asked = runner.invoke(app, ["ask", QUESTIONS[0][0], "--store", str(store), "--json"])
    assert asked.exit_code == 0, asked.stderr
    out = json.loads(asked.stdout.splitlines()[-1])
    assert out["answers"][0]["text"] == "Ilse Korvan"
    path = out["path"]
    assert path[0]["answer"] == "Mara Velden" and path[0]["doc_id"] in PARAGRAPHS
    assert path[-1]["answer"] == "Ilse Korvan" and path[-1]["doc_id"] == "Mara Velden"
    shown = runner.invoke(app, ["ask", QUESTIONS[1][0], "--store", str(store)])
    assert "path:" in shown.stdout and "1961" in shown.stdout and "1978" in shown.stdout

    # a question one passage answers keeps the single-passage way (no path)
    single = runner.invoke(
        app, ["ask", "Who directed Harbour Lights?", "--store", str(store), "--json"]
    )
    out = json.loads(single.stdout.splitlines()[-1])
    assert out["path"] == [] and out["answers"][0]["text"] == "Tomas Brandt"


@pytest.mark.slow
def test_the_http_api_returns_the_path(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from kgqa.qa.ingest import pipeline
    from kgqa.qa.serve.api import create_app
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": t, "title": t, "text": x}) + "\n" for t, x in PARAGRAPHS.items())
    )
    settings = Settings(store=tmp_path / "store")
    pipeline.run([corpus], settings)
    http = TestClient(create_app(settings, QAService(settings)), base_url="http://localhost")
    asked = http.post("/ask", json={"question": QUESTIONS[4][0]}).json()
    assert asked["answers"][0]["text"] == "Lyon"
    assert [s["answer"] for s in asked["path"]] == ["Jules Armand", "Lyon"]
    schema = http.get("/openapi.json").json()
    assert "path" in schema["components"]["schemas"]["AskResponse"]["properties"]


def test_a_chain_whose_last_hop_the_documents_do_not_answer_has_no_answer(
    sample_store: Path,
) -> None:
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings

    service = QAService(Settings(store=sample_store))
    # The sample corpus says who founded the Pasteur Institute and where he was born, but not
    # who his mother was: the first chain is answered hop by hop, the second shows its path
    # and no answer (read as one passage, it would answer "Louis Pasteur", the inner hop).
    born = service.ask("Where was the founder of the Pasteur Institute born?")
    assert [a.text for a in born.answers] == ["Dole"] and len(born.path) == 2
    mother = service.ask("Who is the mother of the founder of the Pasteur Institute?")
    assert mother.answers == [], [(a.text, a.probability) for a in mother.answers]
    assert [step["answer"] for step in mother.path][:1] == ["Louis Pasteur"], mother.path


# A question that no shape fits and no passage answers alone: the passage about korvite names
# its yellow component, the one about Lumenol says where it melts.
BRIDGED = {
    "Korvite": "Korvite is a blasting explosive used in Welsh slate quarries from 1894. It is a "
    "mixture of two components: Lumenol, a yellow crystal, and Brasic salt, a white powder.",
    "Lumenol": "Lumenol is an organic compound first made by the chemist Ada Fenwick in 1881. "
    "It melts at 122 °C and burns with a green flame.",
    "Brasic salt": "Brasic salt is a white powder that dissolves readily in water. It is mined "
    "near Tarn in Norway.",
    "Ada Fenwick": "Ada Fenwick (1850 – 1921) was an English chemist who worked in Manchester.",
    "Penrhyn Quarry": "Penrhyn Quarry is a slate quarry in Wales. It was once the largest slate "
    "quarry in the world.",
    "Dunmore Hawks": "The Dunmore Hawks are an ice hockey team from Dunmore, founded in 1971. "
    "They play their home games at the Kestrel Arena.",
    "Kestrel Arena": "The Kestrel Arena is an indoor venue in Dunmore, opened in 1958. It can "
    "seat 4,120 people.",
}


@pytest.mark.slow
def test_a_question_no_passage_answers_alone_is_searched_again_with_its_bridge(
    tmp_path: Path,
) -> None:
    store = _ingested(BRIDGED, tmp_path)
    question = "At what temperature does the yellow component of korvite melt?"

    asked = runner.invoke(app, ["ask", question, "--store", str(store), "--json"])
    assert asked.exit_code == 0, asked.stderr
    out = json.loads(asked.stdout.splitlines()[-1])
    answer = out["answers"][0]
    assert answer["text"] == "122 °C" and answer["doc_id"] == "Lumenol", out["answers"]
    assert BRIDGED["Lumenol"][answer["start"] : answer["end"]] == "122 °C"
    first, second = out["path"]
    assert first["answer"] == "Lumenol" and first["doc_id"] == "Korvite"
    assert BRIDGED["Korvite"][first["start"] : first["end"]] == "Lumenol"
    assert second["answer"] == "122 °C" and second["doc_id"] == "Lumenol"
    threshold = Verifier.load(Settings().reader_model)
    assert threshold is not None and threshold.threshold <= answer["probability"] <= 1.0

    # read one passage at a time, as with the setting multihop off, nothing answers it
    alone = runner.invoke(
        app,
        ["ask", question, "--store", str(store), "--json"],
        env={"KGQA_MULTIHOP": "false"},
    )
    out = json.loads(alone.stdout.splitlines()[-1])
    assert out["no_answer"] is True and out["path"] == [], out["answers"]
    # a yes/no question is never answered with a span of a second search
    yes_no = runner.invoke(
        app, ["ask", "Is the yellow component of korvite green?", "--store", str(store), "--json"]
    )
    out = json.loads(yes_no.stdout.splitlines()[-1])
    assert all(a["text"] != "122 °C" for a in out["answers"]) and out["path"] == []

    # a name where the question wants a number is the bridge: its own passage is read next
    question = "The arena where the Dunmore Hawks play their home games can seat how many people?"
    asked = runner.invoke(app, ["ask", question, "--store", str(store), "--json"])
    out = json.loads(asked.stdout.splitlines()[-1])
    assert out["answers"][0]["text"] == "4,120", out["answers"]
    first, second = out["path"]
    assert first["answer"] == "Kestrel Arena" and first["doc_id"] == "Dunmore Hawks", first
    assert second["answer"] == "4,120" and second["doc_id"] == "Kestrel Arena", second


# The passage about Tarvo paint names Corvine; the one about Corvine says what it dissolves in,
# but five passages about other blue paints share more of the question's words.
WIDENED = {
    "Tarvo paint": "Tarvo paint is a marine paint first sold in 1902. Its blue ingredient is "
    "Corvine, and its binder is linseed oil.",
    "Corvine": "Corvine is a mineral pigment mined in Cornwall. It dissolves in warm vinegar "
    "but not in water.",
    "Harbour Blue": "Harbour Blue is a blue paint for fishing boats. Its main ingredient is "
    "copper oxide, and the paint dissolves in turpentine.",
    "Fennick Blue": "Fennick Blue is a paint whose blue ingredient is ground lapis; it "
    "dissolves slowly in sea water.",
    "Prussian ink": "Prussian ink is a blue ink. Its main ingredient, an iron salt, dissolves "
    "in acid.",
    "Marlow paint": "Marlow paint is a blue house paint. One ingredient of it, chalk, dissolves "
    "in vinegar.",
    "Delft glaze": "Delft glaze is a blue glaze for pottery. Its ingredients dissolve in the "
    "heat of the kiln.",
}


@pytest.mark.slow
def test_the_last_passages_read_are_about_the_names_the_first_one_adds(tmp_path: Path) -> None:
    store = _ingested(WIDENED, tmp_path)
    question = "What does the blue ingredient of Tarvo paint dissolve in?"

    def read(multihop: str) -> list[str]:
        asked = runner.invoke(
            app, ["ask", question, "--store", str(store), "--json"], env={"KGQA_MULTIHOP": multihop}
        )
        assert asked.exit_code == 0, asked.stderr
        return [h["doc_id"] for h in json.loads(asked.stdout.splitlines()[-1])["hits"]]

    alone = read("false")
    assert alone[0] == "Tarvo paint" and "Corvine" not in alone and len(alone) == 5, alone
    widened = read("true")
    # the first search's three best, then the passage about Corvine, five in all
    assert widened[:3] == alone[:3] and "Corvine" in widened[3:] and len(widened) == 5, widened


THREE_HOPS = {
    "Dune Lights": "Dune Lights is the second studio album by the rock band Marrow Kite, "
    "released in 2004 on Pellam Records.",
    "Marrow Kite": "Marrow Kite is a rock band formed in Velstad in 1998. The band is led by "
    "the singer Oona Brack.",
    "Velstad": "Velstad is a port city on the river Orm, known for its wool market and its "
    "university.",
    "Harrowgate Castle": "Harrowgate Castle is a castle in Velstad, built in 1620 for a wool "
    "merchant.",
    "Corran Castle": "Corran Castle is a castle in Tarnby, built in 1702 for a shipowner.",
    "Oona Brack": "Oona Brack (born 1975) is a Scottish singer, the daughter of Callum Brack "
    "and Isla Moray. She grew up in Tarnby.",
}


def _ask(store: Path, question: str) -> dict[str, Any]:
    """``kgqa ask --json`` of ``question`` over ``store``: the answers and the path."""
    asked = runner.invoke(app, ["ask", question, "--store", str(store), "--json"])
    assert asked.exit_code == 0, asked.stderr
    return cast(dict[str, Any], json.loads(asked.stdout.splitlines()[-1]))


@pytest.mark.slow
def test_a_chain_whose_outer_question_has_a_clause_follows_three_hops(tmp_path: Path) -> None:
    store = _ingested(THREE_HOPS, tmp_path)
    question = (
        "What is the name of the castle in the city where the performer of Dune Lights formed?"
    )
    asked = runner.invoke(app, ["ask", question, "--store", str(store), "--json"])
    assert asked.exit_code == 0, asked.stderr
    out = json.loads(asked.stdout.splitlines()[-1])
    assert out["answers"][0]["text"] == "Harrowgate Castle", out["answers"]
    # the performer, then the clause of the outer question ("the city where {bridge} formed")
    # once the bridge is known, then the castle in that city
    assert [(s["answer"], s["doc_id"]) for s in out["path"]] == [
        ("Marrow Kite", "Dune Lights"),
        ("Velstad", "Marrow Kite"),
        ("Harrowgate Castle", "Harrowgate Castle"),
    ], out["path"]

    # both parents named in one sentence: the father first, the mother second
    question = "Who is the mother of the singer of Marrow Kite?"
    asked = runner.invoke(app, ["ask", question, "--store", str(store), "--json"])
    out = json.loads(asked.stdout.splitlines()[-1])
    assert out["answers"][0]["text"] == "Isla Moray", out["answers"]
    assert [s["answer"] for s in out["path"]] == ["Oona Brack", "Isla Moray"], out["path"]
    assert out["path"][1]["how"] == "text" and out["path"][1]["doc_id"] == "Oona Brack"


CLAIMS = {
    "Aloinopsis": "Aloinopsis is a genus of ice plants from South Africa.",
    "Eriogonum": "Eriogonum is a genus of flowering plants in the family Polygonaceae.",
    "Reinhold Ewald": "Reinhold Ewald (born 1956) is a German physicist and ESA astronaut.",
    "Ernst Messerschmid": "Ernst Messerschmid (born 1945) is a German physicist and former "
    "astronaut.",
    "David O. Russell": "David Owen Russell (born 1958) is an American film director.",
    "Tony Gatlif": "Tony Gatlif (born 1948) is a French film director and composer.",
}


@pytest.mark.slow
def test_yes_no_claims_need_every_word_of_the_claim(tmp_path: Path) -> None:
    store = _ingested(CLAIMS, tmp_path)

    # both are plants, only one an ice plant
    out = _ask(store, "Are both Aloinopsis and Eriogonum ice plants?")
    assert out["answers"][0]["text"] == "no", out
    assert [s["answer"] for s in out["path"]] == ["yes", "no", "no"], out["path"]
    out = _ask(store, "Are both Reinhold Ewald and Ernst Messerschmid physicists?")
    assert out["answers"][0]["text"] == "yes", out
    # no passage is about "Reinhold Ewald ESA": "ESA" belongs to the claim
    out = _ask(store, "Were both Ernst Messerschmid and Reinhold Ewald ESA astronauts?")
    assert out["answers"][0]["text"] == "no", out
    assert [s["question"] for s in out["path"]][1] == "Is Reinhold Ewald ESA astronauts?"
    # a title with an initial is the name of its document ("David O. Russell", not "David O")
    out = _ask(store, "Are David O. Russell and Tony Gatlif from the same country?")
    assert out["answers"][0]["text"] == "no", out
    assert out["path"][0]["doc_id"] == "David O. Russell", out["path"]


CAST = {
    "Dry Creek (1969 film)": "Dry Creek is a 1969 western film directed by Lena Hart. It "
    "starred Ada Lind as Mira Holt and Tom Rusk as U.S. Marshal Dell Crane.",
    "Dry Creek (2010 film)": "Dry Creek is a 2010 western film, the second adaptation of the "
    "novel, first filmed in 1969 with Tom Rusk. This version stars Kay Moss as Mira Holt and Ben "
    "Hale as Dell Crane.",
    "Iron Sky Road": "Iron Sky Road is a 1975 western film starring Tom Rusk, reprising his "
    "role as Dell Crane, and Nora Quill.",
    "A Run of Bad Luck (TV series)": "Ian Cole as Count Vell, an actor who wants the orphans' "
    "fortune.",
    "Night of the Owl": "Night of the Owl is a 2010 animated film. It stars Rob Tate as the "
    "Magpie, Ian Cole as Lark / Peter Vane, and Eve Dunn as the Judge.",
}


@pytest.mark.slow
def test_who_played_whom_is_read_from_cast_lists(tmp_path: Path) -> None:
    store = _ingested(CAST, tmp_path)

    # the cast member of one film first (its lead), then his role in the other: of the two
    # films named Dry Creek, the one whose cast list pairs him with a role
    out = _ask(store, "Who did the cast member of Iron Sky Road play in Dry Creek?")
    assert out["answers"][0]["text"] == "U.S. Marshal Dell Crane", out
    assert [(s["answer"], s["doc_id"], s["how"]) for s in out["path"]] == [
        ("Tom Rusk", "Iron Sky Road", "text"),
        ("U.S. Marshal Dell Crane", "Dry Creek (1969 film)", "text"),
    ], out["path"]
    # a question that opens with its bridge: who plays Count Vell, then his other role
    out = _ask(
        store,
        'The actor who plays Count Vell in "A Run of Bad Luck" also plays which character in '
        "Night of the Owl?",
    )
    assert out["answers"][0]["text"] == "Lark / Peter Vane", out
    assert [s["answer"] for s in out["path"]] == ["Ian Cole", "Lark / Peter Vane"], out["path"]


# A new user's files: two founders of one company; the second started another company, which
# was bought. Who leads that company the documents do not say, though Acme's says who leads Acme.
FOUNDERS = {
    "acme.md": """# Acme Robotics

Acme Robotics was founded in 2011 by Priya Natarajan and Tomas Berg in Gothenburg, Sweden.
The company builds warehouse robots and sells them to retailers in Europe and Asia.

In 2019 Acme Robotics opened a second office in Singapore. Priya Natarajan has been the chief
executive since the founding; Tomas Berg left in 2016 to start Northwind Labs.

Acme's best-known product is the Porter, a robot that carries shelves to pickers. About 4,000
Porters were in service at the end of 2023.""",
    "northwind.txt": """Northwind Labs is a research company in Oslo, Norway.
It was started by Tomas Berg in 2016.
Northwind Labs studies battery chemistry for small electric vehicles.
In 2021, Northwind Labs was acquired by Helios Energy for 120 million euros.
Helios Energy is headquartered in Munich and is led by Karin Vogt.""",
    "notes.html": """<html><head><title>Meeting notes</title></head><body>
<h1>Quarterly meeting</h1>
<p>The board met on 14 March 2024 in Gothenburg. Revenue grew 18% compared with the year before.</p>
<p>The board approved a new factory in Poland, to open in 2026.</p>
</body></html>""",
}


@pytest.mark.slow
def test_each_founder_is_tried_and_a_passage_that_only_names_the_bridge_answers_nothing(
    tmp_path: Path,
) -> None:
    for name, text in FOUNDERS.items():
        (tmp_path / name).write_text(text)
    store = tmp_path / "store"
    ingested = runner.invoke(app, ["ingest", str(tmp_path), "--store", str(store)])
    assert ingested.exit_code == 0, ingested.stderr

    # "the co-founder": each founder the graph gives is tried, and the outer question's answer
    # shown with the highest probability kept (Priya Natarajan started no other company)
    out = _ask(store, "Which company did the co-founder of Acme Robotics start?")
    assert [a["text"] for a in out["answers"]] == ["Northwind Labs"], out
    first = out["path"][0]
    assert (first["answer"], first["how"]) == ("Tomas Berg", "graph"), out["path"]

    # Acme's passage names Tomas Berg, who started Northwind Labs, but it is about Acme: its
    # chief executive is no answer about Northwind Labs (read after the passage about
    # Northwind Labs, as a bridge, it was: Priya Natarajan, 57%)
    out = _ask(store, "Who is the CEO of Northwind Labs?")
    assert out["no_answer"] is True and out["answers"] == [], out
