"""The ``kgqa`` command: one module per command group, all registered on one Typer app."""

from kgqa.flows import prefect_defaults
from kgqa.flows.cli import (  # noqa: F401  (registers)
    demo,
    evaluate,
    graph,
    ingest,
    query,
    similar,
    train,
    warm,
)
from kgqa.flows.cli.common import app


def main() -> None:  # pragma: no cover - console entry point
    prefect_defaults()
    app()


__all__ = ["app", "main"]
