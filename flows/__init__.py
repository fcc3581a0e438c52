"""Prefect flows and the ``kgqa`` command; ``kg`` and ``qa`` never import this package."""

import os


def prefect_defaults() -> None:
    """kgqa's defaults for Prefect's temporary server, unless the environment sets them: no
    telemetry (kgqa runs offline), and a start timeout that a busy machine can meet (Prefect's
    own 20 s fails under load)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
