"""Training: kgqa train reader, reranker and relations, and kgqa extract."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from kgqa.flows.cli.common import (
    Bf16Opt,
    DevFractionOpt,
    DeviceOpt,
    PrefectOpt,
    TrainDataOpt,
    WarmupOpt,
    app,
    cli_settings,
    console,
    fail,
    guard,
    quiet_model_loading,
    read_records,
    training_settings,
)
from kgqa.qa.settings import ReaderConfig, Settings

train_app = typer.Typer(help="Train models.", no_args_is_help=True)
app.add_typer(train_app, name="train")


@train_app.command("reader")
@guard
def train_reader_command(
    data: TrainDataOpt,
    out: Annotated[Path, typer.Option(help="Output directory.")] = Path("data/reader"),
    base_model: Annotated[
        str, typer.Option(help="Encoder checkpoint to start from.")
    ] = "sentence-transformers/all-MiniLM-L6-v2",
    epochs: Annotated[float, typer.Option(min=0.01)] = 2.0,
    learning_rate: Annotated[float, typer.Option(min=0)] = 1e-4,
    batch_size: Annotated[int, typer.Option(min=1)] = 32,
    max_seq_len: Annotated[int, typer.Option(min=32)] = 256,
    stride: Annotated[int, typer.Option(min=0)] = 96,
    dev_fraction: DevFractionOpt = 0.05,
    seed: Annotated[int, typer.Option(help="Seeds the dev split, initialisation and order.")] = 13,
    data_seed: Annotated[
        int | None,
        typer.Option(
            help="Seeds only the order of training windows (default: --seed); give a new one to "
            "continue from a trained reader (--base-model) on a different order with the "
            "same dev split."
        ),
    ] = None,
    warmup_fraction: WarmupOpt = 0.1,
    max_train_examples: Annotated[
        int | None, typer.Option(help="Subsample for quick runs.")
    ] = None,
    max_dev_examples: Annotated[int | None, typer.Option()] = None,
    negatives: Annotated[
        float,
        typer.Option(
            min=0,
            help="Unanswerable pairs per answerable training question: the question with "
            "another paragraph of its article, labelled no-answer (0: none).",
        ),
    ] = 0.0,
    dev_file: Annotated[
        Path | None,
        typer.Option(
            help="SQuAD file whose articles are the dev split that chooses the checkpoint "
            "by its F1 at the best no-answer threshold (instead of --dev-fraction); never "
            "trained on."
        ),
    ] = None,
    exclude: Annotated[
        list[Path] | None,
        typer.Option(help="SQuAD file whose articles are never trained on (repeatable)."),
    ] = None,
    report: Annotated[
        list[Path] | None,
        typer.Option(help="SQuAD file reported at each evaluation, never trained on (repeatable)."),
    ] = None,
    focus: Annotated[
        str | None,
        typer.Option(
            help="squad2: every question of the SQuAD 2.0 part of the training articles, plus "
            "--others questions of the other sources per such question."
        ),
    ] = None,
    others: Annotated[
        float, typer.Option(min=0, help="With --focus: other-source questions per focus question.")
    ] = 0.0,
    freeze_layers: Annotated[
        int, typer.Option(min=0, help="Freeze the embeddings and this many lower encoder layers.")
    ] = 0,
    eval_every: Annotated[
        int,
        typer.Option(min=0, help="Also evaluate every N steps (0: at the end of each epoch only)."),
    ] = 0,
    device: DeviceOpt = None,
    bf16: Bf16Opt = False,
    prefect: PrefectOpt = True,
) -> None:
    """Fine-tune an extractive reader (a Prefect flow); resumes if OUT/checkpoint exists."""
    for path in [dev_file, *(exclude or []), *(report or [])]:
        if path is not None and not path.is_file():
            fail(f"{path}: no such file")
    settings = training_settings(data)
    from kgqa.qa.training.reader import TrainConfig

    config = TrainConfig(
        data=[str(p) for p in data],
        out=str(out),
        base_model=base_model,
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
        max_seq_len=max_seq_len,
        stride=stride,
        dev_fraction=dev_fraction,
        seed=seed,
        data_seed=data_seed,
        warmup_fraction=warmup_fraction,
        max_train_examples=max_train_examples,
        max_dev_examples=max_dev_examples,
        negatives=negatives,
        dev_file=str(dev_file) if dev_file else None,
        exclude=[str(p) for p in exclude or []],
        report=[str(p) for p in report or []],
        focus=focus,
        others=others,
        freeze_layers=freeze_layers,
        eval_every=eval_every,
        device=device or settings.device,
        bf16=bf16,
        command="kgqa " + " ".join(sys.argv[1:]),
    )
    from dataclasses import asdict

    from kgqa.flows import tether_prefect_server
    from kgqa.flows.train import train_reader_flow

    if prefect:
        tether_prefect_server()
    run = train_reader_flow if prefect else train_reader_flow.fn
    result = run(asdict(config))
    best = result.get("best") or {}
    console.print(f"best dev F1 {best.get('f1', float('nan')):.1f}; model in {out}")


@train_app.command("split")
@guard
def train_split_command(
    data: Annotated[Path, typer.Option("--data", help="kgqa's SQuAD-format training file.")],
    out: Annotated[Path, typer.Option(help="SQuAD file to write the held-out articles to.")],
    fraction: Annotated[
        float, typer.Option(min=0.01, max=0.9, help="Share of the SQuAD 2.0 part's articles.")
    ] = 0.1,
    seed: int = 13,
    skip: Annotated[
        list[Path] | None,
        typer.Option(help="SQuAD file whose articles are not chosen (repeatable)."),
    ] = None,
) -> None:
    """Hold out whole articles of the SQuAD 2.0 part (with their adversarial unanswerable
    questions) as a SQuAD file: the reader's dev split, or the verifier's."""
    training_settings([data, *(skip or [])])
    from kgqa.qa.squad import hold_out_articles, load_squad, write_squad

    examples = load_squad([data])
    skipped = {e.title for path in skip or [] for e in load_squad([path])}
    titles = set(hold_out_articles(examples, fraction, seed, skipped))
    chosen = [e for e in examples if e.title in titles]
    write_squad(chosen, out)
    console.print(
        f"{len(chosen)} questions ({sum(e.is_impossible for e in chosen)} "
        f"unanswerable) of {len(titles)} articles: {', '.join(sorted(titles))}; in {out}"
    )


@train_app.command("reranker")
@guard
def train_reranker_command(
    data: TrainDataOpt,
    out: Annotated[Path, typer.Option(help="Output directory (a CrossEncoder checkpoint).")],
    base_model: Annotated[
        str, typer.Option(help="Encoder checkpoint to start from.")
    ] = "sentence-transformers/all-MiniLM-L6-v2",
    epochs: Annotated[float, typer.Option(min=0.01)] = 1.0,
    learning_rate: Annotated[float, typer.Option(min=0)] = 5e-5,
    questions_per_batch: Annotated[int, typer.Option(min=1)] = 8,
    negatives: Annotated[int, typer.Option(min=1, help="Hard negatives per question.")] = 3,
    negative_pool: Annotated[
        int, typer.Option(min=1, help="BM25 depth the negatives are drawn from.")
    ] = 10,
    max_seq_len: Annotated[int, typer.Option(min=32)] = 256,
    dev_fraction: DevFractionOpt = 0.05,
    seed: Annotated[
        int, typer.Option(help="Seeds the dev split (as train reader), initialisation and order.")
    ] = 13,
    warmup_fraction: WarmupOpt = 0.1,
    max_train_questions: Annotated[int | None, typer.Option(help="Subsample.")] = None,
    max_dev_questions: Annotated[int, typer.Option(min=1)] = 300,
    device: DeviceOpt = None,
    bf16: Bf16Opt = False,
    prefect: PrefectOpt = True,
) -> None:
    """Fine-tune a cross-encoder for the +cross search modes (set KGQA_CROSS_ENCODER to OUT)."""
    settings = training_settings(data)
    from dataclasses import asdict

    from kgqa.flows import tether_prefect_server
    from kgqa.flows.train import train_reranker_flow
    from kgqa.qa.training.reranker import CrossTrainConfig

    config = CrossTrainConfig(
        data=[str(p) for p in data],
        out=str(out),
        base_model=base_model,
        epochs=epochs,
        learning_rate=learning_rate,
        questions_per_batch=questions_per_batch,
        negatives=negatives,
        negative_pool=negative_pool,
        max_seq_len=max_seq_len,
        dev_fraction=dev_fraction,
        seed=seed,
        warmup_fraction=warmup_fraction,
        max_train_questions=max_train_questions,
        max_dev_questions=max_dev_questions,
        device=device or settings.device,
        bf16=bf16,
        command="kgqa " + " ".join(sys.argv[1:]),
    )
    if prefect:
        tether_prefect_server()
    run = train_reranker_flow if prefect else train_reranker_flow.fn
    result = run(asdict(config))
    console.print(
        f"dev accuracy@1 {result['dev']['accuracy@1']:.3f} (untrained head "
        f"{result['dev_before']['accuracy@1']:.3f}); model in {out}"
    )


# options of the commands that read with a reader and its verifier
SwapsOpt = Annotated[
    bool,
    typer.Option(
        help="Also read each answerable question with one of its names or numbers swapped for "
        "one its paragraph never mentions (found with the setting spacy_model).",
    ),
]
PassagesOpt = Annotated[int, typer.Option(min=1, help="Passages of an open-like read.")]
ReaderWorkersOpt = Annotated[
    int, typer.Option(min=1, help="Reader processes (one torch thread each).")
]


def _reader_folder(settings: Settings, reader: Path | None, why: str) -> tuple[Path, ReaderConfig]:
    """The reader folder (``--reader``, else the setting reader_model) and how it reads; a
    clear error, ``why`` it must be a folder, when it is none."""
    folder = reader or (Path(settings.reader_model) if settings.reader_model else None)
    if folder is None or not folder.is_dir():
        fail(why)
    config = settings.model_copy(update={"reader_model": str(folder)}).reader()
    assert config is not None
    return folder, config


@train_app.command("verifier")
@guard
def train_verifier_command(
    data: Annotated[
        list[Path],
        typer.Option("--data", help="SQuAD file whose questions train the verifier (repeatable)."),
    ],
    dev: Annotated[
        Path,
        typer.Option(
            help="SQuAD file (the dev split): the calibration, the "
            "threshold and the answer margin are chosen on it."
        ),
    ],
    reader: Annotated[
        Path | None,
        typer.Option(
            help="Reader folder; verifier.json is written there (default: setting reader_model)."
        ),
    ] = None,
    others: Annotated[
        Path | None,
        typer.Option(help="SQuAD file to draw questions of other sources from (not SQuAD 2.0)."),
    ] = None,
    others_count: Annotated[int, typer.Option(min=0, help="How many of them.")] = 0,
    report: Annotated[
        list[Path] | None, typer.Option(help="SQuAD file to report beside dev (repeatable).")
    ] = None,
    passages: PassagesOpt = 3,
    workers: ReaderWorkersOpt = 2,
    l2: Annotated[
        float, typer.Option(min=0, help="L2 penalty of the weights on the reader's vectors.")
    ] = 1000.0,
    l2_scalars: Annotated[
        list[float] | None,
        typer.Option(
            min=0,
            help="L2 penalty of the weights on the scalar features (repeatable: each is "
            "tried, the dev split's F1 chooses; default 1000 and 100).",
        ),
    ] = None,
    seed: int = 13,
    swaps: SwapsOpt = True,
) -> None:
    """Train the answer verifier on the reader's own outputs: it gives every answer a
    calibrated probability of being right, and kgqa shows no answer under its threshold."""
    settings = training_settings([*data, dev, *([others] if others else []), *(report or [])])
    folder, reader_config = _reader_folder(
        settings,
        reader,
        "the verifier is saved beside a reader folder: give --reader DIR (or set "
        "reader_model to a folder)",
    )
    from kgqa.qa.training.verifier import VerifierTraining, train_verifier

    record = train_verifier(
        VerifierTraining(
            reader=str(folder),
            train=[str(p) for p in data],
            dev=str(dev),
            others=str(others) if others else None,
            others_count=others_count,
            report=tuple(str(p) for p in report or []),
            passages=passages,
            workers=workers,
            l2=l2,
            l2_scalars=tuple(l2_scalars) if l2_scalars else VerifierTraining.l2_scalars,
            seed=seed,
            spacy_model=settings.spacy_model if swaps else None,
            command="kgqa " + " ".join(sys.argv[1:]),
            cache=settings.cache_dir,
        ),
        reader_config,
        progress=console.print,
    )
    for name, r in {"dev_split": record["dev_split"], **record["reports"]}.items():
        console.print(
            f"{name}: closed F1 {r['closed']['f1']:.1f} (HasAns "
            f"{r['closed']['HasAns_f1']:.1f}, NoAns {r['closed']['NoAns_accuracy']:.1f}"
            f"%), open-like F1 {r['open']['f1']:.1f}, answer-removed abstention "
            f"{r['removed']['NoAns_accuracy']:.1f}%"
            + (
                f", name-swapped abstention {r['swapped']['NoAns_accuracy']:.1f}%"
                if r["swapped"]["questions"]
                else ""
            )
            + f", ECE {r['ece']:.3f}"
        )
    console.print(
        f"scalar L2 {record['l2_scalars']} (dev F1 {record['l2_scalars_dev_f1']}), threshold "
        f"{record['threshold']}, answer margin {record['answer_margin']}; "
        f"saved in {folder}/verifier.json"
    )


@train_app.command("calibration")
@guard
def train_calibration_command(
    data: Annotated[
        list[Path],
        typer.Option(
            "--data",
            help="SQuAD file the reader never trained on, whose reads fit the scaling "
            "(repeatable).",
        ),
    ],
    reader: Annotated[
        Path | None,
        typer.Option(help="Reader folder with verifier.json (default: setting reader_model)."),
    ] = None,
    passages: PassagesOpt = 3,
    workers: ReaderWorkersOpt = 2,
    swaps: SwapsOpt = True,
) -> None:
    """Fit the verifier's probabilities again on text the reader never saw, keeping which best
    answers are shown (the threshold moves to the same cut), and choose there again the margin
    within which further answers are shown."""
    settings = training_settings(list(data))
    folder, reader_config = _reader_folder(
        settings, reader, "give --reader DIR: the folder of a reader with its verifier.json"
    )
    from kgqa.qa.training.calibration import recalibrate

    r = recalibrate(
        str(folder),
        [str(p) for p in data],
        reader_config,
        passages,
        workers,
        spacy_model=settings.spacy_model if swaps else None,
        command="kgqa " + " ".join(sys.argv[1:]),
        progress=console.print,
        cache=settings.cache_dir,
    )
    console.print(
        f"{r['candidates']} answers ({r['right']} right): ECE {r['ece_before']:.3f} -> "
        f"{r['ece']:.3f} ({r['ece_fitted_on_the_other_half']:.3f} for each half fitted on the "
        f"other); threshold {r['threshold_before']} -> {r['threshold']} (the same best answers "
        f"shown); margin for further answers {r['answer_margin_before']} -> "
        f"{r['answer_margin']}; saved in {folder}/verifier.json"
    )


@train_app.command("relations")
@guard
def train_relations_command(
    data: Annotated[Path, typer.Option(help="CoNLL04 JSON (or kgqa JSONL) of labelled sentences.")],
    extra: Annotated[
        list[Path] | None,
        typer.Option(
            help="kgqa JSONL of sentences labelled with the whole schema (repeatable); make them "
            "with `kgqa train relation-data`."
        ),
    ] = None,
    dev: Annotated[
        Path | None, typer.Option(help="CoNLL04 dev sentences: chooses the epoch.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("data/relations"),
    base_model: Annotated[
        str, typer.Option(help="Encoder to start from.")
    ] = "sentence-transformers/all-MiniLM-L6-v2",
    layers: Annotated[
        int, typer.Option(min=0, help="Keep the encoder's first N layers (0: all).")
    ] = 0,
    init: Annotated[
        Path | None, typer.Option(help="Start from this joint model's weights (a second stage).")
    ] = None,
    epochs: Annotated[int, typer.Option(min=1)] = 15,
    extra_per_epoch: Annotated[
        int, typer.Option(min=0, help="Extra sentences drawn per epoch (0: all).")
    ] = 0,
    learning_rate: Annotated[float, typer.Option(min=0)] = 1e-4,
    batch_size: Annotated[int, typer.Option(min=1)] = 8,
    seed: int = 13,
    device: DeviceOpt = None,
    keep_epochs: Annotated[
        bool,
        typer.Option(
            "--keep-epochs",
            help="Also save every epoch's weights in OUT/epoch-N (to choose on other dev data).",
        ),
    ] = False,
    bf16: Bf16Opt = False,
) -> None:
    """Train the joint entity and relation model (resumes from OUT/checkpoint)."""
    settings = training_settings([data, *(extra or [])] + ([dev] if dev is not None else []))
    from kgqa.qa.training.relations import RelationTraining, train_relation_model

    metrics = train_relation_model(
        RelationTraining(
            data=data,
            extra=list(extra or []),
            dev=dev,
            out=out,
            base_model=base_model,
            epochs=epochs,
            learning_rate=learning_rate,
            batch_size=batch_size,
            seed=seed,
            command="kgqa " + " ".join(sys.argv[1:]),
            device=device or settings.device,
            layers=layers,
            extra_per_epoch=extra_per_epoch,
            init=init,
            keep_epochs=keep_epochs,
            bf16=bf16,
        ),
        progress=console.print,
    )
    best = metrics.get("best") or {}
    if "dev" in best:
        r, e = best["dev"]["relations"], best["dev"]["entities"]
        console.print(
            f"best epoch {best['epoch']}: dev relations P {r['precision']:.1f} "
            f"R {r['recall']:.1f} F1 {r['f1']:.1f}; entities F1 {e['f1']:.1f}"
        )


@train_app.command("relations-soup")
@guard
def train_relations_soup_command(
    models: Annotated[
        list[Path],
        typer.Argument(
            help="Joint model folders fine-tuned from one start (OUT or OUT/epoch-N of "
            "kgqa train relations --keep-epochs)."
        ),
    ],
    out: Annotated[Path, typer.Option(help="Output folder.")],
    dev: Annotated[
        Path | None,
        typer.Option(help="CoNLL04 dev sentences: choose the relation threshold and report."),
    ] = None,
) -> None:
    """Average the weights of joint relation models (a uniform model soup) into one model;
    without --dev it keeps the first model's relation threshold."""
    training_settings([dev] if dev is not None else [])
    from kgqa.qa.training.soup import soup_relation_models

    metrics = soup_relation_models(
        models, out, dev, "kgqa " + " ".join(sys.argv[1:]), progress=console.print
    )
    if "dev" in metrics:
        r, e = metrics["dev"]["relations"], metrics["dev"]["entities"]
        console.print(
            f"dev relations P {r['precision']:.1f} R {r['recall']:.1f} F1 {r['f1']:.1f}; "
            f"entities F1 {e['f1']:.1f} (threshold {metrics['threshold']['chosen']})"
        )


