"""A writer never starts from nothing when the store has committed data: a lost or bogus
CURRENT is recovered from the newest intact generation, a damaged current generation is
passed over with a message, and nothing committed is lost."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from kgqa.qa.ingest import pipeline
from kgqa.qa.store import Store, StoreWarning
from tests.unit.tiny import write_corpus


def two_generations(settings, tmp_path: Path) -> Path:
    corpus = write_corpus(tmp_path / "docs")
    assert pipeline.run([corpus], settings).committed
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "warsaw.txt").write_text("Warsaw is the capital of Poland.")
    assert pipeline.run([tmp_path / "more"], settings).committed
    return tmp_path / "more"


def documents(store: Path) -> set[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StoreWarning)
        generation = Store(store).open()
    return {row[0] for row in generation.db.execute("SELECT doc_id FROM documents")}


@pytest.mark.parametrize("pointer", [None, "../../elsewhere/gen-000001", "gen-1", "garbage\x00"])
def test_a_lost_or_bogus_current_recovers_the_newest_intact_generation(
    tiny_settings, tmp_path: Path, pointer: str | None
) -> None:
    two_generations(tiny_settings, tmp_path)
    store = tiny_settings.store
    current = store / "CURRENT"
    if pointer is None:
        current.unlink()
    else:
        current.write_text(pointer)
    with pytest.warns(StoreWarning, match="CURRENT"):
        assert Store(store).open().name == "gen-000002", "readers recover it too"
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "paris.txt").write_text("Paris is the capital of France.")
    report = pipeline.run([tmp_path / "new"], tiny_settings)
    assert report.committed and report.generation == "gen-000003"
    assert any("CURRENT" in w for w in report.warnings)
    assert documents(store) == {"curie.txt", "pierre.txt", "warsaw.txt", "paris.txt"}
    assert current.read_text().strip() == "gen-000003"


def test_nothing_to_commit_still_rewrites_a_lost_current(tiny_settings, tmp_path: Path) -> None:
    more = two_generations(tiny_settings, tmp_path)
    (tiny_settings.store / "CURRENT").unlink()
    report = pipeline.run([more], tiny_settings)
    assert not report.committed and report.unchanged == 1
    assert (tiny_settings.store / "CURRENT").read_text().strip() == "gen-000002"


def test_a_damaged_current_generation_is_passed_over_and_ingestion_goes_on(
    tiny_settings, tmp_path: Path
) -> None:
    two_generations(tiny_settings, tmp_path)
    store = tiny_settings.store
    damaged = store / "gen-000002" / "dense.faiss"
    damaged.write_bytes(damaged.read_bytes()[:100])
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "paris.txt").write_text("Paris is the capital of France.")
    report = pipeline.run([tmp_path / "new"], tiny_settings)
    assert report.committed
    assert any("gen-000002" in w and "dense.faiss" in w for w in report.warnings), report.warnings
    # built on gen-000001, the newest intact one: warsaw.txt (only in the damaged one) is gone
    # from what is served, everything of gen-000001 is there
    assert documents(store) == {"curie.txt", "pierre.txt", "paris.txt"}
    assert not list(store.glob("*.tmp"))
    assert pipeline.run([tmp_path / "more"], tiny_settings).committed, "and re-ingesting heals it"
    assert documents(store) == {"curie.txt", "pierre.txt", "paris.txt", "warsaw.txt"}
