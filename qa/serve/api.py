"""The HTTP API and the web page (`kgqa serve`): FastAPI over one QAService.

Models load once at start-up. Every request takes the store's current generation (the service
switches to a newly committed one once it is fully loaded) and names it in its response.
Bad input gets 4xx naming the field; only a fault of ours gives 5xx.
"""

import json
from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from kgqa.kg.types import KGError
from kgqa.qa.retrieval.similar import UnknownItem
from kgqa.qa.serve import schemas
from kgqa.qa.serve.admission import ComputeSlots, compute_runner
from kgqa.qa.serve.guards import (
    DOCS_ASSETS,
    DOCS_PATH,
    BodyLimit,
    HttpError,
    SecurityHeaders,
    api_key_check,
    docs_page,
    docs_policy,
    page_policy,
    swagger_ui_path,
    web_page,
)
from kgqa.qa.serve.routes import graph_routes, question_routes
from kgqa.qa.serve.service import QAService
from kgqa.qa.settings import Settings
from kgqa.qa.store import StoreError
from kgqa.qa.types import NoReaderError, QAError


def create_app(
    settings: Settings,
    service: QAService | None = None,
    bound_host: str | None = None,
    warm: bool = True,
) -> FastAPI:
    """The API over ``settings.store``; models are loaded here, before the first request
    (``warm=False``: on first use, as for reading the OpenAPI schema alone). ``bound_host``
    (the address ``kgqa serve`` listens on) is an allowed Host besides the localhost names and
    the setting allowed_hosts."""
    service = service or QAService(settings)
    if warm:
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

    check_key = api_key_check(settings)
    Auth = Depends(check_key)

    run = compute_runner(settings, compute)

    install_error_handlers(app)

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

    app.include_router(question_routes(service, settings, run), dependencies=[Auth])
    app.include_router(graph_routes(service, settings, run), dependencies=[Auth])

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> str:
        """The page holds no data: with an API key set, it asks for the key and sends it in
        the X-API-Key header of its requests."""
        return web_page()

    return app


def _status_handler(status: int) -> Callable[[Request, Exception], Any]:
    async def handler(_: Request, err: Exception) -> JSONResponse:
        return JSONResponse(status_code=status, content={"detail": str(err)})

    return handler


def install_error_handlers(app: FastAPI) -> None:
    """Errors as JSON: ours with their message and the status they deserve, and a request that
    fails validation naming the field without echoing the input."""

    @app.exception_handler(HttpError)
    async def http_error(_: Request, err: HttpError) -> JSONResponse:
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
