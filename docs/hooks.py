"""mkdocs hook: write the generated reference pages (commands, settings, HTTP API) before each
build, from the code as it is (kgqa.flows.cli.reference)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def on_pre_build(config: Any) -> None:
    from kgqa.flows.cli import reference

    folder = Path(config["docs_dir"]) / "reference"
    folder.mkdir(exist_ok=True)
    pages = {
        "cli.md": reference.cli_markdown(),
        "settings.md": reference.settings_markdown(),
        "http-api.md": reference.api_markdown(reference.openapi_schema()),
    }
    for name, text in pages.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
