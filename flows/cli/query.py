"""Questions and search: kgqa search, ask, read and serve."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kgqa.flows.cli.common import (
    JsonOpt,
    Line,
    StoreOpt,
    answer_each,
    app,
    check_given,
    cli_settings,
    console,
    err_console,
    fail,
    guard,
    one_line,
    open_service,
    quiet_model_loading,
    read_lines,
    read_records,
    setting_default,
)
from kgqa.kg.text import is_table_rule
from kgqa.qa.choices import RERANKERS, RETRIEVAL_MODES
from kgqa.qa.types import AskResult


@app.command()
@guard
def search(
    query: Annotated[str | None, typer.Argument(help="What to look for.")] = None,
    queries: Annotated[Path | None, typer.Option(help='JSONL of {"id","query"} lines.')] = None,
    k: Annotated[
        int | None,
        typer.Option(
            "--k", min=1, help="Hits per query.", show_default=setting_default("search_k")
        ),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(
            help=(
                f"{', '.join(RETRIEVAL_MODES.names())}, optionally followed by a reranker "
                f"({', '.join('+' + r for r in RERANKERS.names())})."
            ),
            show_default=setting_default("search_mode"),
        ),
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find passages by BM25, dense vectors, or both fused."""
    if (query is None) == (queries is None):
        fail("give a QUERY or --queries FILE (one of them)")
    settings = cli_settings(store=store)
    check_given(query, "query", settings)
    service = open_service(settings)

    def answer(line: Line, text: str) -> None:
        hits = service.search(text, k, mode)
        if as_json:
            record: dict[str, Any] = {"query": text, "hits": [h.to_json() for h in hits]}
            if queries is not None:
                record = {"id": line.id, **record}
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print_hits(text, hits)

    if queries is None:
        answer(Line(0, "", query), query or "")
    elif answer_each(read_lines(queries, ("query", "question")), answer, as_json):
        raise typer.Exit(1)


def print_hits(query: str, hits: list[Any]) -> None:
    table = Table(title=f"search: {query}", show_lines=True)
    for col in ("#", "score", "document", "passage", "text"):
        table.add_column(col, overflow="fold")
    for i, h in enumerate(hits, 1):
        table.add_row(
            str(i),
            f"{h.score:.4f}",
            escape(h.passage.doc_id),
            escape(h.passage.passage_id),
            one_line(h.passage.text, 300),
        )
    console.print(table)


