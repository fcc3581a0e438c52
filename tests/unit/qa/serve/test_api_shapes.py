"""The HTTP API declares its response shapes in OpenAPI, and declaring them changes no JSON."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kgqa.qa.ingest import pipeline
from kgqa.qa.serve import schemas
from kgqa.qa.serve.api import create_app
from kgqa.qa.serve.service import QAService
from tests.unit.tiny import write_corpus


def test_routes_document_their_responses_and_return_what_the_service_gives(
    tiny_settings, tmp_path: Path
) -> None:
    pipeline.run([write_corpus(tmp_path / "docs")], tiny_settings)
    service = QAService(tiny_settings)
    client = TestClient(create_app(tiny_settings, service), base_url="http://localhost")
    paths = client.get("/openapi.json").json()["paths"]
    for path, method, shape in [
        ("/ask", "post", "AskResponse"),
        ("/search", "post", "SearchResponse"),
        ("/read", "post", "ReadResponse"),
        ("/entities", "get", "EntitiesResponse"),
        ("/entities/{entity_id}", "get", "EntityResponse"),
        ("/graph/neighbourhood", "get", "NeighbourhoodResponse"),
        ("/stats", "get", "StatsResponse"),
        ("/health", "get", "Health"),
    ]:
        ok = paths[path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": f"#/components/schemas/{shape}"}, (path, ok)

    asked = client.post("/ask", json={"question": "Where was Marie Curie born?"}).json()
    assert asked == service.ask("Where was Marie Curie born?").to_json()
    schemas.AskResponse.model_validate(asked)
    entity = client.get("/entities/marie-curie:PERSON").json()
    assert entity == service.entity("marie-curie:PERSON").to_json()
    schemas.EntityResponse.model_validate(entity)
    found = client.post("/search", json={"query": "Radium Institute", "k": 2}).json()
    schemas.SearchResponse.model_validate(found)
    assert found["hits"][0]["doc_id"] == "pierre.txt"
