"""Prefect flows and the ``kgqa`` command; ``kg`` and ``qa`` never import this package."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def api_for_child_processes() -> Iterator[None]:
    """While inside: this process's Prefect API in its environment, so that the processes it
    starts meanwhile (a local Dask cluster's workers) report their task runs to it. The API
    is PREFECT_API_URL, else the one Prefect's settings name, else the temporary server, which
    is started here. Without this, Prefect's client starts a temporary server wherever it finds
    no API URL, so every Dask worker started one of its own at its first task: one more
    uvicorn server (about 11 s of CPU to start, then its event loop) per worker, on the cores
    the workers compute on. This process keeps using the same temporary server (Prefect keeps
    one per process); the environment is restored on the way out."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        tether_prefect_server()
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        server.start()
        url = server.api_url
    os.environ["PREFECT_API_URL"] = str(url)
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


__all__ = ["api_for_child_processes", "prefect_defaults", "tether_prefect_server"]


def prefect_server_configured() -> bool:
    """Whether a Prefect server is configured: ``PREFECT_API_URL`` in the environment or in
    the active Prefect profile (``$PREFECT_HOME/profiles.toml``, read without importing
    Prefect, which costs seconds)."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    import tomllib
    from pathlib import Path

    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return False
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    return bool(profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL"))
