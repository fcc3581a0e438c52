"""kgqa demo (the main job on the sample corpus) and kgqa config."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kgqa.flows.cli.common import (
    JsonOpt,
    StoreOpt,
    answer_each,
    app,
    cli_settings,
    console,
    err_console,
    guard,
    quiet_model_loading,
    read_lines,
)
from kgqa.flows.cli.ingest import print_report, run_ingestion, through_prefect
from kgqa.flows.cli.query import print_answers


@app.command()
def config(as_json: JsonOpt = False) -> None:
    """Print the effective settings (defaults < kgqa.toml < KGQA_* env)."""
    settings = cli_settings()
    data = settings.model_dump(mode="json")
    if as_json:
        print(json.dumps(data))
        return
    table = Table(title="kgqa settings")
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    table.add_column("env")
    for name, value in data.items():
        table.add_row(name, json.dumps(value), f"KGQA_{name.upper()}")
    console.print(table)


@app.command()
@guard
def demo(
    corpus: Annotated[
        Path | None,
        typer.Option(help="Folder to ingest (default: the sample corpus shipped with kgqa)."),
    ] = None,
    questions: Annotated[
        Path | None,
        typer.Option(help="Questions to ask (default: the sample questions shipped with kgqa)."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the exports.")] = Path("kgqa-export"),
    store: StoreOpt = None,
) -> None:
    """The main job on the sample corpus: ingest, ask the sample questions, export the graph."""
    started = time.monotonic()
    settings = cli_settings(store=store)
    quiet_model_loading()
    use_prefect = through_prefect(settings)
    from kgqa.kg.export import EXPORTERS, export_graph
    from kgqa.kg.models import data_folder
    from kgqa.qa.serve.service import QAService

    corpus = data_folder() / "sample" if corpus is None else corpus
    questions = data_folder() / "sample_questions.jsonl" if questions is None else questions

    console.rule("1. ingest")
    report = run_ingestion([str(corpus)], settings, use_prefect, prune=True, show_progress=True)
    print_report(report)
    console.rule("2. ask")
    service = QAService(settings)
    if service.reader is None:
        err_console.print(
            "[yellow]no reader model is configured[/] (set KGQA_READER_MODEL); "
            "showing the top search hit for each question"
        )
    answer_each(
        read_lines(questions, ("question",)),
        lambda _, text: print_answers(service.ask(text), max_hits=1),
        as_json=False,
    )
    console.rule("3. export")
    graph = service.generation.graph
    for fmt in EXPORTERS:
        target = out / ("csv" if fmt == "csv" else f"graph.{fmt}")
        files = export_graph(graph, fmt, target)
        console.print(f"{fmt}: {', '.join(map(str, files))}")
    console.print(
        f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} edges; "
        f"done in {time.monotonic() - started:.1f} s"
    )
