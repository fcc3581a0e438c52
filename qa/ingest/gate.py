"""The quality gate: a new generation becomes current only if retrieval did not get worse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kgqa.kg.extract import load_spacy
from kgqa.qa.choices import split_mode
from kgqa.qa.retrieval.embed import PassageEmbedder
from kgqa.qa.retrieval.retriever import Retriever
from kgqa.qa.settings import Settings
from kgqa.qa.squad import SquadExample, load_squad
from kgqa.qa.store import Generation


def gate_recall(
    generation: Generation,
    embedder: PassageEmbedder,
    settings: Settings,
    questions: list[SquadExample],
    k: int = 5,
) -> float:
    """Share of answerable questions with a gold answer's text in one of the top-k passages."""
    mode = split_mode(settings.search_mode)[0]  # the gate measures retrieval, not reranking
    # The ranking served: the same fusion weights, graph weight and question linking.
    nlp = load_spacy(settings.spacy_model) if settings.link_with_ner and "graph" in mode else None
    retriever = Retriever(generation, embedder, settings.retrieval(), nlp)
    answerable = [q for q in questions if q.answers]
    if not answerable:
        return 0.0
    found = 0
    for q in answerable:
        texts = [h.passage.text for h in retriever.search(q.question, k, mode)]
        found += any(a in t for a, _ in q.answers for t in texts)
    return found / len(answerable)


def check_gate(
    current: Generation | None, candidate: Generation, settings: Settings, gate_file: Path
) -> dict[str, Any]:
    """Recall@5 of the candidate and the current generation; ``passed`` says whether the
    candidate may become current (no drop beyond ``gate_tolerance``)."""
    questions = load_squad([gate_file])
    embedder = PassageEmbedder.configured(settings.embedding())
    new = gate_recall(candidate, embedder, settings, questions)
    old = gate_recall(current, embedder, settings, questions) if current is not None else None
    passed = old is None or new >= old - settings.gate_tolerance
    return {
        "file": str(gate_file),
        "questions": sum(1 for q in questions if q.answers),
        "recall@5": round(new, 4),
        "current_recall@5": None if old is None else round(old, 4),
        "tolerance": settings.gate_tolerance,
        "passed": passed,
    }
