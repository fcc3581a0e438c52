"""Evaluation of the reader alone (closed mode) and of the whole question path (open mode)."""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from kgqa.kg.models import set_torch_threads
from kgqa.qa.ingest import pipeline
from kgqa.qa.ingest.pipeline import ProgressCallback
from kgqa.qa.reader.extractive import ExtractiveReader
from kgqa.qa.reader.verifier import Verifier
from kgqa.qa.settings import Settings
from kgqa.qa.squad import SquadExample, load_squad, squad2_mix, squad_v2_metrics

if TYPE_CHECKING:
    from kgqa.qa.serve.service import QAService

T = TypeVar("T")


def read_margins(
    reader: ExtractiveReader,
    examples: list[SquadExample],
    batch_pairs: int = 32,
    verifier: Verifier | None = None,
) -> tuple[dict[str, str], dict[str, float]]:
    """Each question read with its own paragraph: its best span's text and the span's margin
    over the no-answer score (-inf when there is no span); with ``verifier``, the verifier's
    probability that the span is right instead of the margin."""
    preds: dict[str, str] = {}
    margins: dict[str, float] = {}
    for b in range(0, len(examples), batch_pairs):
        part = examples[b : b + batch_pairs]
        readings = reader.read(
            [e.question for e in part], [e.context for e in part], vectors=verifier is not None
        )
        for e, reading in zip(part, readings):
            span = reading.span
            preds[e.qid] = span.text if span else ""
            margins[e.qid] = span.score if span else float("-inf")
            if verifier is not None and span is not None:
                probability = verifier.of_readings(e.question, [e.context], [reading])[0]
                margins[e.qid] = float("-inf") if probability is None else probability
    return preds, margins


def read_squad(
    reader: ExtractiveReader,
    examples: list[SquadExample],
    threshold: float,
    batch_pairs: int = 32,
    verifier: Verifier | None = None,
) -> dict[str, Any]:
    """SQuAD v2.0 metrics of ``reader``, each question read with its own paragraph, plus the
    number of questions and seconds per question. With ``verifier``, a question is answered
    when the verifier's probability reaches ``threshold``; without, when the reader's margin
    passes it."""
    started = time.perf_counter()
    preds, margins = read_margins(reader, examples, batch_pairs, verifier)
    seconds = time.perf_counter() - started
    # squad_v2_metrics answers above the threshold; the verifier's threshold is inclusive
    at = threshold - 1e-9 if verifier is not None else threshold
    metrics = squad_v2_metrics(examples, preds, margins, at)
    metrics["threshold"] = threshold
    metrics["scored_by"] = "verifier probability" if verifier is not None else "reader margin"
    metrics.update(questions=len(examples), seconds_per_question=seconds / max(1, len(examples)))
    return metrics


def eval_reader(
    settings: Settings, squad: Path, limit: int | None = None, mix: bool = False
) -> dict[str, Any]:
    """SQuAD v2.0 metrics of the configured reader (and its verifier, when it has one and the
    setting verifier is on), each question read with its own paragraph; with ``mix``, on the
    SQuAD 2.0-like mix of the file's questions (``squad2_mix``)."""
    from kgqa.qa.types import QAError

    config = settings.reader()
    if config is None:
        raise QAError("no reader model is configured; set KGQA_READER_MODEL or --reader-model")
    set_torch_threads(settings.torch_threads)
    reader = ExtractiveReader.configured(config)
    reader.warm_up()
    verifier = Verifier.load(config.reader_model) if settings.verifier else None
    threshold = settings.no_answer_threshold
    if verifier is not None:
        threshold = verifier.threshold_in_force(settings.answer_threshold)
    examples = load_squad([squad])[:limit]
    return read_squad(
        reader, squad2_mix(examples) if mix else examples, threshold, verifier=verifier
    )


def paragraphs_as_jsonl(examples: list[SquadExample], path: Path) -> dict[str, str]:
    """Write each distinct paragraph as a JSONL document; returns question id -> document id."""
    ids: dict[tuple[str, str], str] = {}
    owner: dict[str, str] = {}
    with path.open("w") as fh:
        for e in examples:
            key = (e.title, e.context)
            if key not in ids:
                ids[key] = f"{e.title}#p{len(ids)}"
                fh.write(json.dumps({"id": ids[key], "title": e.title, "text": e.context}) + "\n")
            owner[e.qid] = ids[key]
    return owner


