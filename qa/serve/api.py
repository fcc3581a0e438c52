"""The HTTP API and the web page (`kgqa serve`): FastAPI over one QAService.

Models load once at start-up. Every request takes the store's current generation (the service
switches to a newly committed one once it is fully loaded) and names it in its response.
Bad input gets 4xx naming the field; only a fault of ours gives 5xx.
"""


import asyncio
import io
import secrets
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, field_validator

from kgqa.kg.export import EXPORTERS
from kgqa.kg.types import KGError
from kgqa.qa.retrieval.modes import search_modes
from kgqa.qa.serve.service import QAService
from kgqa.qa.settings import Settings
from kgqa.qa.store.generations import StoreError
from kgqa.qa.types import NoReaderError, QAError

WEB = Path(__file__).parent / "web"
EXPORT_TYPES = {"graphml": "application/graphml+xml", "gexf": "application/xml",
                "json": "application/json", "csv": "application/zip"}


class BodyLimit:
    """ASGI middleware: 413 for a body over ``limit`` bytes, from Content-Length before reading
    anything, or while streaming a body sent without one."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._reject(send)
            return
        if length is not None:
            await self.app(scope, receive, send)
            return
        # No Content-Length (a chunked body): read it up to the limit before the app sees it.
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            total += len(message.get("body", b""))
            if total > self.limit:
                await self._reject(send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send: Callable) -> None:
        response = JSONResponse(status_code=413, content={"detail": (
            f"request body over {self.limit} bytes (setting max_request_bytes)")})
        await response({"type": "http"}, None, send)  # type: ignore[arg-type]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain some words, not only spaces")
    return value


def create_app(settings: Settings, service: QAService | None = None) -> FastAPI:
    """The API over ``settings.store``; models are loaded here, before the first request."""
    service = service or QAService(settings)
    service.warm_up()
    compute = threading.Semaphore(settings.serve_concurrency)
    app = FastAPI(title="kgqa", version="0.1.0",
                  description="Questions answered from your documents, with their evidence, and "
                  "the knowledge graph built from them. Responses carry the fields of the CLI's "
                  "--json output and the store generation that answered.")
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    app.state.service = service

    def check_key(request: Request) -> None:
        if not settings.api_key:
            return
        given = request.headers.get("x-api-key") or request.query_params.get("api_key")
        auth = request.headers.get("authorization", "")
        if not given and auth.lower().startswith("bearer "):
            given = auth[7:]
        if not given or not secrets.compare_digest(given.encode(), settings.api_key.encode()):
            raise _Http(401, "missing or wrong API key: send it in the X-API-Key header")

    Auth = Depends(check_key)

    async def run(fn: Callable[[], Any]) -> Any:
        def guarded() -> Any:
            with compute:
                return fn()
        try:
            return await asyncio.wait_for(asyncio.to_thread(guarded),
                                          settings.request_timeout_seconds)
        except TimeoutError:
            raise _Http(504, f"the request took over {settings.request_timeout_seconds} s "
                        "(setting request_timeout_seconds)") from None

    top_k_field = Field(None, ge=1, le=settings.max_top_k,
                        description=f"Passages to use, 1 to {settings.max_top_k}.")

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

    @app.exception_handler(_Http)
    async def http_error(_: Request, err: _Http) -> JSONResponse:
        return JSONResponse(status_code=err.status, content={"detail": err.detail})

    # Errors of ours with a message for the user, by the status they deserve (the most
    # specific class wins, so NoReaderError is 503 while other QAErrors are 422).
    for error, status in ((KGError, 404), (StoreError, 503), (NoReaderError, 503), (QAError, 422)):
        app.add_exception_handler(error, _status_handler(status))

    @app.get("/health", tags=["service"])
    async def health() -> dict[str, Any]:
        """Liveness and the generation being served (no API key needed)."""
        generation = service.store.current_name()
        return {"status": "ok", "generation": generation,
                "reader": settings.reader_model is not None}

    @app.post("/ask", dependencies=[Auth], tags=["questions"])
    async def ask(body: AskRequest) -> dict[str, Any]:
        """Answers with score, document, passage and offsets; no_answer when none is supported."""
        return await run(lambda: service.ask(body.question, body.top_k, body.top_answers).to_json())

    @app.post("/search", dependencies=[Auth], tags=["questions"])
    async def search(body: SearchRequest) -> dict[str, Any]:
        """Passages ranked by the retrieval mode (the setting search_mode by default)."""
        def go() -> dict[str, Any]:
            generation = service.generation
            hits = service.search(body.query, body.k, body.mode, generation=generation)
            return {"query": body.query, "generation": generation.name,
                    "hits": [h.to_json() for h in hits]}
        return await run(go)

    @app.post("/read", dependencies=[Auth], tags=["questions"])
    async def read(body: ReadRequest) -> dict[str, Any]:
        """The reader alone on one question and context: the span, or answer null."""
        return (await run(lambda: service.read([(body.id, body.question, body.context)])))[0]

    @app.get("/entities", dependencies=[Auth], tags=["graph"])
    async def entities(q: Annotated[str, Query(min_length=1, max_length=200)],
                       limit: Annotated[int, Query(ge=1, le=200)] = 20) -> dict[str, Any]:
        """Entities whose name or an alias contains q."""
        return await run(lambda: service.find_entities(q, limit))

    @app.get("/entities/{entity_id}", dependencies=[Auth], tags=["graph"])
    async def entity(entity_id: str) -> dict[str, Any]:
        """Aliases, type, mentions, and edges with their evidence."""
        return await run(lambda: service.entity(entity_id))

    @app.get("/graph/neighbourhood", dependencies=[Auth], tags=["graph"])
    async def graph_neighbourhood(entity: Annotated[str, Query(min_length=1, max_length=200)],
                                  hops: Annotated[int, Query(ge=0, le=3)] = 1) -> dict[str, Any]:
        """Nodes (with a layout) and edges (with evidence) within hops of an entity."""
        return await run(lambda: service.neighbourhood(entity, hops))

    @app.get("/export", dependencies=[Auth], tags=["graph"])
    async def export(format: Annotated[Literal[EXPORTERS.names()], Query()],  # type: ignore[valid-type]
                     entity: Annotated[str | None, Query(max_length=200)] = None,
                     hops: Annotated[int, Query(ge=0, le=3)] = 1) -> Response:
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
        return Response(data, media_type=EXPORT_TYPES[format], headers={
            "Content-Disposition": f'attachment; filename="kgqa-graph.{suffix}"',
            "X-KGQA-Generation": generation})

    @app.get("/stats", dependencies=[Auth], tags=["graph"])
    async def stats() -> dict[str, Any]:
        """Counts of the generation being served."""
        return await run(service.stats)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False, dependencies=[Auth])
    async def page() -> str:
        return web_page()

    return app


class _Http(Exception):
    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail


def _status_handler(status: int) -> Callable[[Request, Exception], Any]:
    async def handler(_: Request, err: Exception) -> JSONResponse:
        return JSONResponse(status_code=status, content={"detail": str(err)})
    return handler


def web_page() -> str:
    """The single-file web page: HTML with the bundled script and style inlined."""
    html = (WEB / "index.html").read_text(encoding="utf-8")
    return (html.replace("/*STYLE*/", (WEB / "app.css").read_text(encoding="utf-8"))
                .replace("/*SCRIPT*/", (WEB / "app.js").read_text(encoding="utf-8")))
