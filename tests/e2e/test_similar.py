"""kgqa similar with the real embedder: each paraphrase finds its pair, a copy is a duplicate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.flows.cli import app

pytestmark = pytest.mark.slow

PAIRS = [
    (
        "The cat sat quietly on the warm windowsill all afternoon.",
        "All afternoon a cat rested calmly on the sunny window ledge.",
    ),
    (
        "The central bank raised interest rates to slow down inflation.",
        "To curb rising prices, the central bank increased its interest rates.",
    ),
    (
        "The football team won the championship after a penalty shootout.",
        "After penalties decided the final, the football club took the title.",
    ),
    (
        "Volcanic eruptions can send ash high into the atmosphere.",
        "Ash from erupting volcanoes may be thrown far up into the sky.",
    ),
]


def test_each_paraphrase_finds_its_pair_and_a_copy_is_a_duplicate(
    prefect_api: str, tmp_path: Path
) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    for n, (a, b) in enumerate(PAIRS):
        (corpus / f"p{n}a.txt").write_text(a)
        (corpus / f"p{n}b.txt").write_text(b)
    (corpus / "copy.txt").write_text(PAIRS[0][0])
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert (
        runner.invoke(
            app,
            ["ingest", str(corpus), "--store", store, "--no-progress"],
            env={"KGQA_RUNNER": "local"},
        ).exit_code
        == 0
    )
    for n in range(len(PAIRS)):
        for by in ("mean", "max"):
            result = runner.invoke(
                app, ["similar", "--doc", f"p{n}b.txt", "--by", by, "--json", "--store", store]
            )
            assert result.exit_code == 0, result.output
            best = json.loads(result.stdout)["results"][0]["doc_id"]
            assert best in (f"p{n}a.txt", "copy.txt" if n == 0 else ""), (n, by, best)
    found = runner.invoke(
        app,
        [
            "similar",
            "--text",
            "interest rates and inflation",
            "--json",
            "--store",
            store,
            "--k",
            "2",
        ],
    )
    assert {r["doc_id"] for r in json.loads(found.stdout)["results"]} == {"p1a.txt", "p1b.txt"}
    dupes = json.loads(
        runner.invoke(app, ["similar", "--duplicates", "--json", "--store", store]).stdout
    )["results"]
    assert [{d["a"]["doc_id"], d["b"]["doc_id"]} for d in dupes] == [{"p0a.txt", "copy.txt"}]
