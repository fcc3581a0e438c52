"""The routes of the HTTP API that read the store, as routers that ``create_app`` mounts
behind the API key: questions (ask, search, read, similar) and the graph (entities,
neighbourhood, export, stats). Each runs its work through the admission's ``run``."""

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, field_validator

from kgqa.kg.export import EXPORTERS
from kgqa.qa.choices import DOCUMENT_MEASURES, search_modes
from kgqa.qa.serve import schemas
from kgqa.qa.serve.admission import Runner
from kgqa.qa.serve.guards import HttpError
from kgqa.qa.serve.service import QAService
from kgqa.qa.settings import Settings

EXPORT_TYPES = {
    "graphml": "application/graphml+xml",
    "gexf": "application/xml",
    "json": "application/json",
    "csv": "application/zip",
}


def shape(model: type[schemas.BaseModel]) -> dict[str, Any]:
    """Route options that document ``model`` as the response and keep the JSON as produced."""
    return {"response_model": model, "response_model_exclude_unset": True}


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain some words, not only spaces")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(
            "is not valid Unicode text (it holds a lone surrogate such as \\ud800); send UTF-8 text"
        ) from None
    return value


def model_label(name: str | None) -> str | None:
    """A model as the API shows it: a hub id as is, a local folder by its name only (the
    server's file layout is nobody's business)."""
    if name is None:
        return None
    path = Path(name)
    return path.name if path.is_absolute() or path.exists() else name


