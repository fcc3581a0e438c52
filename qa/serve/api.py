"""The HTTP API and the web page (`kgqa serve`): FastAPI over one QAService.

Models load once at start-up. Every request takes the store's current generation (the service
switches to a newly committed one once it is fully loaded) and names it in its response.
Bad input gets 4xx naming the field; only a fault of ours gives 5xx.
"""

import asyncio
import base64
import hashlib
import io
import json
import secrets
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import APIKeyHeader
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, field_validator

from kgqa.kg.export import EXPORTERS
from kgqa.kg.types import KGError
from kgqa.qa.cancel import Cancelled, cancellable, checkpoint
from kgqa.qa.retrieval.modes import search_modes
from kgqa.qa.retrieval.similar import DOCUMENT_MEASURES, UnknownItem
from kgqa.qa.serve import schemas
from kgqa.qa.serve.service import QAService
from kgqa.qa.settings import Settings
from kgqa.qa.store.generations import StoreError
from kgqa.qa.types import NoReaderError, QAError

WEB = Path(__file__).parent / "web"


def shape(model: type[schemas.BaseModel]) -> dict[str, Any]:
    """Route options that document ``model`` as the response and keep the JSON as produced."""
    return {"response_model": model, "response_model_exclude_unset": True}


EXPORT_TYPES = {
    "graphml": "application/graphml+xml",
    "gexf": "application/xml",
    "json": "application/json",
    "csv": "application/zip",
}


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
        response = JSONResponse(
            status_code=413,
            content={
                "detail": (f"request body over {self.limit} bytes (setting max_request_bytes)")
            },
        )
        await response({"type": "http"}, None, send)  # type: ignore[arg-type]


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


class ComputeSlots:
    """Admission control for the model-bound routes: ``concurrency`` requests compute at once,
    at most ``queue`` more wait; anything past that is refused at once (503, Retry-After)
    rather than waiting to time out. Work whose request already timed out is never started."""

    def __init__(self, concurrency: int, queue: int) -> None:
        self.slots = threading.Semaphore(concurrency)
        self.limit = concurrency + queue
        self.admitted = 0
        self.lock = threading.Lock()

    def admit(self) -> bool:
        with self.lock:
            if self.admitted >= self.limit:
                return False
            self.admitted += 1
            return True

    def release(self) -> None:
        with self.lock:
            self.admitted -= 1

    @property
    def saturated(self) -> bool:
        return self.admitted >= self.limit


class SecurityHeaders:
    """ASGI middleware: a Content-Security-Policy that fits the page (its one inline script and
    style by hash), no sniffing, no framing, no referrer; and a Host check against DNS
    rebinding (``hosts``; '*' allows any)."""

    def __init__(self, app: Any, hosts: set[str], page_csp: str, docs_csp: str) -> None:
        self.app = app
        self.hosts = hosts
        self.csp = page_csp
        self.docs_csp = docs_csp

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if "*" not in self.hosts and name.strip("[]") not in self.hosts:
            body = b'{"detail":"host not allowed; add it to the setting allowed_hosts"}'
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [
                        (b"content-type", b"application/json"),
                        *self._headers(scope["path"]),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self._headers(scope["path"])]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _headers(self, path: str) -> list[tuple[bytes, bytes]]:
        out = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]
        csp = self.docs_csp if path == DOCS_PATH else self.csp
        out.append((b"content-security-policy", csp.encode()))
        return out


