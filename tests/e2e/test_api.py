"""The HTTP API over a real store (the sample corpus) with the shipped models."""

from __future__ import annotations

import io
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import networkx as nx
import pytest
from fastapi.testclient import TestClient

from tests.conftest import SAMPLE, served

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service(sample_store: Path, tmp_path_factory: pytest.TempPathFactory):
    from kgqa.qa.serve.service import QAService
    from kgqa.qa.settings import Settings

    store = tmp_path_factory.mktemp("api") / "store"
    shutil.copytree(sample_store, store)
    service = QAService(Settings(store=store))
    service.warm_up()
    return service


def client(service, **limits) -> TestClient:
    from kgqa.qa.serve.api import create_app

    settings = service.settings.model_copy(update=limits)
    return TestClient(
        create_app(settings, service), raise_server_exceptions=False, base_url="http://localhost"
    )


def test_every_route_answers_from_the_sample_store(served_sample: str) -> None:
    with httpx.Client(base_url=served_sample, timeout=60) as http:
        health = http.get("/health").json()
        assert health["status"] == "ok" and health["generation"].startswith("gen-")

        asked = http.post("/ask", json={"question": "Who invented the World Wide Web?"}).json()
        assert asked["generation"] == health["generation"]
        assert asked["no_answer"] is False
        best = asked["answers"][0]
        assert best["text"] == "Tim Berners-Lee" and best["doc_id"] == "tim_berners_lee.txt"
        document = (SAMPLE / "tim_berners_lee.txt").read_text()
        assert document[best["start"] : best["end"]] == "Tim Berners-Lee"

        hits = http.post(
            "/search", json={"query": "Einstein patent office", "k": 2, "mode": "bm25"}
        ).json()
        assert len(hits["hits"]) == 2 and hits["hits"][0]["doc_id"] == "albert_einstein.md"
        reranked = http.post(
            "/search",
            json={"query": "Who founded the Pasteur Institute?", "k": 3, "mode": "hybrid+reader"},
        ).json()
        # a passage that says who founded it leads (not MIT's, which the reader alone prefers)
        assert reranked["hits"][0]["doc_id"] in {"louis_pasteur.txt", "paris.txt"}

        context = "The Eiffel Tower was finished in 1889 for the World's Fair in Paris."
        read = http.post(
            "/read",
            json={
                "question": "When was the Eiffel Tower finished?",
                "context": context,
                "id": "e1",
            },
        ).json()
        assert (
            read["id"] == "e1" and context[read["start"] : read["end"]] == read["answer"] == "1889"
        )

        found = http.get("/entities", params={"q": "curie"}).json()["entities"]
        assert found and "Curie" in found[0]["name"]
        entity = http.get(f"/entities/{found[0]['id']}").json()
        assert entity["mentions"] and all(m["doc_id"] for m in entity["mentions"])
        assert entity["edges"] and all(e["evidence"] for e in entity["edges"])

        near = http.get("/graph/neighbourhood", params={"entity": found[0]["id"], "hops": 1}).json()
        ids = {n["id"] for n in near["nodes"]}
        assert near["center"] == found[0]["id"] and len(ids) > 1
        assert all(e["source"] in ids and e["target"] in ids for e in near["edges"])
        assert all(-1.5 <= n["x"] <= 1.5 for n in near["nodes"])

        stats = http.get("/stats").json()
        graphml = http.get("/export", params={"format": "graphml"})
        assert graphml.headers["x-kgqa-generation"] == stats["generation"]
        reloaded = nx.read_graphml(io.BytesIO(graphml.content))
        assert (reloaded.number_of_nodes(), reloaded.number_of_edges()) == (
            stats["nodes"],
            stats["edges"],
        )
        csv = zipfile.ZipFile(io.BytesIO(http.get("/export", params={"format": "csv"}).content))
        assert sorted(csv.namelist()) == ["edges.csv", "nodes.csv"]
        assert len(csv.read("nodes.csv").decode().splitlines()) == stats["nodes"] + 1

        assert "<title>kgqa</title>" in http.get("/").text
        assert "/ask" in http.get("/openapi.json").json()["paths"]


def test_no_answer_when_the_documents_do_not_say(served_sample: str) -> None:
    asked = httpx.post(
        f"{served_sample}/ask",
        timeout=60,
        json={"question": "What is the boiling point of mercury on Mars?"},
    ).json()
    assert asked["no_answer"] is True and asked["answers"] == [] and asked["hits"]


