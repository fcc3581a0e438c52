"""Training the answer verifier (``qa/reader/verifier.py``) on the reader's own outputs.

Each question is read twice, as kgqa reads:
- closed, with its own paragraph (``kgqa read``);
- open-like, over the ``passages`` paragraphs of its article that a BM25 ranking of the
  article's paragraphs puts first (its own among them or not), each with its rank.
Answerable questions are also read with their paragraph less the sentences that hold the
answer: a passage about the subject that does not answer the question; and, given a spaCy
pipeline, with one of their names or numbers swapped for another their paragraph never
mentions (``swaps``): a question about something the passage does not talk about.

Every span the reader proposes is a row of features, labelled right when its F1 with a gold
answer is at least 0.5. A logistic model is fitted on the training questions' rows; on the dev
questions its output is calibrated (Platt scaling), and the threshold (best mean F1 of the
closed and open-like reads) and the margin for further answers are chosen. The scalar features
(scores, types, shares) and the reader's vectors may take separate L2 penalties: the vectors'
768 weights need a heavy one, under which the few scalar weights stay small. Each scalar
penalty given is fitted, and the one with the best F1 over every kind of dev read is kept; by
default 1000 (the vectors') and 100 are tried (10 abstained on more questions about names the
passage never mentions, but cost multi-hop F1: the reader's card).
"""

from __future__ import annotations

import math
import random
import re
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.kg.extract import load_spacy
from kgqa.qa.reader.extractive import ExtractiveReader
from kgqa.qa.reader.verifier import (
    SCALARS,
    Verifier,
    content_words,
    expected_calibration_error,
    feature_rows,
)
from kgqa.qa.settings import ReaderConfig
from kgqa.qa.squad import SquadExample, compute_f1, is_squad2_part, load_squad, normalize_answer
from kgqa.qa.training.readings import ReadingCache, default_folder
from kgqa.qa.training.swaps import swapped_questions
from kgqa.qa.types import QAError

PROGRESS_SECONDS = 60.0  # how often read_all says how far the reader processes are
RIGHT_F1 = 0.5  # a candidate is right when its F1 with a gold answer reaches this
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def fit_logistic(
    rows: np.ndarray, labels: np.ndarray, l2: float | np.ndarray = 1e-3, iterations: int = 50
) -> tuple[list[float], float, list[float], list[float]]:
    """L2-regularised logistic regression by Newton's method on standardised features; ``l2``
    is one penalty for every weight or one per feature. Returns (weights, bias, mean, scale)."""
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    # no penalty on the bias
    penalty = np.diag(np.append(np.broadcast_to(np.asarray(l2, dtype=np.float64), x.shape[1]), 0))
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(w)), gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1].tolist(), float(w[-1]), mean.tolist(), scale.tolist()


@dataclass(frozen=True)
class ReadSet:
    """One read of one question: the passages read, their retrieval ranks, the gold answers
    (empty: the passages do not answer) and how it was made (closed, open, removed)."""

    qid: str
    kind: str
    question: str
    contexts: tuple[str, ...]
    ranks: tuple[int, ...]
    golds: tuple[str, ...]


def without_answer_sentences(example: SquadExample) -> SquadExample | None:
    """The question with its paragraph less every sentence that holds one of its answers, or
    None when nothing of at least two sentences would be left or an answer still shows."""
    if not example.answers:
        return None
    sentences = _SENTENCES.split(example.context)
    golds = [normalize_answer(t) for t, _ in example.answers if normalize_answer(t)]
    kept, offset = [], 0
    for sentence in sentences:
        start = example.context.find(sentence, offset)
        end = start + len(sentence)
        offset = end
        holds = any(start <= s < end or start < s + len(t) <= end for t, s in example.answers)
        if not holds:
            kept.append(sentence)
    if len(kept) < 2 or len(kept) == len(sentences):
        return None
    context = " ".join(kept)
    normal = normalize_answer(context)
    if any(g in normal for g in golds):
        return None
    return SquadExample(example.qid + "-removed", example.title, context, example.question, ())


