"""The quality gate measures the ranking that is served, with the same settings."""

from __future__ import annotations

from pathlib import Path

from kgqa.qa.ingest import pipeline
from kgqa.qa.ingest.gate import gate_recall
from kgqa.qa.retrieval.embed import PassageEmbedder
from kgqa.qa.serve.service import QAService
from kgqa.qa.squad import SquadExample
from kgqa.qa.store import Store
from tests.unit.tiny import write_corpus

QUESTION = SquadExample("q1", "gate", "", "where was marie curie born?", (("Warsaw", 0),))


def test_gate_links_question_entities_with_ner_like_the_service(
    tiny_settings, tmp_path: Path
) -> None:
    pipeline.run([write_corpus(tmp_path / "docs")], tiny_settings)
    settings = tiny_settings.model_copy(update={"search_mode": "graph"})
    served = QAService(settings).search(QUESTION.question, 5)
    assert any("Warsaw" in h.passage.text for h in served)
    generation = Store(settings.store).open()
    embedder = PassageEmbedder.configured(settings.embedding())
    assert gate_recall(generation, embedder, settings, [QUESTION]) == 1.0
    no_ner = settings.model_copy(update={"link_with_ner": False})
    assert QAService(no_ner).search(QUESTION.question, 5) == []
    assert gate_recall(generation, embedder, no_ner, [QUESTION]) == 0.0
