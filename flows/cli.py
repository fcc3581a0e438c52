"""The ``kgqa`` command."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kg.types import KGError
from qa.settings import Settings, load_settings
from qa.types import QAError

app = typer.Typer(help="kgqa: documents in, a knowledge graph and answers out.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
err_console = Console(stderr=True)

StoreOpt = Annotated[Optional[Path], typer.Option("--store", help="Store directory (env KGQA_STORE).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


def _settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except Exception as err:
        _fail(f"invalid settings: {err}")
        raise  # unreachable


def _fail(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _quiet_model_loading() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:
        pass


def _read_jsonl(path: Path, text_fields: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(id, text) pairs of a JSONL file; a bad line stops with its line number."""
    if not path.is_file():
        _fail(f"{path}: no such file")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            _fail(f"{path}:{number}: not valid JSON ({err.msg}); fix the line")
        text = next((record.get(f) for f in text_fields if isinstance(record.get(f), str)), None)
        if text is None:
            _fail(f"{path}:{number}: needs a string field {' or '.join(map(repr, text_fields))}")
        yield str(record.get("id", number)), text


def _guard(fn: Any) -> Any:
    """Turn kgqa's own errors into one clear line and exit code 2, not a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (QAError, KGError) as err:
            _fail(str(err))

    return wrapper


@app.command()
@_guard
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt .md .html .jsonl).")],
    store: StoreOpt = None,
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = False,
    wait: Annotated[Optional[float], typer.Option(
        help="Seconds to wait for another writer (setting lock_wait_seconds).")] = None,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Ingest documents into the store (a Prefect flow); unchanged documents are skipped."""
    settings = _settings(store=store, lock_wait_seconds=wait)
    _quiet_model_loading()
    from flows.ingest import ingest_flow

    report = ingest_flow([str(p) for p in paths], prune=prune,
                         settings=settings.model_dump(mode="json"),
                         show_progress=progress and not as_json)
    if as_json:
        print(json.dumps(report))
    else:
        _print_report(report)
    if report["failed"] and not report["committed"] and not report["unchanged"]:
        raise typer.Exit(1)


def _print_report(report: dict[str, Any]) -> None:
    c = report["counts"]
    console.print(
        f"[bold]ingest[/]: {report['new']} new, {report['changed']} changed, "
        f"{report['unchanged']} unchanged, {report['removed']} removed, "
        f"{len(report['failed'])} failed in {report['seconds']:.1f} s"
    )
    if c:
        console.print(f"store {report['generation']}: {c['documents']} documents, {c['passages']} "
                      f"passages, {c['nodes']} entities, {c['edges']} edges"
                      + ("" if report["committed"] else " (nothing to commit)"))
    for f in report["failed"]:
        err_console.print(f"[yellow]failed[/] {escape(f['where'])}: {escape(f['reason'])}",
                          highlight=False)


