"""Search finds the paragraph a question was written from (Wikipedia paragraphs from ../shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app
from kgqa.flows.ingest import ingest_flow
from kgqa.qa.settings import Settings
from tests.conftest import SHARED

pytestmark = pytest.mark.slow
QA_FILE = SHARED / "data" / "qa" / "train.json"
PARAGRAPHS = 300


def wikipedia_paragraphs(limit: int) -> tuple[list[dict], list[dict]]:
    """Paragraphs of SQuAD dev (Wikipedia) articles, each with its first answerable question."""
    data = json.loads(QA_FILE.read_text())["data"]
    docs, questions = [], []
    for article in data:
        for i, para in enumerate(article["paragraphs"]):
            qas = [q for q in para["qas"] if len(q["id"]) == 24 and not q.get("is_impossible")]
            if not qas:
                continue
            doc_id = f"{article['title']}-{i}"
            docs.append({"id": doc_id, "title": article["title"], "text": para["context"]})
            questions.append({"id": qas[0]["id"], "question": qas[0]["question"], "doc_id": doc_id})
            if len(docs) == limit:
                return docs, questions
    return docs, questions


@pytest.mark.skipif(not QA_FILE.is_file(), reason="needs ../shared/data/qa/train.json")
def test_hybrid_search_finds_the_source_paragraph_in_the_top_5(tmp_path: Path) -> None:
    docs, questions = wikipedia_paragraphs(PARAGRAPHS)
    assert len(docs) == PARAGRAPHS
    corpus = tmp_path / "wiki.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs))
    queries = tmp_path / "questions.jsonl"
    queries.write_text("".join(json.dumps(q) + "\n" for q in questions))
    store = tmp_path / "store"
    report = ingest_flow.fn(
        [str(corpus)], settings=Settings(store=store).model_dump(mode="json"), show_progress=False
    )
    assert report["new"] == PARAGRAPHS
    result = CliRunner().invoke(
        app, ["search", "--queries", str(queries), "--json", "--k", "5", "--store", str(store)]
    )
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    expected = {q["id"]: q["doc_id"] for q in questions}
    found = sum(expected[r["id"]] in {h["doc_id"] for h in r["hits"]} for r in lines)
    recall = found / len(lines)
    print(f"recall@5 on {len(lines)} questions over {PARAGRAPHS} paragraphs: {recall:.3f}")
    assert recall >= 0.95
