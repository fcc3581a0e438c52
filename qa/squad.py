"""SQuAD v1.1/v2.0 files: loading, splitting by article, and the official v2.0 metrics."""

from __future__ import annotations

import collections
import json
import random
import re
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgqa.qa.types import QAError


@dataclass(frozen=True)
class SquadExample:
    qid: str
    title: str
    context: str
    question: str
    answers: tuple[tuple[str, int], ...]  # (text, answer_start); empty when unanswerable

    @property
    def is_impossible(self) -> bool:
        return not self.answers


def load_squad(paths: list[Path]) -> list[SquadExample]:
    """Examples of one or more SQuAD-format files; a malformed file names the field."""
    examples: list[SquadExample] = []
    for path in paths:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
        except FileNotFoundError:
            raise QAError(f"{path}: no such file") from None
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise QAError(
                f"{path}: not a SQuAD file (needs a top-level 'data' list): {err}"
            ) from None
        for a_i, article in enumerate(data):
            title = str(article.get("title", f"article-{a_i}"))
            for p_i, para in enumerate(article.get("paragraphs", [])):
                context = para.get("context")
                if not isinstance(context, str):
                    raise QAError(f"{path}: data[{a_i}].paragraphs[{p_i}].context is missing")
                for q_i, qa in enumerate(para.get("qas", [])):
                    where = f"{path}: data[{a_i}].paragraphs[{p_i}].qas[{q_i}]"
                    if "question" not in qa or "id" not in qa:
                        raise QAError(f"{where}: needs 'id' and 'question'")
                    answers = (
                        ()
                        if qa.get("is_impossible")
                        else tuple(
                            (a["text"], int(a["answer_start"])) for a in qa.get("answers", [])
                        )
                    )
                    examples.append(
                        SquadExample(str(qa["id"]), title, context, qa["question"], answers)
                    )
    return examples


def split_by_article(
    examples: list[SquadExample], dev_fraction: float, seed: int
) -> tuple[list[SquadExample], list[SquadExample]]:
    """Hold out whole articles (titles) so no dev paragraph is seen in training."""
    titles = sorted({e.title for e in examples})
    random.Random(seed).shuffle(titles)
    n_dev = max(1, round(len(titles) * dev_fraction)) if dev_fraction > 0 else 0
    dev_titles = set(titles[:n_dev])
    return (
        [e for e in examples if e.title not in dev_titles],
        [e for e in examples if e.title in dev_titles],
    )


_SQUAD_ID = re.compile(r"^[0-9a-f]{24}$")


def is_squad2_part(example: SquadExample) -> bool:
    """Whether a question comes from the SQuAD v1.1/v2.0 part of kgqa's training file (its ids
    are 24 hex digits; the other sources carry prefixed ids)."""
    return bool(_SQUAD_ID.match(example.qid))


def hold_out_articles(
    examples: list[SquadExample], fraction: float, seed: int, skip: Collection[str] = ()
) -> list[str]:
    """Titles of about ``fraction`` of the SQuAD 2.0 articles (those holding adversarial
    unanswerable questions), chosen by ``seed``, none of ``skip``."""
    titles = sorted(
        {e.title for e in examples if is_squad2_part(e) and e.is_impossible and e.title not in skip}
    )
    random.Random(seed).shuffle(titles)
    every = {e.title for e in examples if is_squad2_part(e)}
    return sorted(titles[: max(1, round(len(every) * fraction))])


def squad2_mix(examples: list[SquadExample], seed: int = 0) -> list[SquadExample]:
    """The examples plus, for each answerable question, the same question paired with another
    paragraph of its article that holds none of its answers, labelled unanswerable (id
    ``QID-other``): a SQuAD 2.0-like mix, in which about half of the questions have no answer
    in their paragraph. A question whose article has no such paragraph gets no partner."""
    rng = random.Random(seed)
    paragraphs: dict[str, dict[str, str]] = {}  # title -> paragraph -> its normalised text
    for e in examples:
        found = paragraphs.setdefault(e.title, {})
        if e.context not in found:
            found[e.context] = normalize_answer(e.context)
    out = list(examples)
    for e in examples:
        if e.is_impossible:
            continue
        golds = [normalize_answer(t) for t, _ in e.answers]
        others = [
            c
            for c, normal in paragraphs[e.title].items()
            if c != e.context and not any(g and g in normal for g in golds)
        ]
        if others:
            out.append(SquadExample(f"{e.qid}-other", e.title, rng.choice(others), e.question, ()))
    return out