@app.command()
@_guard
def search(
    query: Annotated[Optional[str], typer.Argument(help="What to look for.")] = None,
    queries: Annotated[Optional[Path], typer.Option(help='JSONL of {"id","query"} lines.')] = None,
    k: Annotated[Optional[int], typer.Option("--k", min=1, help="Hits per query.")] = None,
    mode: Annotated[Optional[str], typer.Option(help="bm25, dense or hybrid.")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find passages by BM25, dense vectors, or both fused."""
    if (query is None) == (queries is None):
        _fail("give a QUERY or --queries FILE (one of them)")
    _quiet_model_loading()
    from qa.service import QAService

    service = QAService(_settings(store=store))
    items = [("", query)] if query is not None else _read_jsonl(queries, ("query", "question"))
    for qid, text in items:
        hits = service.search(text, k, mode)
        if as_json:
            record: dict[str, Any] = {"query": text, "hits": [h.to_json() for h in hits]}
            if queries is not None:
                record = {"id": qid, **record}
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            _print_hits(text, hits)


def _print_hits(query: str, hits: list[Any]) -> None:
    table = Table(title=f"search: {query}", show_lines=True)
    for col in ("#", "score", "document", "passage", "text"):
        table.add_column(col, overflow="fold")
    for i, h in enumerate(hits, 1):
        table.add_row(str(i), f"{h.score:.4f}", escape(h.passage.doc_id),
                      escape(h.passage.passage_id), _one_line(h.passage.text, 300))
    console.print(table)


@app.command()
@_guard
def ask(
    question: Annotated[Optional[str], typer.Argument(help="A question.")] = None,
    questions: Annotated[Optional[Path], typer.Option(help='JSONL of {"id","question"} lines.')] = None,
    top_k: Annotated[Optional[int], typer.Option(min=1, help="Passages to read.")] = None,
    top_answers: Annotated[Optional[int], typer.Option(min=1, help="Distinct answers.")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question from the store with the extractive reader."""
    if (question is None) == (questions is None):
        _fail("give a QUESTION or --questions FILE (one of them)")
    _quiet_model_loading()
    from qa.service import QAService

    settings = _settings(store=store)
    service = QAService(settings)
    items = [("", question)] if question is not None else _read_jsonl(questions, ("question",))
    warned = False
    for qid, text in items:
        result = service.ask(text, top_k, top_answers)
        if as_json:
            record = {"question": result["question"], "no_answer": bool(result["no_answer"])
                      if result["reader"] else True, "answers": result["answers"],
                      "reader": result["reader"], "hits": result["hits"]}
            if questions is not None:
                record = {"id": qid, **record}
            print(json.dumps(record, ensure_ascii=False), flush=True)
            continue
        if result["reader"] is None and not warned:
            err_console.print("[yellow]no reader model is configured[/] (set KGQA_READER_MODEL or "
                              "reader_model in kgqa.toml); showing search hits instead")
            warned = True
        _print_answers(result)


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def _print_answers(result: dict[str, Any], max_hits: int | None = None) -> None:
    console.print(f"[bold]Q:[/] {escape(result['question'])}")
    if result["reader"] is None:
        for i, h in enumerate(result["hits"][:max_hits], 1):
            console.print(f"  hit {i} \\[{escape(h['doc_id'])} chars {h['start']}-{h['end']}] "
                          f"{_one_line(h['text'], 140)}", highlight=False)
        return
    if result["no_answer"]:
        console.print("  [italic]no answer: the documents do not say[/]")
        return
    for i, a in enumerate(result["answers"], 1):
        console.print(f"  {i}. [bold green]{escape(a['text'])}[/] (score {a['score']:.2f}) "
                      f"{escape(a['doc_id'])} chars {a['start']}-{a['end']}", highlight=False)


@app.command()
@_guard
def export(
    fmt: Annotated[str, typer.Option("--format", help="graphml, gexf, json or csv.")],
    out: Annotated[Path, typer.Option(help="Output file (csv: a folder).")],
    store: StoreOpt = None,
) -> None:
    """Export the knowledge graph for Gephi, Neo4j or your own analysis."""
    from kg.export import export_graph
    from qa.store import Store

    generation = Store(_settings(store=store).store).open()
    files = export_graph(generation.graph, fmt, out)
    g = generation.graph
    console.print(f"wrote {', '.join(map(str, files))}: {g.number_of_nodes()} nodes, "
                  f"{g.number_of_edges()} edges")


@app.command()
@_guard
def stats(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Counts of the current store generation."""
    from kg.export import graph_stats
    from qa.store import Store

    settings = _settings(store=store)
    generation = Store(settings.store).open()
    m = generation.manifest
    out = {"store": str(settings.store), "generation": generation.name, **m["counts"],
           "models": m["models"], "graph": graph_stats(generation.graph)}
    if as_json:
        print(json.dumps(out))
        return
    c = m["counts"]
    console.print(f"[bold]{settings.store}[/] {generation.name}: {c['documents']} documents, "
                  f"{c['passages']} passages, {c['nodes']} entities, {c['edges']} edges, "
                  f"{c['mentions']} mentions, {c['evidence']} evidence rows")
    console.print("entities by type: " + ", ".join(
        f"{k} {v}" for k, v in out["graph"]["nodes_by_type"].items()))


@app.command()
def config(as_json: JsonOpt = False) -> None:
    """Print the effective settings (defaults < kgqa.toml < KGQA_* env)."""
    settings = _settings()
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
@_guard
def demo(
    corpus: Annotated[Path, typer.Option(help="Folder to ingest.")] = Path("data/sample"),
    questions: Annotated[Path, typer.Option(help="Questions to ask.")] = Path(
        "data/sample_questions.jsonl"),
    out: Annotated[Path, typer.Option(help="Folder for the exports.")] = Path("kgqa-export"),
    store: StoreOpt = None,
) -> None:
    """The main job on the sample corpus: ingest, ask the sample questions, export the graph."""
    started = time.monotonic()
    settings = _settings(store=store)
    _quiet_model_loading()
    from flows.ingest import ingest_flow
    from kg.export import EXPORTERS, export_graph
    from qa.service import QAService

    console.rule("1. ingest")
    report = ingest_flow([str(corpus)], prune=True, settings=settings.model_dump(mode="json"))
    _print_report(report)
    console.rule("2. ask")
    service = QAService(settings)
    if service.reader is None:
        err_console.print("[yellow]no reader model is configured[/] (set KGQA_READER_MODEL); "
                          "showing the top search hit for each question")
    for qid, text in _read_jsonl(questions, ("question",)):
        result = service.ask(text)
        _print_answers(result, max_hits=1)
    console.rule("3. export")
    graph = service.generation.graph
    for fmt in EXPORTERS:
        target = out / ("csv" if fmt == "csv" else f"graph.{fmt}")
        files = export_graph(graph, fmt, target)
        console.print(f"{fmt}: {', '.join(map(str, files))}")
    console.print(f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} edges; "
                  f"done in {time.monotonic() - started:.1f} s")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