def create_app(
    settings: Settings, service: QAService | None = None, bound_host: str | None = None
) -> FastAPI:
    """The API over ``settings.store``; models are loaded here, before the first request.
    ``bound_host`` (the address ``kgqa serve`` listens on) is an allowed Host besides the
    localhost names and the setting allowed_hosts."""
    service = service or QAService(settings)
    service.warm_up()
    compute = ComputeSlots(settings.serve_concurrency, settings.serve_queue)
    app = FastAPI(
        title="kgqa",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        description="Questions answered from your documents, with their evidence, and "
        "the knowledge graph built from them. Responses carry the fields of the CLI's "
        "--json output and the store generation that answered.",
    )
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)
    hosts = {"localhost", "127.0.0.1", "::1", *(h.lower() for h in settings.allowed_hosts)}
    if bound_host:
        hosts.add(bound_host.lower().strip("[]"))
    docs = docs_page()
    app.add_middleware(
        SecurityHeaders, hosts=hosts, page_csp=page_policy(), docs_csp=docs_policy(docs)
    )
    app.state.service = service
    # Swagger UI from the swagger-ui-bundle package, so /docs works offline; its Authorize
    # button sends the key (X-API-Key) when the setting api_key is on.
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path()), name="docs-assets")

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return docs

    key_header = APIKeyHeader(
        name="X-API-Key",
        auto_error=False,
        description="The setting api_key (KGQA_API_KEY), when it is set.",
    )

    def check_key(
        request: Request, header: Annotated[str | None, Security(key_header)] = None
    ) -> None:
        if not settings.api_key:
            return
        given = header
        auth = request.headers.get("authorization", "")
        if not given and auth.lower().startswith("bearer "):
            given = auth[7:]
        if not given or not secrets.compare_digest(given.encode(), settings.api_key.encode()):
            raise _Http(401, "missing or wrong API key: send it in the X-API-Key header")

    Auth = Depends(check_key)

    async def run(fn: Callable[[], Any], request: Request | None = None) -> Any:
        """``fn`` in a compute slot, within the request time limit. Work whose client has had
        its 504, or (given ``request``) has gone, is never started, and stops at the next
        checkpoint (between the reader's window batches) if it has."""
        if not compute.admit():
            raise _Http(
                503,
                "kgqa is busy: every compute slot and queue place is taken; retry "
                "shortly (settings serve_concurrency, serve_queue)",
                retry_after=1,
            )
        deadline = time.monotonic() + settings.request_timeout_seconds
        stop = threading.Event()

        def guarded() -> Any:
            try:
                with compute.slots, cancellable(stop, deadline):
                    checkpoint()
                    return fn()
            except Cancelled:
                return _CANCELLED  # a value, not an error: nobody may be waiting to catch it
            finally:
                compute.release()

        watcher = asyncio.create_task(_watch(request, stop)) if request is not None else None
        try:
            result = await asyncio.wait_for(
                asyncio.shield(asyncio.to_thread(guarded)), settings.request_timeout_seconds
            )
            if result is _CANCELLED:
                raise TimeoutError
            return result
        except TimeoutError:
            raise _Http(
                504,
                f"the request took over {settings.request_timeout_seconds} s "
                "(setting request_timeout_seconds)",
            ) from None
        finally:
            stop.set()
            if watcher is not None:
                watcher.cancel()

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

    @app.exception_handler(_Http)
    async def http_error(_: Request, err: _Http) -> JSONResponse:
        headers = {"Retry-After": str(err.retry_after)} if err.retry_after else None
        return JSONResponse(status_code=err.status, content={"detail": err.detail}, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, err: RequestValidationError) -> Response:
        # Name the field and the problem; never echo the input (a 100 KB context, or text
        # that cannot even be encoded).
        detail = [
            {
                "loc": [str(part) for part in e.get("loc", ())],
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in err.errors()
        ]
        return Response(
            json.dumps({"detail": detail}, ensure_ascii=True),
            status_code=422,
            media_type="application/json",
        )

    # Errors of ours with a message for the user, by the status they deserve (the most
    # specific class wins, so NoReaderError is 503 while other QAErrors are 422).
    for error, status in (
        (KGError, 404),
        (UnknownItem, 404),
        (StoreError, 503),
        (NoReaderError, 503),
        (QAError, 422),
    ):
        app.add_exception_handler(error, _status_handler(status))

    @app.get("/health", tags=["service"], response_model=schemas.Health)
    async def health() -> dict[str, Any]:
        """Liveness, the generation being served, and whether compute is saturated (new
        questions would get 503 now). No API key needed; never waits for compute."""
        return {
            "status": "ok",
            "generation": service.served_generation(),
            "reader": settings.reader_model is not None,
            "saturated": compute.saturated,
        }

    @app.post("/ask", dependencies=[Auth], tags=["questions"], **shape(schemas.AskResponse))
    async def ask(body: AskRequest, request: Request) -> dict[str, Any]:
        """Answers with score, document, passage and offsets; no_answer when none is supported."""

        def go() -> dict[str, Any]:
            out = service.ask(body.question, body.top_k, body.top_answers).to_json()
            return {**out, "reader": model_label(out["reader"])}

        return await run(go, request)

    @app.post("/search", dependencies=[Auth], tags=["questions"], **shape(schemas.SearchResponse))
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

    @app.post("/read", dependencies=[Auth], tags=["questions"], **shape(schemas.ReadResponse))
    async def read(body: ReadRequest, request: Request) -> dict[str, Any]:
        """The reader alone on one question and context: the span, or answer null. A long
        context is read in batches of windows, and reading stops between batches once the
        client has gone or its time limit has passed."""
        return (await run(lambda: service.read([(body.id, body.question, body.context)]), request))[
            0
        ]

    @app.get("/similar", dependencies=[Auth], tags=["questions"], **shape(schemas.SimilarResponse))
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
            raise _Http(422, "give exactly one of passage, doc, text or entity")

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

    @app.get(
        "/similar/duplicates",
        dependencies=[Auth],
        tags=["questions"],
        **shape(schemas.SimilarResponse),
    )
    async def similar_duplicates(
        request: Request, threshold: Annotated[float, Query(gt=0, le=1)] = 0.95
    ) -> dict[str, Any]:
        """Pairs of near-identical passages across documents (cosine at least threshold)."""
        return await run(lambda: service.similarity().duplicates(threshold).to_json(), request)

    @app.get("/entities", dependencies=[Auth], tags=["graph"], **shape(schemas.EntitiesResponse))
    async def entities(
        q: Annotated[str, Query(min_length=1, max_length=200)],
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
    ) -> dict[str, Any]:
        """Entities whose name or an alias contains q."""
        return await run(lambda: service.find_entities(q, limit).to_json())

    @app.get(
        "/entities/{entity_id}",
        dependencies=[Auth],
        tags=["graph"],
        **shape(schemas.EntityResponse),
    )
    async def entity(entity_id: str) -> dict[str, Any]:
        """Aliases, type, mentions, and edges with their evidence."""
        return await run(lambda: service.entity(entity_id).to_json())

    @app.get(
        "/graph/neighbourhood",
        dependencies=[Auth],
        tags=["graph"],
        **shape(schemas.NeighbourhoodResponse),
    )
    async def graph_neighbourhood(
        entity: Annotated[str, Query(min_length=1, max_length=200)],
        hops: Annotated[int, Query(ge=0, le=3)] = 1,
    ) -> dict[str, Any]:
        """Nodes (with a layout) and edges (with evidence) within hops of an entity."""
        return await run(lambda: service.neighbourhood(entity, hops).to_json())

    @app.get("/export", dependencies=[Auth], tags=["graph"])
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

    @app.get("/stats", dependencies=[Auth], tags=["graph"], **shape(schemas.StatsResponse))
    async def stats() -> dict[str, Any]:
        """Counts of the generation being served."""

        def go() -> dict[str, Any]:
            # The store's folder name, not its path on the server.
            return {**service.stats(), "store": settings.store.name}

        return await run(go)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> str:
        """The page holds no data: with an API key set, it asks for the key and sends it in
        the X-API-Key header of its requests."""
        return web_page()

    return app


class _Http(Exception):
    def __init__(self, status: int, detail: str, retry_after: int | None = None) -> None:
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


def model_label(name: str | None) -> str | None:
    """A model as the API shows it: a hub id as is, a local folder by its name only (the
    server's file layout is nobody's business)."""
    if name is None:
        return None
    path = Path(name)
    return path.name if path.is_absolute() or path.exists() else name


def _status_handler(status: int) -> Callable[[Request, Exception], Any]:
    async def handler(_: Request, err: Exception) -> JSONResponse:
        return JSONResponse(status_code=status, content={"detail": str(err)})

    return handler


def web_page() -> str:
    """The single-file web page: HTML with the bundled script and style inlined."""
    html = (WEB / "index.html").read_text(encoding="utf-8")
    return html.replace("/*STYLE*/", (WEB / "app.css").read_text(encoding="utf-8")).replace(
        "/*SCRIPT*/", (WEB / "app.js").read_text(encoding="utf-8")
    )


_CANCELLED = object()


async def _watch(request: Request, stop: threading.Event) -> None:
    """Set ``stop`` when the client of ``request`` disconnects."""
    while not stop.is_set():
        if await request.is_disconnected():
            stop.set()
            return
        await asyncio.sleep(0.2)


DOCS_PATH = "/docs"
DOCS_ASSETS = "/docs-assets"


def swagger_ui_path() -> str:
    try:
        import swagger_ui_bundle
    except ImportError:  # a dependency of kgqa; only a broken install lacks it
        raise QAError(
            "the package swagger-ui-bundle is missing (it serves /docs offline): "
            "pip install swagger-ui-bundle"
        ) from None
    return str(swagger_ui_bundle.swagger_ui_path)


def docs_page() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="kgqa API",
        swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
    )


def docs_policy(page: HTMLResponse) -> str:
    """The docs page's CSP: Swagger UI's files from this origin, its one inline script by hash,
    the inline styles Swagger UI sets on its elements."""
    html = bytes(page.body).decode("utf-8")
    script = html.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return (
        f"default-src 'self'; script-src 'self' 'sha256-{digest}'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'"
    )


def page_policy() -> str:
    """The Content-Security-Policy: everything from this origin only, the page's one inline
    script and style allowed by their hashes, no framing."""

    def digest(path: Path) -> str:
        raw = hashlib.sha256(path.read_text(encoding="utf-8").encode("utf-8")).digest()
        return "'sha256-" + base64.b64encode(raw).decode() + "'"

    return (
        f"default-src 'self'; script-src 'self' {digest(WEB / 'app.js')}; "
        f"style-src 'self' {digest(WEB / 'app.css')}; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