def _bm25_ranking(question: str, paragraphs: Sequence[str], idf: dict[str, float]) -> list[int]:
    q = content_words(question)
    lengths = [len(p.split()) for p in paragraphs]
    average = sum(lengths) / max(1, len(lengths))
    scores = []
    for p, n in zip(paragraphs, lengths):
        counts = Counter(w for w in re.findall(r"\w+", p.lower()) if w in q)
        scores.append(
            sum(
                idf.get(w, 0.0) * c * 2.2 / (c + 1.2 * (0.25 + 0.75 * n / average))
                for w, c in counts.items()
            )
        )
    return sorted(range(len(paragraphs)), key=lambda i: -scores[i])


READ_KINDS = ("closed", "open", "removed", "swapped")


def read_sets(
    examples: list[SquadExample],
    passages: int,
    removed: bool = True,
    asked: set[str] | None = None,
    nlp: Any = None,
    seed: int = 13,
) -> list[ReadSet]:
    """The closed, open-like and (with ``removed``) answer-removed reads of every question (of
    those in ``asked`` when given; every paragraph of ``examples`` can be ranked), and with a
    spaCy pipeline ``nlp`` the name-swapped reads (closed)."""
    by_article: dict[str, list[str]] = defaultdict(list)
    for e in examples:
        if e.context not in by_article[e.title]:
            by_article[e.title].append(e.context)
    sets: list[ReadSet] = []
    idf_of: dict[str, dict[str, float]] = {}
    for e in examples:
        if asked is not None and e.qid not in asked:
            continue
        golds = tuple(t for t, _ in e.answers)
        sets.append(ReadSet(e.qid, "closed", e.question, (e.context,), (0,), golds))
        paragraphs = by_article[e.title]
        if e.title not in idf_of:
            df = Counter(w for p in paragraphs for w in set(re.findall(r"\w+", p.lower())))
            idf_of[e.title] = {
                w: math.log(1 + (len(paragraphs) - n + 0.5) / (n + 0.5)) for w, n in df.items()
            }
        order = _bm25_ranking(e.question, paragraphs, idf_of[e.title])[:passages]
        if len(paragraphs) > 1:
            chosen = tuple(paragraphs[i] for i in order)
            in_any = golds and any(
                normalize_answer(g) in normalize_answer(c)
                for g in golds
                for c in chosen
                if normalize_answer(g)
            )
            sets.append(
                ReadSet(
                    e.qid,
                    "open",
                    e.question,
                    chosen,
                    tuple(range(len(chosen))),
                    golds if in_any else (),
                )
            )
        cut = without_answer_sentences(e) if removed else None
        if cut is not None:
            sets.append(ReadSet(cut.qid, "removed", e.question, (cut.context,), (0,), ()))
    if nlp is not None:
        to_swap = [e for e in examples if asked is None or e.qid in asked]
        sets += [
            ReadSet(s.qid, "swapped", s.question, (s.context,), (0,), ())
            for s in swapped_questions(to_swap, nlp, seed)
        ]
    return sets


@dataclass
class Candidate:
    set_index: int
    key: str
    text: str
    f1: float
    row: np.ndarray

    @property
    def right(self) -> bool:
        return self.f1 >= RIGHT_F1


