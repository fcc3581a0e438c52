"""A generation's manifest and the names of a store's folders: layout version, counts,
checksums, models, settings and graph rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kgqa.qa.types import QAError

if TYPE_CHECKING:  # the graph library (networkx, numpy) loads only where rules are written
    from kgqa.kg.graph import MergeRules

LAYOUT_VERSION = 2
GEN_PREFIX = "gen-"


class StoreError(QAError):
    """The store cannot be opened, locked or committed; the message says what to do."""


@dataclass
class Manifest:
    generation: int
    created: float
    counts: dict[str, int]
    files: dict[str, str]
    models: dict[str, Any]
    layout_version: int = LAYOUT_VERSION
    settings: dict[str, Any] = field(default_factory=dict)
    content_digest: str = ""
    content_digest_kind: str = ""
    graph_rules: dict[str, Any] = field(default_factory=dict)
    base: int | None = None  # the generation this one was committed on
    # files checksummed in chunks: name -> {"size", "chunk", "sha256": [one per chunk]}
    chunked: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        """A manifest as manifest.json holds it. Fields that an older kgqa did not write take
        their defaults; KeyError, TypeError or ValueError when a required one is missing or
        malformed."""
        return cls(
            generation=int(data["generation"]),
            created=float(data["created"]),
            counts={str(k): int(v) for k, v in data["counts"].items()},
            files={str(k): str(v) for k, v in data["files"].items()},
            models=dict(data["models"]),
            layout_version=int(data.get("layout_version", 0)),
            settings=dict(data.get("settings") or {}),
            content_digest=str(data.get("content_digest", "")),
            content_digest_kind=str(data.get("content_digest_kind", "")),
            graph_rules=dict(data.get("graph_rules") or {}),
            base=None if data.get("base") is None else int(data["base"]),
            chunked=dict(data.get("chunked") or {}),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "layout_version": self.layout_version,
            "generation": self.generation,
            "base": self.base,
            "created": self.created,
            "counts": self.counts,
            "content_digest": self.content_digest,
            "content_digest_kind": self.content_digest_kind,
            "graph_rules": self.graph_rules,
            "files": self.files,
            "chunked": self.chunked,
            "models": self.models,
            "settings": self.settings,
        }


def rules_json(rules: MergeRules | None) -> dict[str, Any]:
    from kgqa.kg.graph import MergeRules

    rules = rules or MergeRules({}, [])
    return {
        "always_merge": dict(sorted(rules.always.items())),
        "never_merge": sorted([list(p) for p in rules.never]),
    }


def rules_of(manifest: Manifest) -> dict[str, Any]:
    """The merge rules a generation's graph was built with (none for older manifests)."""
    return manifest.graph_rules or rules_json(None)


GEN_NAME = re.compile(GEN_PREFIX + r"\d{6}")
# A marker file in a generation folder that the quality gate refused (not part of its manifest).
REJECTED = "REJECTED"


class StoreWarning(UserWarning):
    """The store served or recovered something other than what CURRENT names."""


def gen_name(number: int) -> str:
    return f"{GEN_PREFIX}{number:06d}"
