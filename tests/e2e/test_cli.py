"""The kgqa command end to end: ingest runs the real Prefect flow (one test server per session)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from tests.conftest import SAMPLE, SAMPLE_QUESTIONS

pytestmark = pytest.mark.slow
runner = CliRunner()


def kgqa(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_ingest_command_runs_the_flow_and_reports(prefect_api: str, tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, out, _ = kgqa("ingest", str(SAMPLE), "--store", str(store), "--json")
    assert code == 0
    (report,) = json_lines(out)
    assert report["new"] == 23 and report["committed"]
    code, out, _ = kgqa("ingest", str(SAMPLE), "--store", str(store))
    assert code == 0 and "0 new, 0 changed, 23 unchanged" in out
    # other settings: the unchanged documents are named as read otherwise, until --reprocess
    env = {"KGQA_RELATION_THRESHOLD": "0.9"}
    code, out, err = kgqa("ingest", str(SAMPLE), "--store", str(store), env=env)
    assert code == 0 and "relation_threshold: None -> 0.9" in " ".join((out + err).split())
    code, out, _ = kgqa(
        "ingest", str(SAMPLE), "--store", str(store), "--reprocess", "--json", env=env
    )
    (report,) = json_lines(out)
    assert code == 0 and report["changed"] == 23 and report["committed"]
    assert not [w for w in report["warnings"] if "--reprocess" in w]


def test_search_queries_file_gives_one_json_line_per_query(
    sample_store: Path, tmp_path: Path
) -> None:
    code, out, _ = kgqa(
        "search",
        "--queries",
        str(SAMPLE_QUESTIONS),
        "--store",
        str(sample_store),
        "--json",
        "--k",
        "3",
    )
    assert code == 0
    lines = json_lines(out)
    expected = [json.loads(x) for x in SAMPLE_QUESTIONS.read_text().splitlines()]
    assert [r["id"] for r in lines] == [q["id"] for q in expected]
    for record, q in zip(lines, expected):
        assert len(record["hits"]) == 3
        assert set(record["hits"][0]) == {"doc_id", "passage_id", "score", "start", "end", "text"}
        assert any(q["answer"] in h["text"] for h in record["hits"]), record["query"]


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_each_search_mode_finds_the_einstein_article(sample_store: Path, mode: str) -> None:
    code, out, _ = kgqa(
        "search",
        "Einstein patent examiner Bern",
        "--mode",
        mode,
        "--k",
        "2",
        "--store",
        str(sample_store),
        "--json",
    )
    assert code == 0
    (record,) = json_lines(out)
    assert record["hits"][0]["doc_id"] == "albert_einstein.md"


def test_unknown_mode_lists_the_valid_ones(sample_store: Path) -> None:
    code, _, err = kgqa("search", "x", "--mode", "magic", "--store", str(sample_store))
    assert code == 2 and "valid: bm25, dense, hybrid" in err


def test_ask_without_reader_says_so_and_shows_hits(sample_store: Path) -> None:
    code, out, err = kgqa(
        "ask",
        "Where was Marie Curie born?",
        "--store",
        str(sample_store),
        env={"KGQA_READER_MODEL": "none"},
    )
    assert code == 0
    assert "no reader model is configured" in err
    assert "marie_curie.md" in out


def test_ask_with_a_reader_gives_located_answers(
    sample_store: Path, tiny_qa_model: Path, tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "a", "question": "Where was Marie Curie born?"}) + "\n")
    code, out, _ = kgqa(
        "ask",
        "--questions",
        str(questions),
        "--store",
        str(sample_store),
        "--json",
        "--top-k",
        "3",
        env={"KGQA_READER_MODEL": str(tiny_qa_model), "KGQA_NO_ANSWER_THRESHOLD": "-1000"},
    )
    assert code == 0
    (record,) = json_lines(out)
    assert record["id"] == "a" and record["no_answer"] is False
    from kgqa.qa.store.generations import Store

    gen = Store(sample_store).open()
    for answer in record["answers"]:
        assert set(answer) >= {"text", "score", "doc_id", "passage_id", "start", "end", "context"}
        doc_text = gen.db.execute(
            "SELECT text FROM documents WHERE doc_id = ?", (answer["doc_id"],)
        ).fetchone()[0]
        assert doc_text[answer["start"] : answer["end"]] == answer["text"]
        assert answer["text"] in answer["context"]


def test_ask_abstains_when_no_span_beats_the_threshold(
    sample_store: Path, tiny_qa_model: Path
) -> None:
    code, out, _ = kgqa(
        "ask",
        "Where was Marie Curie born?",
        "--store",
        str(sample_store),
        "--json",
        env={"KGQA_READER_MODEL": str(tiny_qa_model), "KGQA_NO_ANSWER_THRESHOLD": "1000"},
    )
    assert code == 0
    (record,) = json_lines(out)
    assert record["no_answer"] is True and record["answers"] == []


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
def test_exports_reload_with_the_counts_of_stats(
    sample_store: Path, tmp_path: Path, fmt: str
) -> None:
    code, out, _ = kgqa("stats", "--store", str(sample_store), "--json")
    assert code == 0
    stats = json.loads(out)
    target = tmp_path / ("csv" if fmt == "csv" else f"g.{fmt}")
    code, _, _ = kgqa("export", "--format", fmt, "--out", str(target), "--store", str(sample_store))
    assert code == 0
    if fmt == "graphml":
        g = nx.read_graphml(target, force_multigraph=True)
        nodes, edges = g.number_of_nodes(), g.number_of_edges()
        assert all("confidence" in d and "evidence_count" in d for _, _, d in g.edges(data=True))
    elif fmt == "gexf":
        g = nx.read_gexf(target)
        nodes, edges = g.number_of_nodes(), g.number_of_edges()
    elif fmt == "json":
        g = nx.node_link_graph(
            json.loads(target.read_text()), directed=True, multigraph=True, edges="edges"
        )
        nodes, edges = g.number_of_nodes(), g.number_of_edges()
        assert all(d["evidence"] for _, _, d in g.edges(data=True))
    else:
        import csv

        node_rows = list(csv.reader((target / "nodes.csv").open()))
        edge_rows = list(csv.reader((target / "edges.csv").open()))
        assert node_rows[0][0] == "id:ID" and ":LABEL" in node_rows[0]
        assert edge_rows[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
        nodes, edges = len(node_rows) - 1, len(edge_rows) - 1
    assert (nodes, edges) == (stats["nodes"], stats["edges"])


def test_unknown_export_format_lists_the_valid_ones(sample_store: Path, tmp_path: Path) -> None:
    code, _, err = kgqa(
        "export", "--format", "dot", "--out", str(tmp_path / "x"), "--store", str(sample_store)
    )
    assert code == 2 and "valid: graphml, gexf, json, csv" in err


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = kgqa("stats", "--store", str(tmp_path / "nowhere"))
    assert code == 2 and "no kgqa store" in err and "kgqa ingest" in err


def test_config_shows_env_and_toml_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "kgqa.toml"
    toml.write_text("search_k = 7\nreader_stride = 64\n")
    code, out, _ = kgqa("config", "--json", env={"KGQA_CONFIG": str(toml), "KGQA_SEARCH_K": "9"})
    assert code == 0
    data = json.loads(out)
    assert data["search_k"] == 9, "environment beats the TOML file"
    assert data["reader_stride"] == 64
    code, _, err = kgqa("config", env={"KGQA_SEARCH_K": "zero"})
    assert code == 2 and "search_k" in err


def test_questions_never_import_prefect(sample_store: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from kgqa.flows.cli import app\n"
        "r = CliRunner().invoke(app, "
        f"['search', 'Warsaw', '--store', {str(sample_store)!r}, '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(app, "
        f"['ask', 'Where?', '--store', {str(sample_store)!r}, '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('prefect' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_ingest_without_prefect_updates_one_document_and_never_imports_prefect(
    sample_store_copy: Path, corpus_copy: Path
) -> None:
    """The fast path: the same flow code, no Prefect server; the edit lands as with the flow."""
    import subprocess
    import sys

    (corpus_copy / "paris.txt").write_text(
        "Paris is the capital of France. Ada Lovelace never lived in Paris, but Marie Curie did."
    )
    code = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from kgqa.flows.cli import app\n"
        f"r = CliRunner().invoke(app, ['ingest', {str(corpus_copy)!r}, '--store', "
        f"{str(sample_store_copy)!r}, '--no-prefect', '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(r.stdout.strip().splitlines()[-1])\n"
        "print('prefect' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    report_line, imported = out.stdout.strip().splitlines()[-2:]
    report = json.loads(report_line)
    assert imported == "False"
    assert report["committed"] and report["changed"] == 1 and report["unchanged"] == 22
    code, out, _ = kgqa(
        "search",
        "Ada Lovelace never lived in Paris",
        "--k",
        "1",
        "--store",
        str(sample_store_copy),
        "--json",
    )
    assert code == 0 and json_lines(out)[0]["hits"][0]["doc_id"] == "paris.txt"


def test_no_prefect_with_the_dask_runner_is_refused_with_what_to_do(tmp_path: Path) -> None:
    code, _, err = kgqa(
        "ingest", str(SAMPLE), "--store", str(tmp_path / "s"), "--no-prefect", "--runner", "dask"
    )
    assert code == 2 and "--no-prefect" in err and "local runner" in err


def test_ask_prints_the_answer_in_its_passage(sample_store: Path, tiny_qa_model: Path) -> None:
    code, out, _ = kgqa(
        "ask",
        "Where was Marie Curie born?",
        "--store",
        str(sample_store),
        "--top-answers",
        "1",
        env={"KGQA_READER_MODEL": str(tiny_qa_model), "KGQA_NO_ANSWER_THRESHOLD": "-1000"},
    )
    assert code == 0
    assert "1. " in out and "chars" in out and "#" in out
