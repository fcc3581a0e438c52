"""Fit the reader's calibration (``qa/reader/calibration.py``) on a calibration split.

The split is whole articles of a SQuAD-format training file, none of them in the file given
as ``exclude`` (the reader's dev split), sampled with a seed. Their paragraphs are ingested
into a temporary store, and each answerable question is asked twice, as open-mode ``ask``
reads: once over its top passages (answerable), once over the top passages of *other*
articles (its own article left out: unanswerable, the case of a question the documents do not
answer). Every candidate span becomes a row of features, labelled by exact match with a gold
answer. A logistic model is fitted on the rows; then the pooling of copies (max or noisy-or)
and the threshold are chosen for the best mean F1 over the mix of both kinds of question.
The same questions are then read in closed mode, each with its own paragraph and with another
paragraph of its article (a SQuAD 2.0-like mix), and the no-answer margin with the best F1
there is saved for uncalibrated answers (``no_answer_threshold = "fitted"`` uses it).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.qa.evaluation.evaluate import read_margins, service_over
from kgqa.qa.reader.calibration import (
    Calibration,
    candidate_features,
    choose_threshold,
    fit_logistic,
)
from kgqa.qa.settings import Settings
from kgqa.qa.squad import (
    SquadExample,
    compute_exact,
    compute_f1,
    load_squad,
    normalize_answer,
    squad2_mix,
    squad_v2_metrics,
)


def calibration_split(data: Path, exclude: Path | None, articles: int, questions: int,
                      seed: int) -> list[SquadExample]:
    """Answerable questions of ``articles`` whole articles of ``data`` (none in ``exclude``),
    at most ``questions`` of them, as evenly spread over the articles as they allow, sampled
    with ``seed``."""
    examples = load_squad([data])
    banned = {e.title for e in load_squad([exclude])} if exclude is not None else set()
    titles = sorted({e.title for e in examples} - banned)
    rng = random.Random(seed)
    chosen = set(rng.sample(titles, min(articles, len(titles))))
    kept = [e for e in examples if e.title in chosen]
    # Questions are taken from the articles in turn (each article's in random order), so that no
    # article dominates: one "article" of the training file is thousands of Reddit comments.
    by_article: dict[str, list[SquadExample]] = defaultdict(list)
    for e in kept:
        if e.answers:
            by_article[e.title].append(e)
    queues = [rng.sample(found, len(found)) for _, found in sorted(by_article.items())]
    asked: set[str] = set()
    while len(asked) < questions and any(queues):
        for queue in queues:
            if queue and len(asked) < questions:
                asked.add(queue.pop().qid)
    # every paragraph of the chosen articles is in the corpus; only sampled questions are asked
    return [e if e.qid in asked else SquadExample(e.qid, e.title, e.context, "", ())
            for e in kept]


def fit_calibration(settings: Settings, data: Path, exclude: Path | None, out: Path,
                    articles: int, questions: int, seed: int) -> dict[str, Any]:
    """Fit and save ``out/calibration.json``; returns what was measured."""
    started = time.perf_counter()
    split = calibration_split(data, exclude, articles, questions, seed)
    asked = [e for e in split if e.question]
    # ingest without relation extraction: reading does not use the graph in the default mode
    s = settings.model_copy(update={"relation_extractors": ["dependency"],
                                    "calibrated_scores": False})
    rows: list[list[float]] = []
    labels: list[int] = []
    per_question: list[tuple[bool, list[tuple[str, int, float]]]] = []
    with service_over(split, s, None, [], None) as (service, owner):
        assert service.reader is not None, "calibration needs a reader (setting reader_model)"
        k = s.ask_top_k
        for e in asked:
            golds = [t for t, _ in e.answers]
            hits = service.search(e.question, k + 40)
            own = owner[e.qid].rsplit("#p", 1)[0]
            for answerable, chosen in ((True, hits[:k]),
                                       (False, [h for h in hits
                                                if h.passage.doc_id.rsplit("#p", 1)[0] != own][:k])):
                spans = service.reader(e.question, [h.passage.text for h in chosen])
                cands = []
                for rank, (hit, (span, null)) in enumerate(zip(chosen, spans)):
                    if span is None or not span.text.strip():
                        continue
                    right = answerable and max(compute_exact(g, span.text) for g in golds) == 1
                    f1 = max(compute_f1(g, span.text) for g in golds) if answerable else 0.0
                    rows.append(candidate_features(span.score, null, hit.score, rank))
                    labels.append(int(right))
                    cands.append((normalize_answer(span.text) or span.text, len(rows) - 1, f1))
                per_question.append((answerable, cands))
        # The margin for uncalibrated answers: the asked questions read in closed mode, each with
        # its own paragraph and with another paragraph of its article (unanswerable).
        mix = [e for e in squad2_mix(split, seed) if e.question]
        preds, margins = read_margins(service.reader, mix)
    at_zero = squad_v2_metrics(mix, preds, margins, 0.0)
    margin = float(at_zero["best_f1_thresh"]) - 1e-6  # the best F1's last answered question
    closed = squad_v2_metrics(mix, preds, margins, margin)
    weights, bias, mean, scale = fit_logistic(np.asarray(rows), np.asarray(labels))
    calibration = Calibration(weights, bias, mean, scale, threshold=0.5)
    probability = calibration.probability(np.asarray(rows))
    results = {}
    for pooling in ("max", "noisy_or"):
        calibration.pooling = pooling
        best, scores, answerable_flags = [], [], []
        for answerable, cands in per_question:
            groups: dict[str, list[tuple[float, float]]] = defaultdict(list)
            for key, i, f1 in cands:
                groups[key].append((float(probability[i]), f1))
            if groups:
                pooled = {key: calibration.pool([p for p, _ in g]) for key, g in groups.items()}
                top = max(pooled, key=lambda key: pooled[key])
                best.append(pooled[top])
                scores.append(groups[top][0][1])
            else:
                best.append(-1.0)
                scores.append(0.0)
            answerable_flags.append(answerable)
        threshold, f1 = choose_threshold(best, scores, answerable_flags)
        results[pooling] = (f1, threshold)
    pooling = max(results, key=lambda name: results[name][0])
    calibration.pooling = pooling
    calibration.threshold = float(results[pooling][1])
    record = {
        "data": str(data), "excluded_articles_of": str(exclude) if exclude else None,
        "articles": articles, "questions": len(asked), "seed": seed,
        "candidates": len(rows), "right_candidates": int(sum(labels)),
        "mix_f1": {name: round(100 * f1, 2) for name, (f1, _) in results.items()},
        "thresholds": {name: round(t, 4) for name, (_, t) in results.items()},
        "pooling": pooling, "threshold": round(calibration.threshold, 4),
        "reader_precision": s.reader_precision, "ask_top_k": s.ask_top_k,
        "search_mode": s.search_mode, "seconds": round(time.perf_counter() - started, 1),
    }
    record["closed_mix"] = {
        "questions": len(mix), "unanswerable": sum(e.is_impossible for e in mix),
        "f1_at_margin_0": round(at_zero["f1"], 2), "no_answer_threshold": round(margin, 4),
        **{k: round(closed[k], 2) for k in ("f1", "HasAns_f1", "NoAns_f1")}}
    calibration.no_answer_threshold = margin
    calibration.record = record
    calibration.save(out)
    return record
