"""pipeline.run: the whole ingestion as plain Python, without Prefect."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kgqa.qa.ingest import pipeline
from kgqa.qa.ingest.cache import processing_fingerprint
from kgqa.qa.ingest.commit import models_info
from kgqa.qa.ingest.plan import reading_changes
from kgqa.qa.store import Store
from tests.unit.tiny import write_corpus


def test_run_commits_new_then_skips_unchanged_then_replaces_changed(
    tiny_settings, tmp_path: Path
) -> None:
    corpus = write_corpus(tmp_path / "docs")
    seen: list[tuple[int, int]] = []
    report = pipeline.run([corpus], tiny_settings, on_progress=lambda d, t: seen.append((d, t)))
    assert report.committed and report.new == 2
    assert [f.where for f in report.failed] == [str(corpus / "empty.txt")]
    assert seen[-1] == (2, 2)
    words = sum(len((corpus / n).read_text().split()) for n in ("curie.txt", "pierre.txt"))
    assert report.words == words
    assert report.to_json()["words_per_second"] > 0 and report.to_json()["documents_per_second"] > 0
    generation = Store(tiny_settings.store).open()
    assert generation.manifest.counts["documents"] == 2
    assert {"marie-curie:PERSON", "warsaw:GPE", "radium-institute:ORG"} <= set(generation.graph)

    again = pipeline.run([corpus], tiny_settings)
    assert not again.committed and again.unchanged == 2 and again.generation == report.generation

    (corpus / "pierre.txt").write_text("Pierre Curie was born in Paris.")
    changed = pipeline.run([corpus], tiny_settings)
    assert changed.committed and changed.changed == 1
    generation = Store(tiny_settings.store).open()
    assert "radium-institute:ORG" not in generation.graph


def test_a_batch_mapper_sees_every_document_once(tiny_settings, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "docs")
    groups_seen: list[list[str]] = []

    def mapper(groups, settings_json):
        groups_seen.extend([d.doc_id for d in g] for g in groups)
        return pipeline.map_serially(groups, settings_json)

    settings = tiny_settings.model_copy(update={"batch_documents": 1})
    report = pipeline.run([corpus], settings, map_batches=mapper)
    assert report.committed
    assert sorted(doc for group in groups_seen for doc in group) == ["curie.txt", "pierre.txt"]
    assert all(len(group) == 1 for group in groups_seen)


def test_the_library_never_imports_prefect() -> None:
    code = (
        "import sys, kgqa.qa.ingest.pipeline, kgqa.qa.serve.service, kgqa.qa.ingest.gate;"
        "sys.exit('prefect' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=300).returncode == 0


def test_a_disk_full_while_staging_leaves_the_store_as_it_was_and_a_report_saying_why(
    tiny_settings, tmp_path: Path, monkeypatch
) -> None:
    import errno
    import json

    import pytest

    corpus = write_corpus(tmp_path / "docs")
    first = pipeline.run([corpus], tiny_settings)
    (corpus / "pierre.txt").write_text("Pierre Curie was born in Paris.")
    full = tiny_settings.store / "gen-000002.tmp" / "dense.faiss"

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(full))

    monkeypatch.setattr(pipeline, "stage_results", disk_full)
    with pytest.raises(OSError):
        pipeline.run([corpus], tiny_settings)
    assert Store(tiny_settings.store).open().name == first.generation
    reports = sorted((tiny_settings.store / "reports").glob("*.json"))
    last = json.loads(reports[-1].read_text())
    assert last["committed"] is False and last["changed"] == 1
    assert last["error"] == f"{full}: No space left on device"


def test_a_file_whose_parser_hangs_is_stopped_and_skipped_and_plugin_loaders_work(
    tiny_settings, tmp_path: Path
) -> None:
    import time

    from kgqa.qa.ingest.plan import plan_ingest

    corpus = write_corpus(tmp_path / "docs")
    (corpus / "trap.hang").write_text("never parsed")
    (corpus / "note.shout").write_text("Marie Curie was born in Warsaw.")
    settings = tiny_settings.model_copy(
        update={
            "document_timeout_seconds": 3.0,
            "document_retries": 0,
            "plugins": ["tests.unit.qa.ingest.plugin_loaders"],
        }
    )
    started = time.monotonic()
    plan = plan_ingest(None, [corpus], settings, prune=False)
    assert time.monotonic() - started < 600, "planning was not held up for the trap's hour"
    failed = {Path(f.where).name: f.reason for f in plan.failed}
    assert (
        "took over 3 s" in failed["trap.hang"] and "document_timeout_seconds" in failed["trap.hang"]
    )
    assert sorted(plan.new) == ["curie.txt", "note.shout", "pierre.txt"]
    shouted = next(d for d in plan.to_process if d.doc_id == "note.shout")
    assert shouted.text == "MARIE CURIE WAS BORN IN WARSAW." and shouted.title == "Shouted"


def test_a_document_that_breaks_the_shared_extraction_pass_fails_alone(tiny_settings) -> None:
    """A task's documents are parsed in one spaCy stream; when one of them makes the parser
    raise, the others are still processed (each alone) and only that one is a failure."""
    from kgqa.qa.ingest.process import DocumentProcessor
    from kgqa.qa.ingest.report import Failure
    from kgqa.qa.store import ProcessedDocument
    from kgqa.qa.types import Document

    processor = DocumentProcessor(tiny_settings)
    processor.warm_up()
    nlp = processor.extractor._nlp

    class Brittle:  # the real pipeline, raising on one text as a parser bug would
        def pipe(self, texts):
            for doc in nlp.pipe(texts):
                if "POISON" in doc.text:
                    raise ValueError("the parser broke")
                yield doc

    processor.extractor._nlp = Brittle()
    docs = [
        Document(f"d{n}", text, f"d{n}.txt", f"h{n}")
        for n, text in enumerate(
            ["Marie Curie was born in Warsaw.", "POISON pill.", "Pierre Curie was born in Paris."]
        )
    ]
    out = processor.process_many(docs)
    assert [type(item) for item in out] == [ProcessedDocument, Failure, ProcessedDocument]
    assert "d1" in out[1].reason and "the parser broke" in out[1].reason
    assert [m.text for m in out[2].mentions] == ["Pierre Curie", "Paris"]
    assert out[0].vectors.shape[0] == len(out[0].passages)


def test_a_commit_reuses_the_file_of_the_generation_it_prunes(
    tiny_settings, tmp_path: Path
) -> None:
    corpus = write_corpus(tmp_path / "docs")
    settings = tiny_settings.model_copy(update={"keep_generations": 2})
    reports = [pipeline.run([corpus], settings)]
    for town in ("Paris", "Lyon", "Warsaw"):
        (corpus / "pierre.txt").write_text(f"Pierre Curie was born in {town}.")
        reports.append(pipeline.run([corpus], settings))
    assert all(r.committed for r in reports)
    # the first two commits had no generation to prune; each one after took the file of the
    # generation it pruned, and says so in its report
    assert [r.to_json()["reused_file_of"] for r in reports] == [
        None,
        None,
        "gen-000001",
        "gen-000002",
    ]
    assert {"copy", "apply", "graph", "checkpoint"} <= set(reports[-1].commit_steps)
    generation = Store(settings.store).open()
    pierre = generation.db.execute(
        "SELECT text FROM documents WHERE doc_id LIKE '%pierre.txt'"
    ).fetchone()[0]
    assert pierre == "Pierre Curie was born in Warsaw."
    assert "lyon:GPE" not in generation.graph and "warsaw:GPE" in generation.graph


def test_documents_read_with_other_settings_are_named_and_reprocess_reads_them_again(
    tiny_settings, tmp_path: Path
) -> None:
    corpus = write_corpus(tmp_path / "docs")
    assert pipeline.run([corpus], tiny_settings).committed
    labels = [label for label in tiny_settings.entity_labels if label != "ORG"]
    no_orgs = tiny_settings.model_copy(update={"entity_labels": labels})
    skipped = pipeline.run([corpus], no_orgs)
    assert not skipped.committed and skipped.unchanged == 2
    (note,) = [w for w in skipped.warnings if "--reprocess" in w]
    assert note.startswith("2 unchanged document(s)") and "entity_labels: [" in note
    assert "radium-institute:ORG" in Store(tiny_settings.store).open().graph

    again = pipeline.run([corpus], no_orgs, reprocess=True)
    assert again.committed and again.changed == 2 and again.unchanged == 0
    assert not [w for w in again.warnings if "--reprocess" in w]
    graph = Store(tiny_settings.store).open().graph
    assert "radium-institute:ORG" not in graph and "marie-curie:PERSON" in graph
    # read with this run's settings now: nothing more to say
    assert not [w for w in pipeline.run([corpus], no_orgs).warnings if "--reprocess" in w]


def test_new_relation_weights_in_the_same_folder_are_named_as_a_reading_change(
    tiny_settings, tmp_path: Path
) -> None:
    # a user's relation model folder whose weights are replaced (a retrained model, or a kgqa
    # upgrade that ships new weights under the same path): the store must know it was read
    # by other weights, though the relation_model setting is the same
    folder = tmp_path / "relations"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights of the first model")
    joint = tiny_settings.model_copy(
        update={"relation_model": str(folder), "relation_extractors": ["dependency", "joint"]}
    )
    first = models_info(joint, 0)["relation_model_sha256"]
    assert first is not None and len(first) == 16
    # nor may results the first weights left in the cache (a killed run's) be taken as the
    # second weights' (the folder's .json files are the same)
    cached_under = processing_fingerprint(joint)
    corpus = write_corpus(tmp_path / "docs")
    assert pipeline.run([corpus], tiny_settings).committed
    generation = Store(tiny_settings.store).open()
    generation.manifest.models["relation_model_sha256"] = first  # as if read by the first
    assert not [c for c in reading_changes(generation, joint, models_info(joint, 0))
                if c.startswith("relation_model_sha256")]  # fmt: skip
    (folder / "model.safetensors").write_bytes(b"weights of the second model")
    second = models_info(joint, 0)["relation_model_sha256"]
    assert second not in (None, first)
    assert processing_fingerprint(joint) != cached_under
    assert f"relation_model_sha256: {first} -> {second}" in reading_changes(
        generation, joint, models_info(joint, 0)
    )
    # without the joint extractor no weights read the documents
    assert models_info(tiny_settings, 0)["relation_model_sha256"] is None
