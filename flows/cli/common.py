"""What every kgqa command shares: the Typer app, consoles, option types, settings
loading and the one-line error handling."""

from __future__ import annotations

import errno
import inspect
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kgqa.kg.types import KGError
from kgqa.qa.language import language_warning
from kgqa.qa.settings import Settings, load_settings, unknown_variables
from kgqa.qa.types import QAError, check_question

EXIT_CODES = " ".join(
    """Exit status: 0 done; 1 nothing done because every input failed (ingest), or
some lines of a --questions / --queries file failed (each is reported); 2 a usage, settings or
input error (the message says which and what to do); 3 the quality gate kept the new
generation back (ingest --gate); 4 ingest committed, but some files failed (listed, and kept in
STORE/quarantine.jsonl).""".split()
)


app = typer.Typer(
    help="kgqa: documents in, a knowledge graph and answers out.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _short_type(param: Any, ctx: Any) -> str | None:
    """The type column of --help: nothing for a flag or an argument (its name says it), a
    short word otherwise (N, X, PATH, TEXT, or the choices)."""
    if getattr(param, "metavar", None) is not None:
        return str(param.metavar)
    if getattr(param, "param_type_name", "") == "argument" or getattr(param, "is_flag", False):
        return None
    desc = getattr(param, "type_descriptor", None)
    if desc is None:  # another Typer: keep its own display
        return None
    if getattr(desc, "is_choice", False):
        word = "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
    elif getattr(desc, "is_path", False):
        word = "PATH"
    else:
        bare = param.bare_type()
        word = {"int": "N", "float": "X"}.get(bare, "TEXT")
        if bare == "bool":
            return None
    return word + ("..." if getattr(desc, "is_list", False) else "")


_typer_group_help = typer.core.TyperGroup.format_help


def _group_help(self: typer.core.TyperGroup, ctx: Any, formatter: Any) -> None:
    """A group's list of commands with each summary wrapped to the terminal: Typer's rich help
    keeps the line breaks of a docstring's first paragraph there, so a summary written over two
    source lines showed as ragged lines."""
    for command in self.commands.values():
        if command.short_help is None and command.help:
            first = inspect.cleandoc(command.help).split("\n\n")[0]
            command.short_help = " ".join(first.split())
    _typer_group_help(self, ctx, formatter)


typer.core.TyperGroup.format_help = _group_help  # type: ignore[method-assign]

# Typer shows every parameter's Python type (<bool>, <int range>, <path>); show what a person
# types instead.
for _cls in (typer.core.TyperOption, typer.core.TyperArgument):
    if hasattr(_cls, "display_type_rich"):
        setattr(_cls, "display_type_rich", _short_type)  # noqa: B010  (a method of the class)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"kgqa {version('kgqa')}")
        raise typer.Exit()


_python_showwarning = warnings.showwarning


def _print_warning(_category: str, message: str) -> None:
    err_console.print(f"[yellow]warning:[/] {escape(message)}", highlight=False)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """kgqa: documents in, a knowledge graph and answers out."""
    from kgqa.qa.serve.warm import kgqa_warnings_to

    # kgqa's own warnings as the commands' other warnings, one line each, whether raised here
    # or in the warm process; a library's as Python shows them
    warnings.showwarning = kgqa_warnings_to(_print_warning, _python_showwarning)


def setting_default(name: str) -> str:
    """How --help shows an option whose default is a setting: its value and the setting."""
    return f"setting {name}: {Settings.model_fields[name].default}"


console = Console()
err_console = Console(stderr=True)

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store", help="Store directory (env KGQA_STORE).", show_default=setting_default("store")
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
# Options shared by the training commands.
TrainDataOpt = Annotated[
    list[Path], typer.Option("--data", help="SQuAD v1.1/v2.0 JSON (repeatable).")
]
DevFractionOpt = Annotated[float, typer.Option(min=0, max=0.9, help="Share of articles held out.")]
WarmupOpt = Annotated[float, typer.Option(min=0, max=1)]
DeviceOpt = Annotated[str | None, typer.Option(help="cpu, cuda, ...")]
Bf16Opt = Annotated[
    bool,
    typer.Option(
        help="bfloat16 autocast (about 1.6x faster on CPUs with "
        "AVX512-BF16 or AMX; weights stay fp32)."
    ),
]
PrefectOpt = Annotated[bool, typer.Option(help="Run as a Prefect flow.")]


def cli_settings(**overrides: Any) -> Settings:
    """The settings in force, with the command's flags on top; a typo in a KGQA_* variable is
    warned about, invalid settings stop the command with the reason."""
    for name in unknown_variables():
        err_console.print(
            f"[yellow]warning:[/] {name} is not a kgqa setting and is ignored; "
            "`kgqa config` lists them",
            highlight=False,
            soft_wrap=True,
        )
    try:
        return load_settings(**overrides)
    except ValidationError as err:
        fail(
            "invalid settings: "
            + "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'settings'}: "
                f"{e['msg'].removeprefix('Value error, ')}"
                f" (env KGQA_{str(e['loc'][0]).upper() if e['loc'] else ''})"
                for e in err.errors()
            )
        )
        raise  # unreachable
    except Exception as err:
        fail(f"invalid settings: {err}")
        raise  # unreachable


