"""What an ingest run did: failures, counts, stage times; written to ``STORE/reports/``."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from typing import Any

from kgqa.qa.store import Store


@dataclass
class Failure:
    where: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"where": self.where, "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Failure:
        return cls(str(data["where"]), str(data["reason"]))


@dataclass
class IngestReport:
    new: int
    changed: int
    unchanged: int
    removed: int
    failed: list[Failure]
    generation: str | None
    committed: bool
    counts: dict[str, int]
    seconds: float
    processed: int = 0
    reused: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    skipped: str | None = None
    gate: dict[str, Any] | None = None
    staged: str | None = None
    warnings: list[str] = field(default_factory=list)
    words: int = 0  # words of the documents processed in this run (not those from the cache)
    error: str | None = None  # why the run stopped before committing (disk full, say)
    # seconds per step of the store's commit (copy, apply, bm25, graph, ...), and the old
    # generation whose SQLite file the commit reused instead of copying the current one
    commit_steps: dict[str, float] = field(default_factory=dict)
    reused_file_of: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": [f.to_json() for f in self.failed],
            "generation": self.generation,
            "committed": self.committed,
            "counts": self.counts,
            "seconds": round(self.seconds, 3),
            "processed": self.processed,
            "reused": self.reused,
            "stages": {k: round(v, 3) for k, v in self.stages.items()},
            "skipped": self.skipped,
            "gate": self.gate,
            "staged": self.staged,
            "warnings": self.warnings,
            "words": self.words,
            "error": self.error,
            "commit_steps": {k: round(v, 3) for k, v in self.commit_steps.items()},
            "reused_file_of": self.reused_file_of,
            "documents_per_second": self.rate(self.processed),
            "words_per_second": self.rate(self.words),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IngestReport:
        """The report ``to_json`` gave (as a Prefect flow run returns it)."""
        return cls(
            new=int(data["new"]),
            changed=int(data["changed"]),
            unchanged=int(data["unchanged"]),
            removed=int(data["removed"]),
            failed=[Failure.from_json(f) for f in data["failed"]],
            generation=data["generation"],
            committed=bool(data["committed"]),
            counts=dict(data["counts"]),
            seconds=float(data["seconds"]),
            processed=int(data.get("processed", 0)),
            reused=int(data.get("reused", 0)),
            stages=dict(data.get("stages") or {}),
            skipped=data.get("skipped"),
            gate=data.get("gate"),
            staged=data.get("staged"),
            warnings=list(data.get("warnings") or []),
            words=int(data.get("words", 0)),
            error=data.get("error"),
            commit_steps=dict(data.get("commit_steps") or {}),
            reused_file_of=data.get("reused_file_of"),
        )

    def rate(self, amount: int) -> float:
        """``amount`` per second of the processing stage (0 when nothing was processed)."""
        seconds = self.stages.get("process", 0.0)
        return round(amount / seconds, 1) if seconds > 0 and amount else 0.0

    def markdown(self) -> str:
        """The report as a Prefect markdown artifact."""
        lines = [f"# kgqa ingest: {self.generation or 'no generation'}", ""]
        if self.skipped:
            return "\n".join(lines + [f"Skipped: {self.skipped}"])
        if self.error:
            lines += [f"Stopped, nothing committed: {self.error}", ""]
        lines += ["| documents | count |", "|---|---|"]
        for name in ("new", "changed", "unchanged", "removed"):
            lines.append(f"| {name} | {getattr(self, name)} |")
        lines += [
            f"| failed | {len(self.failed)} |",
            f"| processed / reused from cache | {self.processed} / {self.reused} |",
            "",
        ]
        lines += [f"Store: {', '.join(f'{k} {v}' for k, v in self.counts.items())}.", ""]
        lines += ["Stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in self.stages.items()), ""]
        if self.commit_steps:
            reused = (
                f" (the SQLite file of {self.reused_file_of} reused)" if self.reused_file_of else ""
            )
            lines += [
                f"Commit steps (s){reused}: "
                + ", ".join(f"{k} {v:.2f}" for k, v in self.commit_steps.items()),
                "",
            ]
        if self.gate:
            lines += [f"Gate: {self.gate}", ""]
        for f in self.failed:
            lines.append(f"- failed `{f.where}`: {f.reason}")
        return "\n".join(lines)


def finish_report(store: Store, report: IngestReport) -> IngestReport:
    """Record the run's failures in the quarantine and write the report (its generation and
    counts already filled in)."""
    store.quarantine([dict(f.to_json(), time=time.time()) for f in report.failed])
    if not report.skipped:
        folder = store.root / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        path = folder / f"{stamp}-{report.generation or 'none'}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        os.replace(tmp, path)
    return report
