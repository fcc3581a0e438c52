"""The verifier's probabilities fitted again on text its reader never saw.

A verifier is calibrated on its dev split. When the reader was trained on that split's articles
(the shipped one was), its answers there are right more often than on new text at the same
score, and the probabilities it shows on new text run high. ``recalibrate`` fits the Platt
scaling again on the reader's reads of other files, read as ``kgqa train verifier`` reads (each
question closed, open-like and with its answer's sentences removed), and moves the threshold to
the same cut: the same best answers are shown, in the same order; the probability they carry
and the threshold's value change. The margin within which further answers are shown is chosen
again on those reads, by the rule ``kgqa train verifier`` follows (the further answers shown
are right at least half the time): on text the reader never saw, fewer of them are right.
"""

from __future__ import annotations

import math
import time
import zlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.kg.extract import load_spacy
from kgqa.qa.reader.verifier import Verifier, expected_calibration_error
from kgqa.qa.settings import ReaderConfig
from kgqa.qa.squad import load_squad
from kgqa.qa.training.verifier import (
    READ_KINDS,
    choose_answer_margin,
    evaluate_verifier,
    fit_platt,
    question_scores,
    read_all,
    read_sets,
)
from kgqa.qa.types import QAError


def recalibrate(
    reader: str,
    files: list[str],
    reader_config: ReaderConfig,
    passages: int = 3,
    workers: int = 2,
    spacy_model: str | None = None,
    command: str = "",
    progress: Callable[[str], None] = print,
    cache: Path | None = None,
) -> dict[str, Any]:
    """Fit the Platt scaling of the verifier beside ``reader`` on its reads of ``files`` (SQuAD
    files the reader never trained on), keep the threshold's cut, save, and return the record
    (also under ``calibration`` in the verifier's record)."""
    started = time.perf_counter()
    verifier = Verifier.load(reader)
    if verifier is None:
        raise QAError(f"{reader}: no verifier.json to calibrate (train one: kgqa train verifier)")
    a, b = verifier.platt
    if a <= 0 or not 0.0 < verifier.threshold < 1.0:
        raise QAError(
            f"{reader}/verifier.json: its scaling (a = {a}) or threshold "
            f"({verifier.threshold}) is not one a cut can be kept from; train it again"
        )
    nlp = load_spacy(spacy_model) if spacy_model else None
    sets = [s for f in files for s in read_sets(load_squad([Path(f)]), passages, nlp=nlp)]
    (candidates,) = read_all(reader_config, [sets], workers, progress, cache)
    right = np.asarray([c.right for c in candidates], dtype=bool)
    if len(candidates) < 2 or right.all() or not right.any():
        raise QAError(
            f"{', '.join(files)}: the reader's {len(candidates)} answers there were "
            f"{int(right.sum())} right; calibration needs right and wrong answers (more "
            "questions)"
        )
    rows = np.stack([c.row for c in candidates])
    logits = verifier.logit(rows)
    before = evaluate_verifier(verifier, sets, candidates)
    # the figure for answers not fitted on: two halves by question, each scaled by the other's fit
    qids = [
        sets[c.set_index].qid.removesuffix("-removed").removesuffix("-swapped") for c in candidates
    ]
    half = np.asarray([zlib.crc32(q.encode()) % 2 for q in qids])
    held_out = np.zeros(len(candidates))
    for h in (0, 1):
        if len(set(right[half != h])) < 2:
            raise QAError(f"{', '.join(files)}: too few questions to fit on half of them")
        other = fit_platt(logits[half != h], right[half != h].astype(np.float64))
        held_out[half == h] = replace(verifier, platt=other).calibrate(logits[half == h])
    cut = (math.log(verifier.threshold / (1 - verifier.threshold)) - b) / a  # raw score
    old_threshold = verifier.threshold
    fitted = fit_platt(logits, right.astype(np.float64))
    if fitted[0] <= 0:  # higher scores less often right there: no scaling keeps the order
        raise QAError(
            f"{', '.join(files)}: the verifier's scores do not rank the reader's answers there "
            f"(fitted slope {fitted[0]:.3g}); calibrate on text like what users ask about"
        )
    verifier.platt = fitted
    verifier.threshold = float(verifier.calibrate(np.array([cut]))[0])
    old_margin = verifier.answer_margin
    scored = question_scores(sets, candidates, verifier.calibrate(logits))
    verifier.answer_margin, extra_precision = choose_answer_margin(scored, verifier.threshold)
    after = evaluate_verifier(verifier, sets, candidates)
    record: dict[str, Any] = {
        "command": command,
        "files": files,
        "passages": passages,
        "reads": len(sets),
        "candidates": len(candidates),
        "right": int(right.sum()),
        "platt_before": [round(v, 4) for v in (a, b)],
        "platt": [round(v, 4) for v in verifier.platt],
        "threshold_before": round(old_threshold, 4),
        "threshold": round(verifier.threshold, 4),
        "answer_margin_before": old_margin,
        "answer_margin": verifier.answer_margin,
        "answer_margin_precision": round(extra_precision, 3),
        "ece_before": before["ece"],
        "ece": after["ece"],
        "ece_fitted_on_the_other_half": round(
            expected_calibration_error(held_out.tolist(), right.tolist())[0], 4
        ),
        "reliability_before": before["reliability"],
        "reliability": after["reliability"],
        "swaps": spacy_model,
        "f1": {kind: after[kind] for kind in READ_KINDS},
        "seconds": round(time.perf_counter() - started, 1),
    }
    verifier.record["calibration"] = record
    verifier.save(Path(reader))
    return record