def question_routes(service: QAService, settings: Settings, run: Runner) -> APIRouter:
    """/ask, /search, /read, /similar and /similar/duplicates; request limits from settings."""
    router = APIRouter()
    top_k_field = Field(
        None,
        ge=1,
        le=settings.max_top_k,
        description=f"Passages to use, 1 to {settings.max_top_k}.",
    )

    class AskRequest(BaseModel):
        question: str = Field(min_length=1, max_length=settings.max_question_chars)
        top_k: int | None = top_k_field
        top_answers: int | None = Field(None, ge=1, le=20)
        _blank = field_validator("question")(_not_blank)

    class SearchRequest(BaseModel):
        query: str = Field(min_length=1, max_length=settings.max_question_chars)
        k: int | None = top_k_field
        mode: Literal[search_modes()] | None = None  # type: ignore[valid-type]
        _blank = field_validator("query")(_not_blank)

    class ReadRequest(BaseModel):
        question: str = Field(min_length=1, max_length=settings.max_question_chars)
        context: str = Field(min_length=1, max_length=settings.max_context_chars)
        id: str = ""
        _blank = field_validator("question")(_not_blank)

    @router.post("/ask", tags=["questions"], **shape(schemas.AskResponse))
    async def ask(body: AskRequest, request: Request) -> dict[str, Any]:
        """Answers with score, document, passage and offsets; no_answer when none is supported."""

        def go() -> dict[str, Any]:
            out = service.ask(body.question, body.top_k, body.top_answers).to_json()
            return {**out, "reader": model_label(out["reader"])}

        return await run(go, request)

    @router.post("/search", tags=["questions"], **shape(schemas.SearchResponse))
    async def search(body: SearchRequest, request: Request) -> dict[str, Any]:
        """Passages ranked by the retrieval mode (the setting search_mode by default)."""

        def go() -> dict[str, Any]:
            generation = service.generation
            hits = service.search(body.query, body.k, body.mode, generation=generation)
            return {
                "query": body.query,
                "generation": generation.name,
                "hits": [h.to_json() for h in hits],
            }

        return await run(go)

    @router.post("/read", tags=["questions"], **shape(schemas.ReadResponse))
    async def read(body: ReadRequest, request: Request) -> dict[str, Any]:
        """The reader alone on one question and context: the span, or answer null. A long
        context is read in batches of windows, and reading stops between batches once the
        client has gone or its time limit has passed."""
        return (await run(lambda: service.read([(body.id, body.question, body.context)]), request))[
            0
        ]

    @router.get("/similar", tags=["questions"], **shape(schemas.SimilarResponse))
    async def similar(
        request: Request,
        passage: Annotated[str | None, Query(max_length=500)] = None,
        doc: Annotated[str | None, Query(max_length=500)] = None,
        text: Annotated[str | None, Query(max_length=settings.max_question_chars)] = None,
        entity: Annotated[str | None, Query(max_length=200)] = None,
        k: Annotated[int, Query(ge=1, le=settings.max_top_k)] = 10,
        by: Annotated[Literal[DOCUMENT_MEASURES], Query()] = "mean",  # type: ignore[valid-type]
        graph: bool = False,
    ) -> dict[str, Any]:
        """What else is like this: nearest passages (passage or text), documents (doc) or
        entities (entity; graph blends in graph proximity). Give exactly one of the four."""
        given = [v for v in (passage, doc, text, entity) if v is not None]
        if len(given) != 1:
            raise HttpError(422, "give exactly one of passage, doc, text or entity")

        weight = settings.similar_graph_weight if graph else 0.0
        return await run(
            lambda: (
                service.similarity()
                .find(
                    k,
                    passage=passage,
                    doc=doc,
                    text=text,
                    entity=entity,
                    by=by,
                    graph_weight=weight,
                )
                .to_json()
            ),
            request,
        )

    @router.get(
        "/similar/duplicates",
        tags=["questions"],
        **shape(schemas.SimilarResponse),
    )
    async def similar_duplicates(
        request: Request,
        threshold: Annotated[float, Query(gt=0, le=1)] = 0.95,
        k: Annotated[int, Query(ge=1, le=50)] = 10,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        """Pairs of near-identical passages across documents (cosine at least threshold),
        found among each passage's k nearest neighbours, one page (limit, offset) at a time;
        pairs says how many there are."""
        return await run(
            lambda: service.similarity().duplicates(threshold, k, limit, offset).to_json(),
            request,
        )

    return router


def graph_routes(service: QAService, settings: Settings, run: Runner) -> APIRouter:
    """/entities, /entities/{id}, /graph/neighbourhood, /export, /overview and /stats."""
    router = APIRouter()

    @router.get("/entities", tags=["graph"], **shape(schemas.EntitiesResponse))
    async def entities(
        q: Annotated[str, Query(min_length=1, max_length=200)],
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
    ) -> dict[str, Any]:
        """Entities whose name or an alias contains q."""
        return await run(lambda: service.find_entities(q, limit).to_json())

    @router.get(
        "/entities/{entity_id}",
        tags=["graph"],
        **shape(schemas.EntityResponse),
    )
    async def entity(entity_id: str) -> dict[str, Any]:
        """Aliases, type, mentions, and edges with their evidence."""
        return await run(lambda: service.entity(entity_id).to_json())

    @router.get(
        "/graph/neighbourhood",
        tags=["graph"],
        **shape(schemas.NeighbourhoodResponse),
    )
    async def graph_neighbourhood(
        entity: Annotated[str, Query(min_length=1, max_length=200)],
        hops: Annotated[int, Query(ge=0, le=3)] = 1,
    ) -> dict[str, Any]:
        """Nodes (with a layout) and edges (with evidence) within hops of an entity."""
        return await run(lambda: service.neighbourhood(entity, hops).to_json())

    @router.get("/export", tags=["graph"])
    async def export(
        format: Annotated[Literal[EXPORTERS.names()], Query()],  # type: ignore[valid-type]
        entity: Annotated[str | None, Query(max_length=200)] = None,
        hops: Annotated[int, Query(ge=0, le=3)] = 1,
    ) -> Response:
        """The graph (or an entity's neighbourhood) as GraphML, GEXF, node-link JSON, or Neo4j
        import CSV (a zip of nodes.csv and edges.csv)."""

        def go() -> tuple[bytes, str]:
            from kgqa.kg.analysis import neighbourhood, resolve_entity
            from kgqa.kg.export import export_graph

            generation = service.generation
            graph = generation.graph
            if entity:
                graph = neighbourhood(graph, resolve_entity(graph, entity), hops)
            with tempfile.TemporaryDirectory() as tmp:
                files = export_graph(graph, format, Path(tmp) / f"graph.{format}")
                if format != "csv":
                    return files[0].read_bytes(), generation.name
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
                    for f in files:
                        zf.write(f, f.name)
                return buffer.getvalue(), generation.name

        data, generation = await run(go)
        suffix = "zip" if format == "csv" else format
        return Response(
            data,
            media_type=EXPORT_TYPES[format],
            headers={
                "Content-Disposition": f'attachment; filename="kgqa-graph.{suffix}"',
                "X-KGQA-Generation": generation,
            },
        )

    @router.get("/overview", tags=["graph"], **shape(schemas.OverviewResponse))
    async def store_overview(
        questions: Annotated[int, Query(ge=0, le=5)] = 0,
        top: Annotated[int, Query(ge=1, le=50)] = 8,
    ) -> dict[str, Any]:
        """What the store holds, for a first look: counts, the top most mentioned entities,
        and (questions > 0) up to that many questions drawn from the graph's typed edges that
        ask answers with the entity the edge names (asked once per generation, then cached)."""
        return await run(lambda: service.overview(top, questions))

    @router.get("/stats", tags=["graph"], **shape(schemas.StatsResponse))
    async def stats() -> dict[str, Any]:
        """Counts of the generation being served."""

        def go() -> dict[str, Any]:
            # The store's folder name, not its path on the server.
            return {**service.stats(), "store": settings.store.name}

        return await run(go)

    return router
