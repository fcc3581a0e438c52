"""What stands before the routes: the body size limit, the Host check and security headers, the
API key, and the pages' Content-Security-Policies."""

import base64
import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Request, Security
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import APIKeyHeader

from kgqa.qa.settings import Settings
from kgqa.qa.types import QAError

WEB = Path(__file__).parent / "web"


class HttpError(Exception):
    """An error answered with ``status`` and ``detail`` (and Retry-After when given)."""

    def __init__(self, status: int, detail: str, retry_after: int | None = None) -> None:
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


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


def api_key_check(settings: Settings) -> Callable[..., None]:
    """The dependency that checks the setting api_key (when set) in X-API-Key or a Bearer
    token."""
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
            raise HttpError(401, "missing or wrong API key: send it in the X-API-Key header")

    return check_key


def web_page() -> str:
    """The single-file web page: HTML with the bundled script and style inlined."""
    html = (WEB / "index.html").read_text(encoding="utf-8")
    return html.replace("/*STYLE*/", (WEB / "app.css").read_text(encoding="utf-8")).replace(
        "/*SCRIPT*/", (WEB / "app.js").read_text(encoding="utf-8")
    )


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