def test_api_key_guards_every_route_but_health(service) -> None:
    http = client(service, api_key="s3cret")
    assert http.get("/health").status_code == 200
    for method, path, body in [
        ("POST", "/ask", {"question": "Who invented the World Wide Web?"}),
        ("POST", "/search", {"query": "Nobel"}),
        ("GET", "/stats", None),
        ("GET", "/entities?q=paris", None),
        ("GET", "/export?format=json", None),
    ]:
        assert http.request(method, path, json=body).status_code == 401, path
        assert (
            http.request(method, path, json=body, headers={"X-API-Key": "wrong"}).status_code == 401
        ), path
        assert (
            http.request(method, path, json=body, headers={"X-API-Key": "s3cret"}).status_code
            == 200
        ), path
    assert http.get("/stats", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    # The page holds no data and asks for the key; a key in the address is not accepted.
    assert http.get("/").status_code == 200
    assert http.get("/stats?api_key=s3cret").status_code == 401
    assert client(service).get("/stats").status_code == 200  # no key set: open


def test_limits_and_malformed_requests_name_the_field(service) -> None:
    http = client(service, max_question_chars=50, max_top_k=10, max_request_bytes=2_000)

    def field(response: httpx.Response) -> list[str]:
        assert response.status_code == 422, response.text
        return [".".join(map(str, d["loc"])) for d in response.json()["detail"]]

    assert field(http.post("/ask", json={"question": "x" * 51})) == ["body.question"]
    assert field(http.post("/ask", json={"question": "   "})) == ["body.question"]
    assert field(http.post("/ask", json={"question": "Who?", "top_k": 11})) == ["body.top_k"]
    assert field(http.post("/ask", json={"question": "Who?", "top_k": 0})) == ["body.top_k"]
    assert field(http.post("/search", json={"query": "Nobel", "mode": "psychic"})) == ["body.mode"]
    assert field(http.post("/ask", json={})) == ["body.question"]
    assert field(
        http.post("/ask", content=b'{"question": ', headers={"Content-Type": "application/json"})
    )[0].startswith("body")
    assert field(http.get("/export", params={"format": "docx"})) == ["query.format"]
    assert field(http.get("/graph/neighbourhood", params={"entity": "Paris", "hops": 9})) == [
        "query.hops"
    ]

    big = {"question": "Who?", "padding": "x" * 5_000}
    assert http.post("/ask", json=big).status_code == 413
    chunks = (b"x" * 1_000 for _ in range(5))  # no Content-Length: counted while streaming
    streamed = http.post("/ask", content=chunks, headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413 and "max_request_bytes" in streamed.json()["detail"]

    assert http.get("/entities/no-such-thing").status_code == 404
    slow = client(service, request_timeout_seconds=0.001)
    timed_out = slow.post("/ask", json={"question": "Who founded the Pasteur Institute?"})
    assert timed_out.status_code == 504 and "request_timeout_seconds" in timed_out.json()["detail"]


def test_a_new_generation_is_served_without_restart_or_errors(
    sample_store: Path, tmp_path: Path
) -> None:
    from kgqa.flows.ingest import ingest_flow
    from kgqa.qa.serve.api import create_app
    from kgqa.qa.settings import Settings

    store = tmp_path / "store"
    shutil.copytree(sample_store, store)
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE, corpus)
    # Four clients at once: room for all of them (2 computing, 2 waiting), since this test is
    # about the swap, not about shedding load.
    settings = Settings(store=store, serve_queue=2)
    seen: list[tuple[int, str]] = []
    stop = threading.Event()

    def hammer(url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            while not stop.is_set():
                r = http.post("/search", json={"query": "Ada Lovelace analytical engine"})
                seen.append((r.status_code, r.json().get("generation", "")))

    with served(create_app(settings)) as url:
        before = httpx.get(f"{url}/health").json()["generation"]
        threads = [threading.Thread(target=hammer, args=(url,)) for _ in range(4)]
        for t in threads:
            t.start()
        (corpus / "ada_lovelace.txt").write_text(
            "Ada Lovelace wrote the first published program for Charles Babbage's Analytical "
            "Engine in 1843.\n"
        )
        report = ingest_flow.fn(
            [str(corpus)], settings=settings.model_dump(mode="json"), show_progress=False
        )
        assert report["committed"]
        after = report["generation"]
        deadline = threading.Event()
        for _ in range(200):
            if seen and seen[-1][1] == after:
                break
            deadline.wait(0.1)
        stop.set()
        for t in threads:
            t.join()
        top = httpx.post(f"{url}/search", json={"query": "Ada Lovelace analytical engine"}).json()

    assert after != before
    assert seen and all(status == 200 for status, _ in seen)
    assert {g for _, g in seen} <= {before, after} and seen[-1][1] == after
    assert top["generation"] == after and top["hits"][0]["doc_id"] == "ada_lovelace.txt"


@pytest.fixture(scope="module")
def api_app(service) -> Iterator:
    from kgqa.qa.serve.api import create_app

    # schemathesis calls the app as the test client's host, "testserver"
    yield create_app(service.settings.model_copy(update={"allowed_hosts": ["testserver"]}), service)


def test_openapi_fuzzing_finds_no_server_error(api_app) -> None:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings

    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=25,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def check(case) -> None:
            response = case.call()
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.body!r} "
                    f"{case.query!r}: {response.status_code} {response.text[:200]}"
                )

        check()
    assert not failures, "\n".join(failures[:10])


def test_overview_says_what_the_store_holds_and_what_it_can_answer(service) -> None:
    http = client(service)
    stats = http.get("/stats").json()
    first = http.get("/overview").json()
    assert (first["documents"], first["entities"]) == (stats["documents"], stats["nodes"])
    assert "questions" not in first  # asking costs time: only when asked for
    mentions = [e["mention_count"] for e in first["top_entities"]]
    assert len(mentions) == 8 and mentions == sorted(mentions, reverse=True)
    found = http.get("/overview?questions=3").json()["questions"]
    assert 1 <= len(found) <= 3
    for q in found:  # each is answered as the overview says
        asked = http.post("/ask", json={"question": q["question"]}).json()
        assert asked["answers"][0]["text"] == q["answer"]
    assert http.get("/overview?questions=9").status_code == 422