@app.command()
@guard
def ask(
    question: Annotated[str | None, typer.Argument(help="A question.")] = None,
    questions: Annotated[
        Path | None, typer.Option(help='JSONL of {"id","question"} lines.')
    ] = None,
    top_k: Annotated[
        int | None,
        typer.Option(min=1, help="Passages to read.", show_default=setting_default("ask_top_k")),
    ] = None,
    top_answers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Show the N best answers (default: the best one, plus the others whose "
            "probability comes within the verifier's margin of it).",
        ),
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question from the store with the extractive reader."""
    if (question is None) == (questions is None):
        fail("give a QUESTION or --questions FILE (one of them)")
    settings = cli_settings(store=store)
    check_given(question, "question", settings)
    service = open_service(settings)
    if service.reader is None and not as_json:
        err_console.print(
            "[yellow]no reader model is configured[/] (set KGQA_READER_MODEL or "
            "reader_model in kgqa.toml); showing search hits instead"
        )

    def answer(line: Line, text: str) -> None:
        result = service.ask(text, top_k, top_answers)
        if as_json:
            full = result.to_json()
            record = {
                "question": result.question,
                "no_answer": result.no_answer is not False,
                "answers": full["answers"],
                "reader": result.reader,
                "hits": full["hits"],
                "path": full["path"],
            }
            if questions is not None:
                record = {"id": line.id, **record}
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            print_answers(result)

    if questions is None:
        answer(Line(0, "", question), question or "")
    elif answer_each(read_lines(questions, ("question",)), answer, as_json):
        raise typer.Exit(1)


def print_answers(result: AskResult, max_hits: int | None = None) -> None:
    """Each answer with its place in the document and its words around it (or the hits, when
    there is no reader)."""
    console.print(f"[bold]Q:[/] {escape(result.question)}")
    if result.reader is None:
        for i, h in enumerate(result.hits[:max_hits], 1):
            p = h.passage
            page = f" page {p.page}" if p.page is not None else ""
            console.print(
                f"  hit {i} \\[{escape(p.doc_id)}{page} chars {p.start}-{p.end}] "
                f"{one_line(p.text, 140)}",
                highlight=False,
            )
        return
    if result.no_answer:
        console.print("  [italic]no answer: the documents do not say[/]")
        return
    for i, a in enumerate(result.answers, 1):
        text = escape(" ".join(a.text.split()))  # a span across a wrapped line, on one line
        sure = (
            f"{100 * a.probability:.0f}% sure"
            if a.probability is not None
            else f"score {a.score:.2f}"
        )
        console.print(
            f"  {i}. [bold green]{text}[/] ({sure}) "
            f"{escape(a.doc_id)} {escape(a.passage_id)}"
            f"{f' page {a.page}' if a.page is not None else ''} chars {a.start}-{a.end}"
            f"{' [cyan]graph agrees[/]' if a.graph_agrees else ''}",
            highlight=False,
        )
        at, end = a.start - a.passage_start, a.end - a.passage_start
        before, after = a.context[max(0, at - 80) : at], a.context[end : end + 80]
        row = a.context.rfind("\n", 0, at) + 1
        if a.context.startswith("|", row):  # a table cell: its row, under the table's header
            before, after = a.context[row:at], a.context[end:].split("\n", 1)[0]
            lines = a.context[:row].split("\n")[:-1]
            top = len(lines)
            while top and lines[top - 1].startswith("|"):
                top -= 1
            if len(lines) - top >= 2 and is_table_rule(lines[top + 1]):
                before = f"{lines[top]} … {before}"
        # a space either side only where the text has one ("Bletchley Park, where")
        left = " " if before[-1:].isspace() else ""
        right = " " if after[:1].isspace() else ""
        console.print(
            f"     …{one_line(before, 80)}{left}[reverse]{text}[/]{right}{one_line(after, 80)}…",
            highlight=False,
        )
    print_path(result.path)


def print_path(path: list[dict[str, Any]]) -> None:
    """A multi-hop answer's hops: each sub-question, its answer, and what answered it."""
    if not path:
        return
    console.print("  [bold]path:[/]")
    for i, step in enumerate(path, 1):
        if step.get("edge"):
            where = f"graph edge {step['edge']['label']} ({escape(step['doc_id'])})"
        elif step.get("doc_id"):
            where = f"{step['how']} in {escape(step['doc_id'])} chars {step['start']}-{step['end']}"
        else:
            where = step["how"]
        console.print(
            f"    {i}. {escape(step['question'])} -> [bold]{escape(step['answer'])}[/]"
            f"  [dim]{where}[/]",
            highlight=False,
        )


@app.command()
@guard
def read(
    file: Annotated[
        Path | None, typer.Argument(help='JSONL of {"id","question","context"}.')
    ] = None,
    question: Annotated[str | None, typer.Option(help="One question (with --context).")] = None,
    context: Annotated[str | None, typer.Option(help="The text to read.")] = None,
    reader_model: Annotated[
        str | None, typer.Option(help="Checkpoint (setting reader_model).")
    ] = None,
) -> None:
    """Run the reader alone: one JSON line {"id","answer","score","probability","start","end"}
    per question ("answer" null when it abstains)."""
    if (file is None) == (question is None) or (question is None) != (context is None):
        fail("give FILE.jsonl, or --question Q --context TEXT")
    settings = cli_settings(reader_model=reader_model)
    if not settings.reader_model:
        fail("no reader model is configured; set KGQA_READER_MODEL or pass --reader-model")
    quiet_model_loading()
    from kgqa.qa.serve.service import QAService

    if file is not None:
        records = read_records(file, ("question", "context"))
    else:
        records = [("", {"question": question, "context": context})]
    service = QAService(settings)
    for b in range(0, len(records), 32):
        part = [(rid, r["question"], r["context"]) for rid, r in records[b : b + 32]]
        for result in service.read(part):
            print(json.dumps(result, ensure_ascii=False), flush=True)


@app.command()
@guard
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    store: StoreOpt = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) and the web page (at /) over the store;
    a newly committed generation is picked up without a restart."""
    quiet_model_loading()
    from kgqa.qa.serve.api import create_app
    from kgqa.qa.serve.server import serve as run_server

    settings = cli_settings(store=store)
    console.print(f"loading models and {settings.store} ...")
    app = create_app(settings, bound_host=host)
    key = " (API key required)" if settings.api_key else ""
    console.print(f"kgqa on http://{host}:{port}/ {key}- API docs at /docs")
    run_server(app, settings, host, port)
