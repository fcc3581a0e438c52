"""What every kgqa command shares: the Typer app, consoles, option types, settings
loading and the one-line error handling."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kgqa.kg.types import KGError
from kgqa.qa.settings import Settings, load_settings
from kgqa.qa.types import QAError

app = typer.Typer(help="kgqa: documents in, a knowledge graph and answers out.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
err_console = Console(stderr=True)

StoreOpt = Annotated[Optional[Path], typer.Option("--store", help="Store directory (env KGQA_STORE).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
# Options shared by the training commands.
TrainDataOpt = Annotated[list[Path], typer.Option("--data", help="SQuAD v1.1/v2.0 JSON (repeatable).")]
DevFractionOpt = Annotated[float, typer.Option(min=0, max=0.9, help="Share of articles held out.")]
WarmupOpt = Annotated[float, typer.Option(min=0, max=1)]
DeviceOpt = Annotated[Optional[str], typer.Option(help="cpu, cuda, ...")]
Bf16Opt = Annotated[bool, typer.Option(help="bfloat16 autocast (about 1.6x faster on CPUs with "
                                       "AVX512-BF16 or AMX; weights stay fp32).")]
PrefectOpt = Annotated[bool, typer.Option(help="Run as a Prefect flow.")]


def cli_settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except Exception as err:
        fail(f"invalid settings: {err}")
        raise  # unreachable


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def quiet_model_loading() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:
        pass


def read_records(path: Path, fields: tuple[str, ...] = ()) -> list[tuple[str, dict[str, Any]]]:
    """(id, record) pairs of a JSONL file; a bad line, or one lacking a string field of
    ``fields``, stops with its line number."""
    if not path.is_file():
        fail(f"{path}: no such file")
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            fail(f"{path}:{number}: not valid JSON ({err.msg}); fix the line")
        if not isinstance(record, dict):
            fail(f"{path}:{number}: each line must be a JSON object")
        for f in fields:
            if not isinstance(record.get(f), str):
                fail(f"{path}:{number}: field {f!r} is missing or not a string")
        out.append((str(record.get("id", number)), record))
    return out


def read_jsonl(path: Path, text_fields: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(id, text) pairs of a JSONL file, the text from the first of ``text_fields`` present."""
    for rid, record in read_records(path):
        text = next((record[f] for f in text_fields if isinstance(record.get(f), str)), None)
        if not isinstance(text, str):
            fail(f"{path}: line with id {rid}: needs a string field "
                 f"{' or '.join(map(repr, text_fields))}")
            return
        yield rid, text


def guard(fn: Any) -> Any:
    """Turn kgqa's own errors into one clear line and exit code 2, not a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (QAError, KGError) as err:
            fail(str(err))

    return wrapper




def one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def print_metrics(metrics: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(metrics))
        return
    table = Table(title="evaluation")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in metrics.items():
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    console.print(table)


def training_settings(data: list[Path]) -> Settings:
    """Settings for a training command, after checking its --data files exist."""
    for path in data:
        if not path.is_file():
            fail(f"{path}: no such file (--data)")
    quiet_model_loading()
    return cli_settings()
