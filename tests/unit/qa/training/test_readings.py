"""Training's cache of the reader's readings: a run again reads nothing twice, and a reader
trained again (or read another way) never gets another reader's readings."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from kgqa.qa.reader.extractive import ExtractiveReader
from kgqa.qa.settings import ReaderConfig, Settings
from kgqa.qa.training import verifier as verifier_training
from kgqa.qa.training.readings import ReadingCache, reader_key
from kgqa.qa.training.verifier import ReadSet, read_all, read_candidates

CONTEXT = "Marie Curie was born in Warsaw in 1867. She moved to Paris in 1891."


def config_of(folder: Path, **changes: object) -> ReaderConfig:
    config = Settings(reader_model=str(folder), **changes).reader()  # type: ignore[arg-type]
    assert config is not None
    return config


def test_the_key_follows_the_weights_and_the_reading_settings_not_the_verifier(
    tiny_qa_model: Path, tmp_path: Path
) -> None:
    reader = tmp_path / "reader"
    shutil.copytree(tiny_qa_model, reader)
    key = reader_key(config_of(reader))
    (reader / "verifier.json").write_text("{}")  # trained beside it: reads the same
    assert reader_key(config_of(reader)) == key
    assert reader_key(config_of(reader, reader_batch_size=3)) == key
    assert reader_key(config_of(reader, reader_stride=64)) != key
    weights = next(reader.glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes() + b" ")  # trained again
    assert reader_key(config_of(reader)) != key


def test_a_second_run_reads_only_what_the_first_did_not(
    tiny_qa_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_of(tiny_qa_model)
    reader = ExtractiveReader.configured(config)
    read_pairs: list[int] = []
    real_read = reader.read

    def counted(questions: list[str], contexts: list[str]) -> list:
        read_pairs.append(len(questions))
        return real_read(questions, contexts)

    monkeypatch.setattr(reader, "read", counted)
    first = [ReadSet("q1", "closed", "Where was Marie Curie born?", (CONTEXT,), (0,), ("Warsaw",))]
    more = first + [ReadSet("q2", "closed", "When did she move?", (CONTEXT,), (0,), ("1891",))]
    cache = ReadingCache(tmp_path, config)
    before = read_candidates(reader, first, progress=lambda _: None, cache=cache)
    assert read_pairs == [1] and before
    # another process, later: the first pair is kept on disk, only the new one is read
    again = ReadingCache(tmp_path, config)
    after = read_candidates(reader, more, progress=lambda _: None, cache=again)
    assert read_pairs == [1, 1] and again.count([("When did she move?", CONTEXT)]) == 1
    kept = [c for c in after if c.set_index == 0]
    assert [c.text for c in kept] == [c.text for c in before]
    assert all(np.array_equal(a.row, b.row) for a, b in zip(kept, before, strict=True))


def test_a_cache_that_cannot_be_written_is_named_and_training_reads_on(
    tiny_qa_model: Path, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("")
    sets = [ReadSet("q1", "closed", "Where was Marie Curie born?", (CONTEXT,), (0,), ("Warsaw",))]
    said: list[str] = []
    (found,) = read_all(config_of(tiny_qa_model), [sets], 1, said.append, cache=not_a_folder)
    assert found and any(
        "readings are not kept" in line and str(not_a_folder) in line for line in said
    )


def test_training_says_how_far_the_reader_processes_are(
    tiny_qa_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verifier_training, "PROGRESS_SECONDS", 0.2)
    sets = [ReadSet("q1", "closed", "Where was Marie Curie born?", (CONTEXT,), (0,), ("Warsaw",))]
    said: list[str] = []
    read_all(config_of(tiny_qa_model), [sets], 1, said.append, cache=tmp_path)
    assert said[0].startswith("0 of 1 readings kept in ")
    assert any(line.startswith("0 of 1 readings done (") for line in said)  # while loading
    # and the reading is kept: a run again finds it
    said.clear()
    read_all(config_of(tiny_qa_model), [sets], 1, said.append, cache=tmp_path)
    assert said[0].startswith("1 of 1 readings kept in ")