@contextlib.contextmanager
def service_over(
    write: Callable[[Path], T],
    settings: Settings,
    store: Path | None,
    extra: list[Path],
    on_progress: ProgressCallback | None,
    reuse: bool = False,
) -> Iterator[tuple[QAService, T]]:
    """A query service over a corpus that ``write`` writes (JSONL, to the path it is given;
    what it returns is yielded beside the service) and ``extra`` inputs, ingested with the
    pipeline into ``store`` or a temporary one; with ``reuse``, a store that already has a
    generation is asked as it is."""
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.store.generations import Store

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "paragraphs.jsonl"
        written = write(corpus)
        s = settings.model_copy(update={"store": store or Path(tmp) / "store"})
        if not reuse or Store(s.store).current_name() is None:
            pipeline.run([corpus, *extra], s, on_progress=on_progress)
        yield QAService(s), written


def eval_qa(
    settings: Settings,
    squad: Path,
    store: Path | None = None,
    limit: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Open mode: ingest the file's paragraphs, ask every question through the query path,
    and report SQuAD v2.0 metrics plus retrieval recall@1/5/10 (hit = the question's paragraph)."""
    examples = load_squad([squad])[:limit]
    write = partial(paragraphs_as_jsonl, examples)
    with service_over(write, settings, store, [], on_progress) as (service, owner):
        s = service.settings
        preds, margins = {}, {}
        recall = {1: 0, 5: 0, 10: 0}
        answerable = 0
        started = time.perf_counter()
        for e in examples:
            hits = service.search(e.question, max(10, s.ask_top_k))
            if e.answers:
                answerable += 1
                docs = [h.passage.doc_id for h in hits]
                for k in recall:
                    recall[k] += owner[e.qid] in docs[:k]
            answers = (
                service.read_hits(e.question, hits[: s.ask_top_k], 1) if service.reader else []
            )
            preds[e.qid] = answers[0].text if answers else ""
            margins[e.qid] = answers[0].score if answers else float("-inf")
        seconds = time.perf_counter() - started
        in_force = service.answer_threshold
    # read_hits already dropped the answers under the threshold in force (the verifier's
    # probability threshold, or a margin): every answer it returned counts as given.
    metrics = squad_v2_metrics(examples, preds, margins, float("-inf"))
    metrics["threshold"] = in_force
    metrics.update({f"recall@{k}": v / max(1, answerable) for k, v in recall.items()})
    metrics.update(questions=len(examples), seconds_per_question=seconds / max(1, len(examples)))
    return metrics


def eval_retrieval(
    settings: Settings,
    squad: Path,
    modes: list[str],
    distractors: Path | None = None,
    store: Path | None = None,
    limit: int | None = None,
    ranks: Path | None = None,
    on_progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Recall@1/5/10/20 and MRR per mode over the answerable questions of a SQuAD file, a hit
    being a passage of the question's own paragraph; the file's paragraphs (and optional
    distractor passages, JSONL) are ingested into a temporary store (or ``store``).

    With ``ranks``, one JSON line per question is written there: its id, text, paragraph
    document and, per mode, the rank of the first passage of that paragraph (null when it is
    not in the top 20), so that misses can be read question by question."""
    examples = [e for e in load_squad([squad]) if e.answers][:limit]
    ks = (1, 5, 10, 20)
    extra = [distractors] if distractors else []
    write = partial(paragraphs_as_jsonl, examples)
    with service_over(write, settings, store, extra, on_progress) as (service, owner):
        passages = service.generation.manifest.counts["passages"]
        out: dict[str, Any] = {"questions": len(examples), "passages": passages, "modes": {}}
        found: dict[str, dict[str, int | None]] = {e.qid: {} for e in examples}
        for mode in modes:
            hits_at = {k: 0 for k in ks}
            reciprocal = 0.0
            started = time.perf_counter()
            for e in examples:
                docs = [h.passage.doc_id for h in service.search(e.question, max(ks), mode)]
                rank = next((i for i, d in enumerate(docs, 1) if d == owner[e.qid]), None)
                found[e.qid][mode] = rank
                if rank is not None:
                    reciprocal += 1.0 / rank
                    for k in ks:
                        hits_at[k] += rank <= k
            seconds = time.perf_counter() - started
            n = max(1, len(examples))
            out["modes"][mode] = {
                **{f"recall@{k}": hits_at[k] / n for k in ks},
                "mrr": reciprocal / n,
                "queries_per_second": n / seconds,
            }
    if ranks is not None:
        ranks.parent.mkdir(parents=True, exist_ok=True)
        with ranks.open("w") as fh:
            fh.writelines(
                json.dumps(
                    {
                        "id": e.qid,
                        "question": e.question,
                        "paragraph": owner[e.qid],
                        "ranks": found[e.qid],
                    },
                    ensure_ascii=False,
                )
                + "\n"
                for e in examples
            )
    return out