def read_candidates(
    reader: ExtractiveReader,
    sets: list[ReadSet],
    progress: Callable[[str], None] = print,
    cache: ReadingCache | None = None,
) -> list[Candidate]:
    """The reader's candidates for every read set, with their features and their F1. Each
    distinct (question, passage) pair is read once, and not at all when ``cache`` keeps its
    reading (the pairs read are kept there as they are read)."""
    pairs = sorted({(s.question, c) for s in sets for c in s.contexts})
    readings: dict[tuple[str, str], Any] = cache.get(pairs) if cache else {}
    pairs = [pair for pair in pairs if pair not in readings]
    started = time.perf_counter()
    for b in range(0, len(pairs), 64):
        part = pairs[b : b + 64]
        fresh = dict(zip(part, reader.read([q for q, _ in part], [c for _, c in part])))
        readings.update(fresh)
        if cache:
            cache.put(fresh)
        if (b // 64) % 20 == 0:
            progress(
                f"read {min(b + 64, len(pairs))}/{len(pairs)} pairs "
                f"({time.perf_counter() - started:.0f} s)"
            )
    out: list[Candidate] = []
    for index, s in enumerate(sets):
        found = [readings[(s.question, c)] for c in s.contexts]
        for reading, row in zip(found, feature_rows(s.question, s.contexts, found, s.ranks)):
            if row is None or reading.span is None:
                continue
            text = reading.span.text
            f1 = max((compute_f1(g, text) for g in s.golds), default=0.0)
            out.append(Candidate(index, normalize_answer(text) or text, text, f1, row))
    return out


def _read_part(
    reader_config: ReaderConfig, sets: list[ReadSet], cache: tuple[Path, str] | None
) -> list[Candidate]:
    """One worker's share of the reads (a fresh process: the reader loads, one torch thread)."""
    from kgqa.kg.models import set_torch_threads

    set_torch_threads(1)
    reader = ExtractiveReader.configured(reader_config)
    reader.warm_up()
    kept = None if cache is None else ReadingCache(cache[0], reader_config, key=cache[1])
    return read_candidates(reader, sets, progress=lambda _: None, cache=kept)


def read_all(
    reader_config: ReaderConfig,
    groups: list[list[ReadSet]],
    workers: int,
    progress: Callable[[str], None] = print,
    cache: Path | None = None,
) -> list[list[Candidate]]:
    """The candidates of every group of reads, the reads shared among ``workers`` processes
    (each group cut into ``workers`` parts, so that one large group is not one process's).
    Readings kept in ``cache`` (a folder; None: the user's cache folder, ``readings.py``) are
    not read again, and new ones are kept there as they are read."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, wait

    started = time.perf_counter()
    cache = cache or default_folder()
    pairs = {(s.question, c) for group in groups for s in group for c in s.contexts}
    kept: tuple[Path, str] | None = None
    readings: ReadingCache | None = None
    try:
        readings = ReadingCache(cache, reader_config)
        progress(f"{readings.count(pairs)} of {len(pairs)} readings kept in {readings.path}")
        kept = (cache, readings.path.stem)
    except (OSError, sqlite3.Error) as err:
        progress(f"readings are not kept ({cache}: {err}); set cache_dir to a writable folder")
    parts = [group[i::workers] for group in groups for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(_read_part, reader_config, part, kept) for part in parts]
        # the workers keep their readings as they go: how many there are says how far they are
        while wait(futures, timeout=PROGRESS_SECONDS).not_done and readings is not None:
            progress(
                f"{readings.count(pairs)} of {len(pairs)} readings done "
                f"({time.perf_counter() - started:.0f} s)"
            )
        found = [f.result() for f in futures]
    if readings is not None:
        readings.close()
    out: list[list[Candidate]] = []
    for g in range(len(groups)):
        merged: list[Candidate] = []
        for i in range(workers):
            for c in found[g * workers + i]:
                c.set_index = i + workers * c.set_index  # set k of part i is set i + workers*k
                merged.append(c)
        merged.sort(key=lambda c: c.set_index)
        out.append(merged)
    progress(
        f"read {sum(len(g) for g in groups)} sets with {workers} workers "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return out


def fit_platt(logits: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """Platt scaling: a and b of sigmoid(a * logit + b), fitted by logistic regression."""
    weights, bias, mean, scale = fit_logistic(logits.reshape(-1, 1), right, l2=1e-6)
    a = weights[0] / scale[0]
    return float(a), float(bias - a * mean[0])


def question_scores(
    sets: list[ReadSet], candidates: list[Candidate], probability: np.ndarray
) -> list[tuple[bool, str, list[tuple[float, float]]]]:
    """Per read set: whether it is answerable, its kind, and its distinct answers as
    (probability, F1), best first (copies of an answer pooled by their best probability)."""
    groups: dict[int, dict[str, tuple[float, float]]] = defaultdict(dict)
    for c, p in zip(candidates, probability):
        old = groups[c.set_index].get(c.key)
        if old is None or p > old[0]:
            groups[c.set_index][c.key] = (float(p), c.f1)
    return [
        (bool(s.golds), s.kind, sorted(groups[i].values(), reverse=True))
        for i, s in enumerate(sets)
    ]


def f1_at(
    scored: list[tuple[bool, str, list[tuple[float, float]]]],
    threshold: float,
    kinds: Sequence[str] | None = None,
) -> dict[str, float]:
    """SQuAD v2.0-style F1 when the best answer is shown at or above ``threshold`` and the
    question is abstained on below it: overall, HasAns F1 and NoAns accuracy (in %)."""
    has, no = [], []
    for answerable, kind, answers in scored:
        if kinds is not None and kind not in kinds:
            continue
        shown = answers[0] if answers and answers[0][0] >= threshold else None
        if answerable:
            has.append(shown[1] if shown else 0.0)
        else:
            no.append(0.0 if shown else 1.0)
    every = has + no
    return {
        "f1": 100 * sum(every) / max(1, len(every)),
        "HasAns_f1": 100 * sum(has) / max(1, len(has)),
        "NoAns_accuracy": 100 * sum(no) / max(1, len(no)),
        "questions": len(every),
        "unanswerable": len(no),
    }


def choose_threshold(scored: list[tuple[bool, str, list[tuple[float, float]]]]) -> float:
    """The threshold with the best mean of closed and open-like F1."""
    tops = sorted({a[0][0] for _, _, a in scored if a} | {1.0})
    best, best_t = -1.0, 0.5
    for t in tops:
        value = (f1_at(scored, t, ("closed",))["f1"] + f1_at(scored, t, ("open",))["f1"]) / 2
        if value > best:
            best, best_t = value, t
    return float(best_t)


def choose_answer_margin(
    scored: list[tuple[bool, str, list[tuple[float, float]]]],
    threshold: float,
    precision: float = 0.5,
) -> tuple[float, float]:
    """The widest margin under the best answer's probability within which the further answers
    shown are right (F1 >= 0.5) at least ``precision`` of the time; returns (margin, their
    precision)."""
    chosen, chosen_precision = 0.0, 1.0
    for margin in [m / 100 for m in range(0, 51, 2)]:
        extra = [
            f1
            for _, _, answers in scored
            if answers and answers[0][0] >= threshold
            for p, f1 in answers[1:]
            if p >= max(threshold, answers[0][0] - margin)
        ]
        if not extra:
            continue
        share = sum(f >= RIGHT_F1 for f in extra) / len(extra)
        if share >= precision:
            chosen, chosen_precision = margin, share
    return chosen, chosen_precision


def evaluate_verifier(
    verifier: Verifier, sets: list[ReadSet], candidates: list[Candidate]
) -> dict[str, Any]:
    """F1 per kind of read at the verifier's threshold, and its calibration (ECE and the
    reliability table over every candidate)."""
    rows = np.stack([c.row for c in candidates]) if candidates else np.zeros((0, 1))
    probability = verifier.probability(rows) if candidates else np.zeros(0)
    scored = question_scores(sets, candidates, probability)
    ece, table = expected_calibration_error(probability.tolist(), [c.right for c in candidates])
    out: dict[str, Any] = {kind: f1_at(scored, verifier.threshold, (kind,)) for kind in READ_KINDS}
    out["ece"] = round(ece, 4)
    out["reliability"] = table
    out["candidates"] = len(candidates)
    return out


def fit_verifier(train: list[Candidate], l2: float, l2_scalars: float | None = None) -> Verifier:
    """The logistic model over the candidates' rows; the scalar features (the first
    ``len(SCALARS)`` columns) take ``l2_scalars`` when given, the vectors ``l2``."""
    labels = np.asarray([c.right for c in train], dtype=np.float64)
    if len(train) < 2 or labels.min() == labels.max():
        raise QAError(
            f"the verifier learns from right and wrong answers, and the reader's "
            f"{len(train)} answers to the training questions were "
            f"{int(labels.sum())} right: give more questions (--data, --others)"
        )
    rows = np.stack([c.row for c in train])
    penalty = np.full(rows.shape[1], l2, dtype=np.float64)
    penalty[: len(SCALARS)] = l2 if l2_scalars is None else l2_scalars
    weights, bias, mean, scale = fit_logistic(rows, labels, l2=penalty)
    return Verifier(weights, bias, mean, scale)


def choose_l2_scalars(
    train: list[Candidate],
    dev_sets: list[ReadSet],
    dev_candidates: list[Candidate],
    l2: float,
    l2_scalars: Sequence[float],
) -> tuple[float, Verifier, list[tuple[bool, str, list[tuple[float, float]]]], dict[float, float]]:
    """Fit a verifier with each scalar penalty, calibrate it on the dev reads and choose its
    threshold there, and keep the heaviest penalty whose F1 over every kind of dev read
    (closed, open-like, answer-removed, name-swapped) comes within 0.05 points of the best.
    Returns that penalty, its verifier, its dev reads' scores and each penalty's F1."""
    rows = np.stack([c.row for c in dev_candidates])
    right = np.asarray([c.right for c in dev_candidates], dtype=np.float64)
    fitted = {}
    for value in sorted(set(l2_scalars), reverse=True):  # heaviest first
        verifier = fit_verifier(train, l2, value)
        if right.min() < right.max():
            verifier.platt = fit_platt(verifier.logit(rows), right)
        scored = question_scores(dev_sets, dev_candidates, verifier.probability(rows))
        verifier.threshold = choose_threshold(scored)
        fitted[value] = (f1_at(scored, verifier.threshold)["f1"], verifier, scored)
    best = max(f1 for f1, _, _ in fitted.values())
    chosen = next(value for value, (f1, _, _) in fitted.items() if f1 >= best - 0.05)
    _, verifier, scored = fitted[chosen]
    return chosen, verifier, scored, {value: f1 for value, (f1, _, _) in fitted.items()}


@dataclass
class VerifierTraining:
    reader: str  # the reader's folder; verifier.json is written there
    train: list[str]  # SQuAD files: every question trains the verifier
    dev: str  # SQuAD file: calibration, threshold and margin are chosen on it
    others: str | None = None  # SQuAD file to draw other-source questions from
    others_count: int = 0
    report: tuple[str, ...] = ()  # SQuAD files reported beside dev
    passages: int = 3
    workers: int = 2  # reader processes
    l2: float = 1000.0  # on the reader's vectors
    # on the scalar features; each is tried and the dev split's F1 over all its reads chooses
    # (lighter ones abstain on more name swaps; 10 cost multi-hop F1: the reader's card)
    l2_scalars: tuple[float, ...] = (1000.0, 100.0)
    seed: int = 13
    spacy_model: str | None = None  # the pipeline that finds names to swap; None: no swaps
    cache: Path | None = None  # where the reader's readings are kept (None: readings.py's default)
    command: str = ""


def _other_sources(
    config: VerifierTraining, skip: set[str]
) -> tuple[list[SquadExample], list[SquadExample]]:
    """``others_count`` questions of the other file's non-SQuAD-2.0 articles (none of
    ``skip``), drawn with the seed, and every question of their articles (whose paragraphs the
    open-like reads rank)."""
    if config.others is None or config.others_count <= 0:
        return [], []
    pool = [
        e
        for e in load_squad([Path(config.others)])
        if not is_squad2_part(e) and e.title not in skip
    ]
    # A few SubjQA/Reddit "articles" hold thousands of questions: cap each article at 40.
    by_title: dict[str, list[SquadExample]] = defaultdict(list)
    for e in pool:
        by_title[e.title].append(e)
    rng = random.Random(config.seed)
    capped = [e for found in by_title.values() for e in rng.sample(found, min(40, len(found)))]
    asked = rng.sample(capped, min(config.others_count, len(capped)))
    titles = {e.title for e in asked}
    return asked, [e for e in pool if e.title in titles]


def train_verifier(
    config: VerifierTraining, reader_config: ReaderConfig, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Read, fit, calibrate, choose, report and save beside the reader; returns the record.
    ``reader_config``: how the reader at ``config.reader`` reads (the settings' slice)."""
    started = time.perf_counter()
    dev = load_squad([Path(config.dev)])
    reported = {Path(p).stem: load_squad([Path(p)]) for p in config.report}
    held = {e.title for e in dev} | {e.title for r in reported.values() for e in r}
    train = [e for p in config.train for e in load_squad([Path(p)]) if e.title not in held]
    others, their_articles = _other_sources(config, held | {e.title for e in train})
    nlp = load_spacy(config.spacy_model) if config.spacy_model else None

    def reads(examples: list[SquadExample], asked: set[str] | None = None) -> list[ReadSet]:
        return read_sets(examples, config.passages, asked=asked, nlp=nlp, seed=config.seed)

    train_sets = reads(train)
    if others:
        train_sets += reads(their_articles, {o.qid for o in others})
    progress(
        f"training reads: {len(train_sets)} ({len(train)} questions of "
        f"{', '.join(config.train)}, {len(others)} of other sources)"
    )
    dev_sets = reads(dev)
    report_sets = {name: reads(examples) for name, examples in reported.items()}
    train_candidates, dev_candidates, *report_candidates = read_all(
        reader_config,
        [train_sets, dev_sets, *report_sets.values()],
        config.workers,
        progress,
        config.cache,
    )
    if not dev_candidates:
        raise QAError(f"{config.dev}: the reader proposed no answer to its questions")
    l2_scalars, verifier, scored, tried = choose_l2_scalars(
        train_candidates, dev_sets, dev_candidates, config.l2, config.l2_scalars
    )
    verifier.answer_margin, extra_precision = choose_answer_margin(scored, verifier.threshold)
    record: dict[str, Any] = {
        "command": config.command,
        "reader": config.reader,
        "train": config.train,
        "others": config.others,
        "others_count": len(others),
        "dev": config.dev,
        "passages": config.passages,
        "workers": config.workers,
        "l2": config.l2,
        "l2_scalars": l2_scalars,
        "l2_scalars_dev_f1": {str(k): round(f1, 2) for k, f1 in tried.items()},
        "seed": config.seed,
        "swaps": config.spacy_model,
        "right": f"F1 with a gold answer >= {RIGHT_F1}",
        "train_reads": len(train_sets),
        "train_candidates": len(train_candidates),
        "train_right": sum(c.right for c in train_candidates),
        "threshold": round(verifier.threshold, 4),
        "answer_margin": verifier.answer_margin,
        "answer_margin_precision": round(extra_precision, 3),
        "platt": [round(v, 4) for v in verifier.platt],
        "train_fit": evaluate_verifier(verifier, train_sets, train_candidates),
        "dev_split": evaluate_verifier(verifier, dev_sets, dev_candidates),
    }
    # under their own key: a report file named dev.json once replaced the record's "dev" path
    record["reports"] = {
        name: evaluate_verifier(verifier, sets, candidates)
        for (name, sets), candidates in zip(report_sets.items(), report_candidates)
    }
    record["seconds"] = round(time.perf_counter() - started, 1)
    verifier.record = record
    verifier.save(Path(config.reader))
    return record
