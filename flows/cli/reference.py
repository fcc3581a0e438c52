"""The reference pages of the docs site, generated from the code: every command and option of
the Typer app, every setting of ``Settings``, and the HTTP API's OpenAPI schema. The site's
build hook (``docs/hooks.py``) writes them; the tests read ``commands()`` and
``setting_names()`` to check that what the docs name exists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import typer

from kgqa.flows.cli.common import EXIT_CODES
from kgqa.qa.settings import Settings


@dataclass(frozen=True)
class Command:
    path: str  # "ingest", "train reader"
    help: str
    options: tuple[Any, ...]  # click parameters (typer's own click)


def commands() -> dict[str, Command]:
    """Every command of ``kgqa``, by its words after ``kgqa``."""
    from kgqa.flows.cli import app

    root = typer.main.get_command(app)
    found: dict[str, Command] = {}

    def walk(cmd: Any, words: list[str]) -> None:
        if hasattr(cmd, "commands"):  # a group
            for name, sub in sorted(cmd.commands.items()):
                if not sub.hidden:
                    walk(sub, [*words, name])
            if words:
                found[" ".join(words)] = Command(" ".join(words), cmd.help or "", ())
            return
        found[" ".join(words)] = Command(" ".join(words), cmd.help or "", tuple(cmd.params))

    walk(root, [])
    return found


def option_names(command: Command) -> set[str]:
    return {name for p in command.options for name in (*p.opts, *p.secondary_opts)}


def setting_names() -> set[str]:
    return set(Settings.model_fields)


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def cli_markdown() -> str:
    lines = [
        "# Command reference",
        "",
        "Generated from the CLI itself (`kgqa --help` shows the same). Options whose default",
        "comes from a setting name it; `kgqa config` shows the values in force.",
        "",
        " ".join(EXIT_CODES.split()),
        "",
    ]
    known = commands()
    for path, command in known.items():
        if any(other.startswith(path + " ") for other in known):  # a group: eval, graph, train
            lines += [f"## `kgqa {path}`", "", _cell(command.help), ""]
            continue
        lines += [f"## `kgqa {path}`", "", command.help.strip().split("\n\n")[0], ""]
        params = [p for p in command.options if p.name != "help"]
        if not params:
            continue
        lines += ["| argument or option | default | help |", "|---|---|---|"]
        for p in params:
            if getattr(p, "param_type_name", "") == "argument":
                name = (p.name or "").upper()
            else:
                name = ", ".join([*p.opts, *p.secondary_opts])
            default = p.default
            shown = "" if default in (None, (), [], False) or callable(default) else default
            if isinstance(getattr(p, "show_default", None), str):
                shown = p.show_default  # "setting NAME: VALUE"
            help_text = getattr(p, "help", "") or ""
            lines.append(f"| `{_cell(name)}` | {_cell(shown)} | {_cell(help_text)} |")
        lines.append("")
    return "\n".join(lines)


def settings_markdown() -> str:
    lines = [
        "# Settings reference",
        "",
        "Generated from `kgqa.qa.settings.Settings`. Each setting is read, highest first, from a",
        "command-line flag, the environment variable `KGQA_<NAME>`, a TOML file (`KGQA_CONFIG` or",
        "`./kgqa.toml`), then the default below. `kgqa config` lists the values in force.",
        "",
        "| setting | environment | default | meaning |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=False)
        if field.default_factory is not None:
            default = "(see meaning)"
        shown = default if isinstance(default, str) else json.dumps(default, default=str)
        lines.append(
            f"| `{name}` | `KGQA_{name.upper()}` | `{_cell(shown)}` | "
            f"{_cell(field.description or '')} |"
        )
    return "\n".join(lines) + "\n"


def api_markdown(schema: dict[str, Any]) -> str:
    lines = [
        "# HTTP API reference",
        "",
        "Generated from the OpenAPI schema of `kgqa serve` (served live at `/openapi.json`, with",
        "Swagger UI at `/docs`).",
        "",
    ]
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            lines += [f"## `{method.upper()} {path}`", "", _cell(op.get("summary", "")), ""]
            if op.get("description"):
                lines += [op["description"].strip(), ""]
            params = op.get("parameters", [])
            if params:
                lines += ["| parameter | in | required | description |", "|---|---|---|---|"]
                for p in params:
                    lines.append(
                        f"| `{p['name']}` | {p['in']} | {p.get('required', False)} | "
                        f"{_cell(p.get('description', ''))} |"
                    )
                lines.append("")
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                ref = body["schema"].get("$ref", "").rsplit("/", 1)[-1]
                fields = schema["components"]["schemas"].get(ref, {}).get("properties", {})
                lines += [f"Body: `{ref}` with " + ", ".join(f"`{f}`" for f in fields), ""]
            ok = op.get("responses", {}).get("200", {}).get("content", {})
            for kind, content in ok.items():
                ref = content.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
                lines += [f"Response: {kind}" + (f", `{ref}`" if ref else ""), ""]
    lines += ["## Shapes", ""]
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        props = component.get("properties", {})
        if not props:
            continue
        lines += [f"### `{name}`", "", _cell(component.get("description", "")), ""]
        lines += ["| field | type | description |", "|---|---|---|"]
        for field, spec in props.items():
            lines.append(f"| `{field}` | {_type_of(spec)} | {_cell(spec.get('description', ''))} |")
        lines.append("")
    return "\n".join(lines)


def _type_of(spec: dict[str, Any]) -> str:
    """A JSON schema's type in a few words: string, array of Hit, Answer or null, ..."""
    if "$ref" in spec:
        return f"`{spec['$ref'].rsplit('/', 1)[-1]}`"
    if "anyOf" in spec:
        return " or ".join(_type_of(s) for s in spec["anyOf"])
    if spec.get("type") == "array":
        return "array of " + _type_of(spec.get("items", {}))
    if "enum" in spec:
        return "one of " + ", ".join(f"`{v}`" for v in spec["enum"])
    return str(spec.get("type", "any"))


def openapi_schema() -> dict[str, Any]:
    """The API's schema, from the app as ``kgqa serve`` builds it, without loading models."""
    from kgqa.qa.serve.api import create_app

    return create_app(Settings.model_validate({}), warm=False).openapi()
