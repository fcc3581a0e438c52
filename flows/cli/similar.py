"""What else is like this: kgqa similar."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kgqa.flows.cli.common import (
    JsonOpt,
    StoreOpt,
    app,
    cli_settings,
    console,
    fail,
    guard,
    one_line,
    open_service,
)
from kgqa.qa.choices import DOCUMENT_MEASURES

if TYPE_CHECKING:
    from kgqa.qa.retrieval.similar import SimilarResults


@app.command()
@guard
def similar(
    passage: Annotated[
        str | None, typer.Option(help="A passage id (DOC#N): nearest passages.")
    ] = None,
    doc: Annotated[str | None, typer.Option(help="A document id: nearest documents.")] = None,
    text: Annotated[str | None, typer.Option(help="Free text: nearest passages.")] = None,
    entity: Annotated[
        str | None, typer.Option(help="An entity name or id: entities whose contexts are alike.")
    ] = None,
    duplicates: Annotated[
        bool, typer.Option("--duplicates", help="List near-identical passages across documents.")
    ] = False,
    k: Annotated[
        int,
        typer.Option(
            min=1,
            max=200,
            help="How many neighbours (--duplicates: of each passage, so the work stays "
            "passages x k).",
        ),
    ] = 10,
    by: Annotated[
        str,
        typer.Option(
            help=f"Documents compared by their passages' {' or '.join(DOCUMENT_MEASURES)} vector "
            "(mean) or their best pair of passages (max)."
        ),
    ] = "mean",
    graph: Annotated[
        bool,
        typer.Option(
            "--graph",
            help="Entities: blend in graph proximity (personalised PageRank; setting "
            "similar_graph_weight).",
        ),
    ] = False,
    threshold: Annotated[
        float, typer.Option(help="--duplicates: the least cosine similarity of a pair.")
    ] = 0.95,
    limit: Annotated[
        int, typer.Option(min=1, max=10_000, help="--duplicates: pairs shown (one page).")
    ] = 100,
    offset: Annotated[int, typer.Option(min=0, help="--duplicates: pairs skipped first.")] = 0,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Nearest passages (--passage, --text), documents (--doc) or entities (--entity), or
    near-duplicate passages (--duplicates), by the embeddings already in the store."""
    given = [
        name
        for name, value in (
            ("--passage", passage),
            ("--doc", doc),
            ("--text", text),
            ("--entity", entity),
        )
        if value is not None
    ]
    if duplicates:
        given.append("--duplicates")
    if len(given) != 1:
        fail(
            "give exactly one of --passage ID, --doc ID, --text TEXT, --entity NAME or "
            f"--duplicates{f' (got {len(given)}: ' + ', '.join(given) + ')' if given else ''}"
        )
    settings = cli_settings(store=store)
    similarity = open_service(settings, reader=False).similarity()
    if duplicates:
        # each passage's k nearest neighbours (--k), kept when over the threshold
        result = similarity.duplicates(threshold, neighbours=k, limit=limit, offset=offset)
    else:
        result = similarity.find(
            k,
            passage=passage,
            doc=doc,
            text=text,
            entity=entity,
            by=by,
            graph_weight=settings.similar_graph_weight if graph else 0.0,
        )
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print_similar(result)


def print_similar(result: SimilarResults) -> None:
    table = Table(title=f"like {result.kind} {result.query}", show_lines=True)
    rows = result.results
    if result.kind in ("passage", "text"):
        columns = ("#", "score", "passage", "text")
        cells = [
            [
                escape(r["passage_id"]) + (f" (page {r['page']})" if "page" in r else ""),
                one_line(r["text"], 200),
            ]
            for r in rows
        ]
    elif result.kind == "document":
        columns = ("#", "score", "document", "title")
        cells = [[escape(r["doc_id"]), escape(r["title"] or "")] for r in rows]
    elif result.kind == "entity":
        columns = ("#", "score", "entity", "type")
        cells = [
            [f"{escape(r['name'])} ({escape(r['id'])})", escape(r["type"] or "")] for r in rows
        ]
    else:
        columns = ("#", "score", "passage", "near-identical passage")
        cells = [[escape(r["a"]["passage_id"]), escape(r["b"]["passage_id"])] for r in rows]
    for column in columns:
        table.add_column(column, overflow="fold")
    for i, (r, cell) in enumerate(zip(rows, cells), 1):
        table.add_row(str(i), f"{r['score']:.3f}", *cell)
    if rows:
        console.print(table)
    else:
        console.print(f"nothing like {escape(result.query)} in {result.generation}")
