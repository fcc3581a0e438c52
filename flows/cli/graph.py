"""The graph and the store: kgqa export, entity, graph stats and stats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kgqa.flows.cli.common import (
    JsonOpt,
    StoreOpt,
    app,
    cli_settings,
    console,
    guard,
    one_line,
    open_service,
)
from kgqa.kg.export import export_formats, export_graph


@app.command()
@guard
def export(
    fmt: Annotated[str, typer.Option("--format", help=f"{', '.join(export_formats())}.")],
    out: Annotated[Path, typer.Option(help="Output file (csv: a folder).")],
    around: Annotated[
        str | None, typer.Option(help="Only the neighbourhood of this entity.")
    ] = None,
    hops: Annotated[int, typer.Option(min=0, help="Neighbourhood radius (with --around).")] = 1,
    store: StoreOpt = None,
) -> None:
    """Export the knowledge graph (or one entity's neighbourhood) for Gephi, Neo4j, your own
    analysis, or as a picture (png, or an html page with details on hover)."""
    from kgqa.kg.analysis import neighbourhood, resolve_entity
    from kgqa.qa.store.generations import Store

    graph = Store(cli_settings(store=store).store).open().graph
    title = "kgqa graph"
    if around is not None:
        center = resolve_entity(graph, around)
        graph = neighbourhood(graph, center, hops)
        title = f"{graph.nodes[center].get('label', center)}: {hops}-hop neighbourhood"
    files = export_graph(graph, fmt, out, title)
    console.print(
        f"wrote {', '.join(map(str, files))}: {graph.number_of_nodes()} nodes, "
        f"{graph.number_of_edges()} edges"
    )


@app.command()
@guard
def entity(
    name: Annotated[str, typer.Argument(help="An entity name, alias or node id.")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """An entity's aliases, merges (by which rule), mentions and edges with evidence."""
    out = data = open_service(cli_settings(store=store), reader=False).entity(name).to_json()
    node, mentions, edges = out["id"], out["mentions"], out["edges"]
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    if len(out["matches"]) > 1:
        console.print(
            f"{escape(repr(name))} matches {len(out['matches'])} entities; showing "
            "the first (ask by id for another):"
        )
        for m in out["matches"]:
            console.print(
                f"  {escape(m['id'])}: {escape(str(m['name']))} ({m['type']}, "
                f"{m['mention_count']} mentions)",
                highlight=False,
            )
    console.print(
        f"[bold]{escape(data.get('label', node))}[/] ({data.get('type')}) id {node}: "
        f"{data.get('mention_count')} mentions in {data.get('document_count')} documents"
    )
    console.print(f"aliases: {escape(', '.join(data.get('aliases', [])))}")
    if data.get("merged"):
        console.print(f"merged in: {escape('; '.join(data['merged']))}")
    if data.get("also_typed"):
        console.print(
            f"also typed (by the merge rule type-merge: one name, the type with the "
            f"most mentions and typed relations): {', '.join(data['also_typed'])}"
        )
    for m in mentions[:20]:
        console.print(
            f"  mention {escape(repr(m['text']))} in {escape(m['doc_id'])} chars "
            f"{m['start']}-{m['end']}" + (f" (rule {m['rule']})" if m["rule"] else ""),
            highlight=False,
        )
    for e in edges:
        arrow = "->" if e["direction"] == "out" else "<-"
        console.print(
            f"  {arrow} {escape(e['label'])} {escape(str(e['other_name']))} "
            f"(confidence {e['confidence']:.2f}, {len(e['evidence'])} evidence): "
            f"{one_line(e['example'], 120)}",
            highlight=False,
        )


graph_app = typer.Typer(help="Analyse the knowledge graph.", no_args_is_help=True)
app.add_typer(graph_app, name="graph")


@graph_app.command("stats")
@guard
def graph_stats_command(
    top: Annotated[int, typer.Option(min=1, help="How many top entities and communities.")] = 10,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Counts by type, components, top entities by degree and PageRank, Louvain communities."""
    from kgqa.kg.analysis import graph_report
    from kgqa.qa.store.generations import Store

    report = graph_report(Store(cli_settings(store=store).store).open().graph, top)
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    console.print(
        f"[bold]{report['nodes']} entities, {report['edges']} edges[/], "
        f"{report['components']} connected components (largest "
        f"{report['largest_components'][:3]}), {report['isolated_nodes']} isolated"
    )
    console.print("by type: " + ", ".join(f"{k} {v}" for k, v in report["nodes_by_type"].items()))
    console.print(
        "predicates: "
        + ", ".join(f"{k} {v}" for k, v in list(report["edges_by_predicate"].items())[:12])
    )
    console.print(
        "top by degree: "
        + ", ".join(f"{escape(x['name'])} ({x['degree']})" for x in report["top_degree"])
    )
    console.print(
        "top by PageRank: "
        + ", ".join(f"{escape(x['name'])} ({x['pagerank']:.3f})" for x in report["top_pagerank"])
    )
    for i, c in enumerate(report["communities"], 1):
        console.print(f"community {i} ({c['size']}): {escape(', '.join(c['members']))}")


@app.command()
@guard
def stats(
    store: StoreOpt = None,
    questions: Annotated[
        int,
        typer.Option(
            min=0,
            max=10,
            help="Also N questions drawn from the graph that ask answers (each is asked).",
        ),
    ] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Counts of the current store generation and its most mentioned entities."""
    settings = cli_settings(store=store)
    service = open_service(settings, reader=questions > 0)
    out = service.stats()
    first = service.overview(8, questions)
    if questions:
        out["questions"] = first["questions"]
    if as_json:
        print(json.dumps({**out, "top_entities": first["top_entities"]}))
        return
    c = out
    console.print(
        f"[bold]{settings.store}[/] {c['generation']}: {c['documents']} documents, "
        f"{c['passages']} passages, {c['nodes']} entities, {c['edges']} edges, "
        f"{c['mentions']} mentions, {c['evidence']} evidence rows"
    )
    console.print(
        "entities by type: "
        + ", ".join(f"{k} {v}" for k, v in out["graph"]["nodes_by_type"].items())
    )
    console.print(
        "most mentioned: "
        + ", ".join(
            f"{escape(e['name'])} ({e['type']}, {e['mention_count']})"
            for e in first["top_entities"]
        ),
        highlight=False,
    )
    for q in out.get("questions", []):
        console.print(f"  try: kgqa ask {escape(repr(q['question']))}  -> {escape(q['answer'])}")