def check_given(text: str | None, what: str, settings: Settings) -> None:
    """A question or query given on the command line, checked before any model loads: refused
    (exit 2) when it is empty or too long, warned about when it does not look like English.
    (The store is checked by ``open_service``.)"""
    if text is None:
        return
    try:
        check_question(text, what, settings.max_question_chars)
    except QAError as err:
        fail(str(err))
    warning = language_warning(text, what)
    if warning:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)


def check_store(settings: Settings) -> None:
    """The store, which must be a folder holding a store: checked before anything starts or
    loads, exit 2 with what to do otherwise."""
    from kgqa.qa.store.layout import check_store as check_layout  # light: loads nothing

    try:
        check_layout(Path(settings.store))
    except QAError as err:
        fail(str(err))


def open_service(settings: Settings, reader: bool = True) -> Any:
    """What a one-shot command asks: the store's warm process (started on demand) when the
    setting warm is on, else a QAService loaded here (without the reader unless ``reader``).
    The store is checked first, before anything starts or loads."""
    check_store(settings)

    def here() -> Any:
        quiet_model_loading()
        from kgqa.qa.serve.service import QAService

        return QAService(settings if reader else settings.model_copy(update={"reader_model": None}))

    if settings.warm:
        from kgqa.qa.serve.warm import connect

        def say(message: str) -> None:
            err_console.print(f"[dim]{escape(message)}[/]", highlight=False, soft_wrap=True)

        try:
            service = connect(settings, say=say, fallback=here)
        except QAError as err:
            say(f"no warm process: {err}")
            service = None
        if service is not None:
            return service
    return here()


def fail(message: str, code: int = 2) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def quiet_model_loading() -> None:
    """No log lines or progress bars from transformers, here and in the processes this one
    starts: through the environment, so that transformers is not imported for it (0.7 s in a
    command whose models load in other processes)."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    if "transformers" in sys.modules:  # imported already: it read the environment then
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()


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


@dataclass(frozen=True)
class Line:
    """One line of a questions or queries file: its text, or why it cannot be used."""

    number: int
    id: str
    text: str | None
    error: str | None = None

    def error_json(self) -> dict[str, Any]:
        return {"id": self.id, "line": self.number, "error": self.error}


def read_lines(path: Path, text_fields: tuple[str, ...]) -> Iterator[Line]:
    """Each non-blank line of a JSONL file with the text of the first of ``text_fields`` it
    has; a line that is not a JSON object or lacks the field comes with its error instead, so
    the lines after it are still read."""
    if not path.is_file():
        fail(f"{path}: no such file")
    wanted = " or ".join(map(repr, text_fields))
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as err:
            yield Line(number, str(number), None, f"{path}:{number}: not valid JSON ({err.msg})")
            continue
        if not isinstance(record, dict):
            yield Line(number, str(number), None, f"{path}:{number}: not a JSON object")
            continue
        rid = str(record.get("id", number))
        text = next((record[f] for f in text_fields if isinstance(record.get(f), str)), None)
        if text is None:
            yield Line(number, rid, None, f"{path}:{number}: needs a string field {wanted}")
        else:
            yield Line(number, rid, text)


def answer_each(lines: Iterable[Line], answer: Callable[[Line, str], None], as_json: bool) -> int:
    """Call ``answer`` for every usable line; a bad line, or one whose question kgqa refuses
    (empty, too long), gets its own error (a JSON object with ``error``, or a line on stderr)
    and the lines after it are still answered. Returns how many lines failed."""
    from kgqa.qa.store import StoreError

    failed = 0
    for line in lines:
        error = line.error
        if error is None and line.text is not None:
            try:
                answer(line, line.text)
                continue
            except StoreError:
                raise  # the same for every line: stop with the one message
            except (QAError, KGError) as err:
                error = f"line {line.number}: {err}"
        failed += 1
        if as_json:
            print(
                json.dumps(
                    Line(line.number, line.id, None, error).error_json(), ensure_ascii=False
                ),
                flush=True,
            )
        else:
            err_console.print(f"[yellow]skipped[/] {escape(str(error))}", highlight=False)
    return failed


# What to do about an operating-system error, by errno.
_OS_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space and run it again (a store's committed "
    "generations are never changed by a failed run)",
    errno.EDQUOT: "the disk quota is used up; free some space and run it again",
    errno.EACCES: "no permission; check the owner and mode of the path, or choose another one",
    errno.EPERM: "not permitted; check the owner and mode of the path, or choose another one",
    errno.EROFS: "the file system is read-only; use a writable path (--store, --out)",
    errno.EISDIR: "it is a folder; give a file path",
    errno.ENOTDIR: "a part of the path is a file, not a folder; give a folder path",
    errno.EEXIST: "a file is in the way; remove it or choose another path",
    errno.ENOENT: "no such file or folder; check the path",
}


def os_error_line(err: OSError) -> str:
    """An operating-system error as one line: which path, what happened, what to do."""
    where = err.filename if err.filename is not None else "kgqa"
    what = err.strerror or str(err)
    advice = _OS_ADVICE.get(err.errno or 0)
    return f"{where}: {what}" + (f"; {advice}" if advice else "")


def guard(fn: Any) -> Any:
    """Turn kgqa's own errors, and operating-system errors (disk full, read-only, a file where
    a folder belongs), into one clear line and exit code 2, not a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (QAError, KGError) as err:
            fail(str(err))
        except OSError as err:
            fail(os_error_line(err))

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
