"""Shared fixtures: a Prefect test server per session, tiny local models, a sample store."""

from __future__ import annotations

import contextlib
import os
import shutil
import string
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Commands run here answer in their own process: a warm process per test store would stay for
# minutes holding its models. tests/e2e/test_warm.py turns it on where it is under test.
os.environ.setdefault("KGQA_WARM", "false")

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
SAMPLE_QUESTIONS = REPO / "data" / "sample_questions.jsonl"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Training's cache of readings in a folder of the session's, not in the user's."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("KGQA_CACHE_DIR")
    os.environ["KGQA_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        del os.environ["KGQA_CACHE_DIR"]
    else:
        os.environ["KGQA_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """One Prefect test server for the whole session; yields its API URL for subprocesses."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


def build_vocab(words: list[str] = ()) -> dict[str, int]:
    """A WordPiece vocab that spells any ASCII text character by character (plus ``words``)."""
    chars = string.ascii_lowercase + string.digits + string.punctuation
    tokens = (
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(chars) + ["##" + c for c in chars]
    )
    tokens += [w for w in dict.fromkeys(words) if w not in tokens]
    return {t: i for i, t in enumerate(tokens)}


def build_tiny_qa_model(folder: Path, kind: str = "bert") -> Path:
    """A randomly initialised 2-layer QA model with a character vocab, saved to ``folder``."""
    import torch
    from transformers import (
        BertConfig,
        BertForQuestionAnswering,
        BertTokenizerFast,
        DistilBertConfig,
        DistilBertForQuestionAnswering,
        DistilBertTokenizerFast,
    )

    torch.manual_seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    vocab = build_vocab()
    if kind == "bert":
        tokenizer = BertTokenizerFast(vocab=vocab, do_lower_case=True)
        config = BertConfig(
            vocab_size=tokenizer.vocab_size,
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=512,
        )
        model = BertForQuestionAnswering(config)
    else:
        tokenizer = DistilBertTokenizerFast(vocab=vocab, do_lower_case=True)
        config = DistilBertConfig(
            vocab_size=tokenizer.vocab_size,
            dim=32,
            n_layers=2,
            n_heads=2,
            hidden_dim=64,
            max_position_embeddings=512,
        )
        model = DistilBertForQuestionAnswering(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_word_model(folder: Path, texts: list[str], hidden: int, question_answering: bool) -> Path:
    """A tiny randomly initialised BERT whose vocabulary holds every word of ``texts``, so that
    one token is one word; with a QA head, or a bare encoder (a head is added in training)."""
    import re

    import torch
    from transformers import BertConfig, BertForQuestionAnswering, BertModel, BertTokenizerFast

    words = {w.lower() for text in texts for w in re.findall(r"\w+", text)}
    torch.manual_seed(0)
    tokenizer = BertTokenizerFast(vocab=build_vocab(sorted(words)), do_lower_case=True)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hidden,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=2 * hidden,
        max_position_embeddings=128,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )
    model = BertForQuestionAnswering(config) if question_answering else BertModel(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_qa_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_qa_model(tmp_path_factory.mktemp("tiny-bert-qa"), "bert")


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus ingested once with the real packaged models (``pipeline.run``)."""
    from kgqa.qa.ingest import pipeline
    from kgqa.qa.settings import Settings

    store = tmp_path_factory.mktemp("sample") / "store"
    report = pipeline.run([SAMPLE], Settings(store=store))
    assert report.committed and not report.failed
    return store


def store_of(root: Path, files: dict[str, str]) -> Path:
    """A store (``root/store``) of text files written under ``root`` by name, ingested in
    process with the real packaged models."""
    for name, text in files.items():
        (root / name).write_text(text)
    return ingested(root, [root / name for name in files])


def ingested(root: Path, paths: list[Path]) -> Path:
    """A store (``root/store``) of the files ``paths`` (a user set's documents), ingested in
    process with the real packaged models."""
    from kgqa.qa.ingest import pipeline
    from kgqa.qa.settings import Settings

    settings = Settings(store=root / "store", document_timeout_seconds=0, warm=False)
    assert pipeline.run(paths, settings).committed
    return root / "store"


def graph_json(store: Path, root: Path) -> dict[str, Any]:
    """The graph of ``store`` as `kgqa export --format json` writes it (under ``root``)."""
    import json

    from typer.testing import CliRunner

    from kgqa.flows.cli import app

    out = root / "graph.json"
    result = CliRunner().invoke(
        app, ["export", "--format", "json", "--out", str(out), "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def asked(store: Path, question: str, **env: str) -> list[str]:
    """The answers `kgqa ask QUESTION --json` shows over ``store`` (settings in ``env``)."""
    import json

    from typer.testing import CliRunner

    from kgqa.flows.cli import app

    result = CliRunner().invoke(
        app, ["ask", question, "--store", str(store), "--json"], env={"KGQA_WARM": "false", **env}
    )
    assert result.exit_code == 0, result.output
    return [a["text"] for a in json.loads(result.stdout.strip().splitlines()[-1])["answers"]]


@pytest.fixture
def sample_store_copy(sample_store: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(sample_store, target)
    return target


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLE, target)
    return target


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """Run an ASGI app under uvicorn in a thread on a free port; yields its base URL."""
    import socket

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def served_sample(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The HTTP API with the default (shipped) models over a copy of the sample store."""
    from kgqa.qa.serve.api import create_app
    from kgqa.qa.settings import Settings

    store = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(sample_store, store)
    with served(create_app(Settings(store=store))) as url:
        yield url
