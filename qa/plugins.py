"""User plugins: modules named in the setting ``plugins``, imported before ingestion so that
they can register relation extractors and file loaders by name."""

from __future__ import annotations

import importlib

from kgqa.qa.types import QAError


def import_plugins(modules: list[str]) -> None:
    """Import the modules named in settings ``plugins``."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as err:
            raise QAError(
                f"cannot import plugin module {name!r} (setting plugins): {err}"
            ) from None
