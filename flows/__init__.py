"""Prefect flows and the ``kgqa`` command; ``kg`` and ``qa`` never import this package."""

import os

# kgqa runs offline: no telemetry calls home from a temporary Prefect server.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
