"""One-shot commands through the store's warm process: started on demand, one per store even
when commands race, the same answers as a command that loads its own models, a new generation
picked up, a killed process replaced, stopped when asked or idle."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

QUESTION = "Who founded the Pasteur Institute?"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kgqa.flows.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=600,
    )


def processes(env: dict[str, str]) -> list[dict]:
    done = run("warm", "status", "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def answers(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    assert done.returncode == 0, done.stderr
    return [(a["text"], a["doc_id"]) for a in json.loads(done.stdout)["answers"]]


@pytest.fixture
def warm_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {"KGQA_WARM": "true", "XDG_RUNTIME_DIR": str(runtime)}
    yield env
    run("warm", "stop", "--all", env=env)


def test_commands_share_one_warm_process_per_store(
    sample_store_copy: Path, tmp_path: Path, warm_env: dict[str, str]
) -> None:
    store = str(sample_store_copy)
    cold = run("ask", QUESTION, "--store", store, "--json", env={"KGQA_WARM": "false"})
    # two commands racing to start it: both answer, and one process serves the store
    ask = ("ask", QUESTION, "--store", store, "--json")
    with ThreadPoolExecutor(2) as pool:
        first = list(pool.map(lambda _: run(*ask, env=warm_env), range(2)))
    assert all(answers(done) == answers(cold) for done in first)
    assert any("starting a warm kgqa process" in done.stderr for done in first)
    (process,) = processes(warm_env)
    assert process["store"] == str(sample_store_copy.resolve())
    # later commands reuse it: nothing starts, and search, stats, entity answer through it
    again = run(*ask, env=warm_env)
    assert answers(again) == answers(cold) and "starting" not in again.stderr
    stats = run("stats", "--store", store, "--json", env=warm_env)
    assert json.loads(stats.stdout)["documents"] == 23 and "starting" not in stats.stderr
    entity = run("entity", "Louis Pasteur", "--store", store, "--json", env=warm_env)
    assert json.loads(entity.stdout)["label"] == "Louis Pasteur"
    assert [p["pid"] for p in processes(warm_env)] == [process["pid"]]

    # an ingest that commits a new generation is answered from without a restart
    corpus = tmp_path / "new"
    corpus.mkdir()
    (corpus / "quokka.txt").write_text(
        "The Quokka Society was founded by Maren Telvik in 1961 in Perth.", encoding="utf-8"
    )
    ingest = run("ingest", str(corpus), "--store", store, "--no-prefect", env=warm_env)
    assert ingest.returncode == 0, ingest.stderr
    new = run("ask", "Who founded the Quokka Society?", "--store", store, "--json", env=warm_env)
    assert answers(new)[0] == ("Maren Telvik", "quokka.txt")

    # a killed process is replaced by the next command
    os.kill(process["pid"], signal.SIGKILL)
    after = run(*ask, env=warm_env)
    assert answers(after) == answers(cold)
    (replaced,) = processes(warm_env)
    assert replaced["pid"] != process["pid"]

    stop = run("warm", "stop", "--store", store, env=warm_env)
    assert "stopped 1 warm process" in stop.stdout
    assert processes(warm_env) == []


def test_a_warm_process_stops_when_idle(sample_store: Path, warm_env: dict[str, str]) -> None:
    env = {**warm_env, "KGQA_WARM_IDLE_SECONDS": "8"}  # long enough for the next command
    done = run("search", "Pasteur", "--store", str(sample_store), "--json", env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["hits"]
    assert len(processes(env)) == 1
    deadline = time.monotonic() + 60
    while processes(env) and time.monotonic() < deadline:
        time.sleep(1)
    assert processes(env) == []


def test_a_store_made_again_at_the_same_path_is_answered_from(
    tmp_path: Path, warm_env: dict[str, str]
) -> None:
    # the new store's first generation has the old one's name: it is still the new store
    store = tmp_path / "store"
    for text, count in (
        ("The Quokka Society was founded by Maren Telvik in 1961 in Perth.", 1),
        (
            "The Lumen Guild was founded by Ansel Okafor in 1974 in Lagos.\n\n"
            "The Harrow Trust was founded by Edda Vos in 1988 in Utrecht.",
            2,
        ),
    ):
        if store.exists():
            shutil.rmtree(store)
        corpus = tmp_path / f"corpus{count}"
        corpus.mkdir()
        for number, paragraph in enumerate(text.split("\n\n")):
            (corpus / f"{number}.txt").write_text(paragraph, encoding="utf-8")
        ingest = run("ingest", str(corpus), "--store", str(store), "--no-prefect", env=warm_env)
        assert ingest.returncode == 0, ingest.stderr
        stats = run("stats", "--store", str(store), "--json", env=warm_env)
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["documents"] == count
    asked = run(
        "ask", "Who founded the Harrow Trust?", "--store", str(store), "--json", env=warm_env
    )
    assert answers(asked)[0] == ("Edda Vos", "1.txt")
    assert len(processes(warm_env)) == 1


def test_the_warm_process_says_what_a_command_alone_would_and_follows_a_retrained_model(
    sample_store: Path, tmp_path: Path, warm_env: dict[str, str]
) -> None:
    # a reader whose verifier was made for other features: ignored, with a warning that must
    # reach the user through the warm process too, on every command
    shipped = Path(__file__).resolve().parents[2] / "data" / "reader"
    reader = tmp_path / "reader"
    reader.mkdir()
    for file in shipped.iterdir():
        if file.name != "verifier.json":
            (reader / file.name).symlink_to(file)
    verifier = json.loads((shipped / "verifier.json").read_text())
    (reader / "verifier.json").write_text(json.dumps({**verifier, "version": 1}))
    env = {**warm_env, "KGQA_READER_MODEL": str(reader)}
    ask = ("ask", "Where was Marie Curie born?", "--store", str(sample_store))
    for _ in range(2):
        done = run(*ask, env=env)
        assert done.returncode == 0, done.stderr
        assert "warning:" in done.stderr and "train it again" in done.stderr
        assert "Warsaw (score" in done.stdout  # the reader's margin, not a probability
    # trained again in place: the next command is answered with the new verifier
    (reader / "verifier.json").write_text(json.dumps(verifier))
    done = run(*ask, env=env)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr and "starting a warm kgqa process" in done.stderr
    assert "Warsaw (" in done.stdout and "% sure)" in done.stdout
    # and the process that held the old verifier is stopped, not left holding its models
    (process,) = processes(env)
    assert process["reader"] == str(reader)
