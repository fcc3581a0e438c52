"""Multi-hop evaluation the way a user lives it: pool a file's paragraphs into one store, ask
every question of the file against it, and score the answers (EM/F1, best over aliases) and
the supporting paragraphs found among the passages the answer used (recall@5), beside what
BM25 + dense retrieval alone finds for the question."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from functools import partial
from pathlib import Path
from typing import Any

from kgqa.qa.evaluation.evaluate import service_over
from kgqa.qa.ingest.pipeline import ProgressCallback
from kgqa.qa.settings import Settings
from kgqa.qa.squad import compute_exact, compute_f1
from kgqa.qa.types import InputError


def load_multihop(path: Path) -> list[dict[str, Any]]:
    """The records of a multi-hop JSONL file (``question``, ``answers``, ``paragraphs`` with
    ``title``, ``text`` and ``supporting``; ``source`` and ``type`` when known)."""
    records = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                for name in ("question", "answers", "paragraphs"):
                    record[name]  # noqa: B018 - a missing field fails here, with its line
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise InputError(
                    f"{path}:{number}",
                    f"not a multi-hop record ({err}); each line needs "
                    '"question", "answers" and "paragraphs": [{"title", "text", "supporting"}]',
                ) from None
            records.append(record)
    return records


def pool_paragraphs(records: list[dict[str, Any]], path: Path) -> list[set[str]]:
    """Write the records' paragraphs, deduplicated by title and text, as one JSONL corpus
    (a document per paragraph, named by its title); returns each record's supporting
    documents."""
    ids: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    supporting = []
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            mine = set()
            for p in record["paragraphs"]:
                key = (p.get("title") or "", p["text"])
                if key not in ids:
                    doc_id = key[0] or f"paragraph {len(ids)}"
                    if doc_id in used:
                        doc_id = f"{doc_id} ({len(ids)})"
                    used.add(doc_id)
                    ids[key] = doc_id
                    fh.write(json.dumps({"id": doc_id, "title": key[0], "text": key[1]}) + "\n")
                if p.get("supporting"):
                    mine.add(ids[key])
            supporting.append(mine)
    return supporting


def support_recall(found: list[str], gold: set[str], k: int = 5) -> float:
    """The share of the gold documents among the first k distinct documents found."""
    firsts = list(dict.fromkeys(found))[:k]
    return len(gold & set(firsts)) / len(gold) if gold else 0.0


def eval_multihop(
    settings: Settings,
    data: Path,
    store: Path | None = None,
    limit: int | None = None,
    on_progress: ProgressCallback | None = None,
    answers_out: Path | None = None,
) -> dict[str, Any]:
    """Answer EM/F1 (overall, per source and per type), supporting-paragraph recall@5 among
    the passages the answer used and among BM25 + dense hits for the question, and ask
    latency; the store is built from the file's pooled paragraphs when ``store`` has none."""
    records = load_multihop(data)[:limit]
    write = partial(pool_paragraphs, records)
    with service_over(write, settings, store, [], on_progress, reuse=True) as (
        service,
        supporting,
    ):
        service.warm_up()
        groups: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        seconds = []
        lines = []
        for record, gold in zip(records, supporting):
            started = time.perf_counter()
            result = service.ask(record["question"])
            seconds.append(time.perf_counter() - started)
            answer = result.answers[0] if result.answers else None
            text = answer.text if answer else ""
            used = ([answer.doc_id] if answer else []) + [
                s["doc_id"] for s in result.path if s.get("doc_id")
            ]
            used += [h.passage.doc_id for h in result.hits]
            plain = [h.passage.doc_id for h in service.search(record["question"], 10, "hybrid")]
            row = {
                "f1": max(compute_f1(a, text) for a in record["answers"]),
                "em": max(compute_exact(a, text) for a in record["answers"]),
                "recall@5": support_recall(used, gold),
                "hybrid_recall@5": support_recall(plain, gold),
                "multihop": float(bool(result.path)),
            }
            for group in (
                "all",
                f"source:{record.get('source', '?')}",
                f"type:{record.get('type', '?')}",
            ):
                for name, value in row.items():
                    groups[group][name].append(value)
            lines.append(
                {
                    "id": record.get("id"),
                    "question": record["question"],
                    "answers": record["answers"],
                    "predicted": text,
                    **row,
                    "path": result.path,
                }
            )
    if answers_out is not None:
        answers_out.parent.mkdir(parents=True, exist_ok=True)
        answers_out.write_text(
            "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        )
    seconds.sort()
    out: dict[str, Any] = {
        name: {
            "questions": len(values["f1"]),
            **{
                k: round(sum(v) / len(v), 3) if "recall" in k else round(100 * sum(v) / len(v), 1)
                for k, v in values.items()
            },
        }
        for name, values in groups.items()
    }
    out["ask_p50_seconds"] = round(seconds[len(seconds) // 2], 3) if seconds else None
    return out