def write_squad(examples: list[SquadExample], path: Path) -> None:
    """Write examples back as a SQuAD v2.0 file (grouped by article and paragraph)."""
    articles: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for e in examples:
        paras = articles.setdefault(e.title, {})
        paras.setdefault(e.context, []).append(
            {
                "id": e.qid,
                "question": e.question,
                "is_impossible": e.is_impossible,
                "answers": [{"text": t, "answer_start": s} for t, s in e.answers],
            }
        )
    data = [
        {"title": t, "paragraphs": [{"context": c, "qas": q} for c, q in paras.items()]}
        for t, paras in articles.items()
    ]
    path.write_text(json.dumps({"version": "v2.0", "data": data}, ensure_ascii=False))


# --- the official SQuAD v2.0 evaluation, re-implemented --------------------------------------
_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCT = set(string.punctuation)


def normalize_answer(s: str) -> str:
    s = "".join(ch for ch in s.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", s).split())


def compute_exact(gold: str, pred: str) -> int:
    return int(normalize_answer(gold) == normalize_answer(pred))


def compute_f1(gold: str, pred: str) -> float:
    gold_toks = normalize_answer(gold).split()
    pred_toks = normalize_answer(pred).split()
    if not gold_toks or not pred_toks:
        return float(gold_toks == pred_toks)
    common = collections.Counter(gold_toks) & collections.Counter(pred_toks)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_toks), same / len(gold_toks)
    return 2 * precision * recall / (precision + recall)


def _best_threshold(
    preds: dict[str, str],
    raw: Mapping[str, float],
    na_probs: dict[str, float],
    has_ans: dict[str, bool],
) -> tuple[float, float]:
    score = best = float(sum(1 for q in has_ans if not has_ans[q]))
    best_thresh = 0.0
    for qid in sorted(na_probs, key=lambda q: na_probs[q]):
        if has_ans[qid]:
            score += raw[qid]
        else:
            score += -1 if preds[qid] else 0
        if score > best:
            best, best_thresh = score, na_probs[qid]
    return 100.0 * best / len(raw), best_thresh


def squad_v2_metrics(
    examples: list[SquadExample], preds: dict[str, str], margins: dict[str, float], threshold: float
) -> dict[str, Any]:
    """The official v2.0 metrics. ``preds`` holds each question's best non-null span,
    ``margins`` its score over the no-answer score; a question is answered when its margin
    is above ``threshold``. Also the best threshold on this data (reported, not applied)."""
    exact_raw, f1_raw, has_ans = {}, {}, {}
    for e in examples:
        golds = [t for t, _ in e.answers if normalize_answer(t)] or [""]
        pred = preds.get(e.qid, "")
        exact_raw[e.qid] = max(compute_exact(g, pred) for g in golds)
        f1_raw[e.qid] = max(compute_f1(g, pred) for g in golds)
        has_ans[e.qid] = bool(e.answers)
    answered = {
        q: margins.get(q, float("-inf")) > threshold and bool(preds.get(q)) for q in has_ans
    }
    exact = {q: exact_raw[q] if answered[q] else float(not has_ans[q]) for q in has_ans}
    f1 = {q: f1_raw[q] if answered[q] else float(not has_ans[q]) for q in has_ans}

    def block(qids: list[str]) -> dict[str, float]:
        n = len(qids)
        return {
            "exact": 100.0 * sum(exact[q] for q in qids) / n if n else 0.0,
            "f1": 100.0 * sum(f1[q] for q in qids) / n if n else 0.0,
            "total": n,
        }

    qids = list(has_ans)
    out: dict[str, Any] = dict(block(qids))
    for name, group in (
        ("HasAns", [q for q in qids if has_ans[q]]),
        ("NoAns", [q for q in qids if not has_ans[q]]),
    ):
        for key, value in block(group).items():
            out[f"{name}_{key}"] = value
    na_probs = {q: -margins.get(q, float("-inf")) for q in qids}
    best_exact, t_exact = _best_threshold(preds, exact_raw, na_probs, has_ans)
    best_f1, t_f1 = _best_threshold(preds, f1_raw, na_probs, has_ans)
    out.update(
        {
            "threshold": threshold,
            "best_exact": best_exact,
            "best_exact_thresh": -t_exact,
            "best_f1": best_f1,
            "best_f1_thresh": -t_f1,
        }
    )
    return out