@train_app.command("relation-data")
@guard
def train_relation_data_command(
    out: Annotated[Path, typer.Option(help="JSONL to write.")] = Path("build/relation_extra.jsonl"),
    fewrel: Annotated[Path | None, typer.Option(help="FewRel 1.0 JSON (val_wiki.json).")] = None,
    twowiki: Annotated[
        Path | None, typer.Option(help="2WikiMultiHopQA JSONL with evidence triples.")
    ] = None,
    written: Annotated[
        Path | None,
        typer.Option(help="Sentences in [Name|Type] markup (data/relations/written.txt)."),
    ] = None,
    written_copies: Annotated[
        int, typer.Option(min=1, help="Copies of each written sentence.")
    ] = 1,
    written_variants: Annotated[
        int,
        typer.Option(
            min=0, help="Variants of each written sentence with made-up names of the same types."
        ),
    ] = 0,
    squad: Annotated[
        Path | None,
        typer.Option(help="SQuAD JSON whose contexts are searched for relation patterns."),
    ] = None,
    multihop: Annotated[
        list[Path] | None,
        typer.Option(help="Multi-hop JSONL whose paragraphs are searched for relation patterns."),
    ] = None,
    per_relation: Annotated[
        int, typer.Option(min=1, help="Most FewRel sentences a relation.")
    ] = 300,
) -> None:
    """Sentences labelled with the relations CoNLL04 lacks, for `kgqa train relations --extra`."""
    settings = training_settings(
        [p for p in (fewrel, twowiki, written, squad, *(multihop or [])) if p is not None]
    )
    from kgqa.qa.training.relation_data import build_relation_data

    counts = build_relation_data(
        out,
        fewrel,
        twowiki,
        written,
        per_relation,
        settings.spacy_model,
        progress=console.print,
        squad=squad,
        multihop=list(multihop or []),
        written_copies=written_copies,
        written_variants=written_variants,
    )
    console.print(f"{sum(counts.values())} sentences written to {out}")


@app.command()
@guard
def extract(
    file: Annotated[Path, typer.Argument(help='JSONL of {"id","text"} lines.')],
    relation_model: Annotated[str | None, typer.Option(help="Relation model folder.")] = None,
) -> None:
    """Entities and typed relations of each text: one JSON line per input line."""
    from kgqa.kg.relations import SchemaExtractor

    settings = cli_settings(relation_model=relation_model)
    quiet_model_loading()
    extractor = SchemaExtractor(
        settings.relation_model,
        settings.device,
        settings.relation_precision,
        settings.relation_batch_size,
        settings.relation_threshold,
    )
    records = read_records(file, ("text",))
    for b in range(0, len(records), 64):
        part = records[b : b + 64]
        for (rid, _), result in zip(part, extractor([r["text"] for _, r in part])):
            print(json.dumps({"id": rid, **result}, ensure_ascii=False))
