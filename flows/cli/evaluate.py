"""Evaluation: kgqa eval reader, qa, retrieval and relations."""

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
    app,
    cli_settings,
    console,
    guard,
    one_line,
    print_metrics,
    quiet_model_loading,
)
from kgqa.qa.choices import RETRIEVAL_MODES

eval_app = typer.Typer(help="Measure models and the question path.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("relations")
@guard
def eval_relations_command(
    conll04: Annotated[Path, typer.Option(help="CoNLL04 JSON (or kgqa JSONL) with gold labels.")],
    relation_model: Annotated[str | None, typer.Option(help="Relation model folder.")] = None,
    limit: Annotated[int | None, typer.Option(help="First N sentences only.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Strict relation P/R/F1 (exact head and tail spans and type) and entity F1 of the joint
    model; on CoNLL04 JSON a predicted label counts as the CoNLL04 labels it implies."""
    from kgqa.kg.joint import JointModel, default_joint_model
    from kgqa.kg.relations import evaluate_relations, load_sentences

    settings = cli_settings(relation_model=relation_model)
    quiet_model_loading()
    started = time.monotonic()
    sentences = load_sentences(conll04)[:limit]
    model = JointModel(
        Path(settings.relation_model or default_joint_model()),
        settings.device,
        settings.relation_precision,
        relation_threshold=settings.relation_threshold,
    )
    metrics = evaluate_relations(model, sentences, conll04=not str(conll04).endswith(".jsonl"))
    metrics["seconds"] = round(time.monotonic() - started, 2)
    if as_json:
        print(json.dumps(metrics))
        return
    for part in ("relations", "entities"):
        m = metrics[part]
        console.print(
            f"{part}: precision {m['precision']:.1f} recall {m['recall']:.1f} F1 {m['f1']:.1f}"
        )
    console.print(f"{metrics['sentences']} sentences in {metrics['seconds']} s")


@eval_app.command("graph")
@guard
def eval_graph_command(
    gold: Annotated[Path, typer.Option(help="Gold entities and triples (JSON; see docs).")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Triple precision and recall and node purity of a store's graph against gold facts."""
    from kgqa.kg.gold import evaluate_graph, load_gold
    from kgqa.qa.store.generations import Store

    result = evaluate_graph(Store(cli_settings(store=store).store).open().graph, load_gold(gold))
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    t, n = result["triples"], result["nodes"]
    for w in t["wrong"]:
        console.print(
            f"  wrong: {w['head']} {w['relation']} {w['tail']}: {one_line(w['example'], 100)}",
            highlight=False,
        )
    for m in t["missed"]:
        console.print(f"  missed: {m['head']} {m['relation']} {m['tail']}", highlight=False)
    for i in n["impure"]:
        console.print(f"  impure node {i['node']}: {', '.join(i['stands_for'])}", highlight=False)
    for name, nodes in {**n["split_entities"], **n["split_by_type"]}.items():
        console.print(f"  split: {name}: {', '.join(nodes)}", highlight=False)
    console.print(
        f"triples: precision {t['precision']:.3f} ({t['right']}/{t['predicted']}), "
        f"recall {t['recall']:.3f} ({t['found']}/{t['gold']}); node purity "
        f"{n['purity']:.3f} ({n['pure']}/{n['matching']})"
    )


@eval_app.command("retrieval")
@guard
def eval_retrieval_command(
    squad: Annotated[Path, typer.Option(help="SQuAD-format file.")],
    distractors: Annotated[Path | None, typer.Option(help="Extra passages (JSONL).")] = None,
    modes: Annotated[str, typer.Option(help="Comma-separated search modes.")] = ",".join(
        RETRIEVAL_MODES.names()
    ),
    store: StoreOpt = None,
    limit: Annotated[int | None, typer.Option(help="First N answerable questions.")] = None,
    ranks: Annotated[
        Path | None,
        typer.Option(help="Write each question's rank per mode (JSONL; null = not in the top 20)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Recall@1/5/10/20 and MRR per retrieval mode (hit = a passage of the question's paragraph)."""
    quiet_model_loading()
    from kgqa.flows.progress import ProgressBar
    from kgqa.qa.evaluation.evaluate import eval_retrieval

    with ProgressBar(not as_json) as on_progress:
        result = eval_retrieval(
            cli_settings(),
            squad,
            [m.strip() for m in modes.split(",")],
            distractors,
            store,
            limit,
            ranks,
            on_progress,
        )
    if as_json:
        print(json.dumps(result))
        return
    table = Table(
        title=f"retrieval: {result['questions']} questions, {result['passages']} passages"
    )
    for col in ("mode", "R@1", "R@5", "R@10", "R@20", "MRR", "q/s"):
        table.add_column(col, justify="right")
    for mode, m in result["modes"].items():
        table.add_row(
            mode,
            *(f"{m[k]:.3f}" for k in ("recall@1", "recall@5", "recall@10", "recall@20", "mrr")),
            f"{m['queries_per_second']:.1f}",
        )
    console.print(table)


@eval_app.command("reader")
@guard
def eval_reader_command(
    squad: Annotated[Path, typer.Option(help="SQuAD-format file.")],
    reader_model: Annotated[
        str | None, typer.Option(help="Checkpoint (setting reader_model).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="First N questions only.")] = None,
    mix: Annotated[
        bool,
        typer.Option(
            "--mix",
            help="Add, for each answerable question, the question paired with another "
            "paragraph of its article, unanswerable (a SQuAD 2.0-like mix).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """SQuAD v2.0 EM/F1 of the reader, each question read with its own paragraph."""
    quiet_model_loading()
    from kgqa.qa.evaluation.evaluate import eval_reader

    print_metrics(eval_reader(cli_settings(reader_model=reader_model), squad, limit, mix), as_json)


@eval_app.command("qa")
@guard
def eval_qa_command(
    squad: Annotated[Path, typer.Option(help="SQuAD-format file.")],
    store: StoreOpt = None,
    reader_model: Annotated[
        str | None, typer.Option(help="Checkpoint (setting reader_model).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="First N questions only.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Open mode: ingest the file's paragraphs, ask every question, report EM/F1 and recall."""
    quiet_model_loading()
    from kgqa.qa.evaluation.evaluate import eval_qa

    settings = cli_settings(reader_model=reader_model)
    from kgqa.flows.progress import ProgressBar

    with ProgressBar(not as_json) as on_progress:
        metrics = eval_qa(settings, squad, store=store, limit=limit, on_progress=on_progress)
    print_metrics(metrics, as_json)


@eval_app.command("multihop")
@guard
def eval_multihop_command(
    data: Annotated[
        Path, typer.Option(help="Multi-hop JSONL: question, answers, paragraphs (see docs).")
    ],
    store: StoreOpt = None,
    limit: Annotated[int | None, typer.Option(help="First N questions only.")] = None,
    answers: Annotated[
        Path | None,
        typer.Option(help="Write each question's answer, scores and path here (JSONL)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Pool the file's paragraphs into one store (built unless --store has one), ask every
    question, and report answer EM/F1 and supporting-paragraph recall@5 (of the passages the
    answer used, and of BM25 + dense retrieval alone), per source and per type."""
    quiet_model_loading()
    from kgqa.flows.progress import ProgressBar
    from kgqa.qa.evaluation.multihop import eval_multihop

    with ProgressBar(not as_json) as on_progress:
        result = eval_multihop(cli_settings(), data, store, limit, on_progress, answers)
    if as_json:
        print(json.dumps(result))
        return
    table = Table(title=f"multi-hop: {data.name}")
    for col in ("group", "questions", "EM", "F1", "R@5 answer", "R@5 hybrid", "multi-hop %"):
        table.add_column(col, justify="right")
    for group, m in result.items():
        if isinstance(m, dict):
            table.add_row(
                group,
                str(m["questions"]),
                f"{m['em']:.1f}",
                f"{m['f1']:.1f}",
                f"{m['recall@5']:.3f}",
                f"{m['hybrid_recall@5']:.3f}",
                f"{m['multihop']:.0f}",
            )
    console.print(table)
    console.print(f"ask p50: {result['ask_p50_seconds']} s")
