"""Prefect flows and the ``kgqa`` command; ``kg`` and ``qa`` never import this package."""

import os
from typing import Any


def prefect_defaults() -> None:
    """kgqa's defaults for Prefect's temporary server, unless the environment sets them: no
    telemetry (kgqa runs offline), and a start timeout that a busy machine can meet (Prefect's
    own 20 s fails under load)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


class _TetheredSubprocess:
    """Prefect's ``subprocess`` module as its server module sees it, except that ``Popen`` runs
    ``python -m uvicorn ...`` under kgqa's parent watchdog."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def Popen(self, args: list[str], **kwargs: Any) -> Any:
        from kgqa.qa.ingest.tether import tethered_command

        return self._real.Popen(tethered_command(list(args), os.getpid()), **kwargs)


def tether_prefect_server() -> None:
    """Prefect's temporary server (a uvicorn child process started when no PREFECT_API_URL is
    set) ends when this process ends, even by SIGKILL, instead of living on re-parented to
    PID 1. Only for that case: a configured server is left alone."""
    if os.environ.get("PREFECT_API_URL"):
        return
    from prefect.server.api import server

    if not isinstance(server.subprocess, _TetheredSubprocess):
        server.subprocess = _TetheredSubprocess(server.subprocess)  # type: ignore[assignment]


__all__ = ["prefect_defaults", "tether_prefect_server"]
