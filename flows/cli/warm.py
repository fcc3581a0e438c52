"""kgqa warm start / status / stop: the warm process one-shot commands reuse."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from kgqa.flows.cli.common import (
    JsonOpt,
    StoreOpt,
    app,
    check_store,
    cli_settings,
    console,
    err_console,
    fail,
    guard,
)

warm_app = typer.Typer(
    help="The warm process per store that one-shot ask, search, entity, stats and similar "
    "reuse (setting warm).",
    no_args_is_help=True,
)
app.add_typer(warm_app, name="warm")


@warm_app.command("start")
@guard
def start(store: StoreOpt = None) -> None:
    """Start the store's warm process now (if none runs) and wait until its models are
    loaded, so that the next command answers at once."""
    from kgqa.qa.serve.warm import connect

    settings = cli_settings(store=store)
    check_store(settings)
    service = connect(
        settings, say=lambda m: err_console.print(f"[dim]{escape(m)}[/]", highlight=False)
    )
    if service is None:
        fail("the warm process did not start (see above); commands still work without it")
        return
    info = service.info
    service.close()
    console.print(f"warm process {info['pid']} serves {escape(info['store'])}", highlight=False)


@warm_app.command("status")
@guard
def status(as_json: JsonOpt = False) -> None:
    """The warm processes running for this user: process id, store, since when."""
    from kgqa.qa.serve.warm import running

    processes = running()
    if as_json:
        print(json.dumps(processes))
        return
    if not processes:
        console.print("no warm process runs")
    for p in processes:
        console.print(
            f"{p['pid']}: {escape(p['store'])} since {p['started']} "
            f"(stops after {p['idle_seconds']} s idle; name {p['name']})",
            highlight=False,
        )


@warm_app.command("stop")
@guard
def stop(
    store: StoreOpt = None,
    every: Annotated[bool, typer.Option("--all", help="Stop every warm process.")] = False,
) -> None:
    """Stop the warm process of the store (with the settings in force), or --all of them."""
    from kgqa.qa.serve.warm import name_for, running
    from kgqa.qa.serve.warm import stop as stop_process

    names = [p["name"] for p in running()] if every else [name_for(cli_settings(store=store))]
    stopped = [name for name in names if stop_process(name)]
    console.print(f"stopped {len(stopped)} warm process{'es' if len(stopped) != 1 else ''}")
