"""Running the API on uvicorn with a read time limit per request.

uvicorn closes a keep-alive connection that stays idle after a response, but a client that
connects and sends its headers (or its body) a byte at a time holds a connection open for as
long as it likes, and enough of them exhaust the server. Here a connection must deliver each
whole request within ``client_read_timeout_seconds`` of its first byte (or of connecting), or it
is closed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from kgqa.qa.settings import Settings

_READING = (h11.IDLE, h11.SEND_BODY)


class TimedReadH11(H11Protocol):
    """uvicorn's h11 protocol with a time limit on reading each request."""

    read_timeout: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        self._arm()
        super().data_received(data)
        if self.conn.their_state not in _READING:
            self._disarm()  # the whole request is in: reading is over until the next one

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._read_timer is None:
            self._read_timer = self.loop.call_later(self.read_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _too_slow(self) -> None:
        self._read_timer = None
        if self.conn.their_state in _READING and not self.transport.is_closing():
            self.logger.info("closed a connection that sent its request too slowly")
            self.transport.close()


def protocol_for(settings: Settings) -> type[TimedReadH11]:
    """The protocol class with the settings' read time limit."""
    return type(
        "TimedReadH11", (TimedReadH11,), {"read_timeout": settings.client_read_timeout_seconds}
    )


def serve(app: Any, settings: Settings, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=protocol_for(settings),
        timeout_keep_alive=5,
    )
