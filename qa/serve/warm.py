"""A warm kgqa process per store that one-shot commands reuse.

Most of a one-shot ``kgqa ask`` is not kgqa's work: importing torch and transformers and
loading the reader, the embedder and spaCy take about 9 of its 10 seconds on 2 cores, and an
answer takes a fraction of a second once they are loaded. So ``ask``, ``search``, ``entity``,
``stats`` and ``similar`` hand their work to a background process that keeps the models and
the store loaded:

- started on demand by the first such command (which waits for it, as it would have waited
  for its own loading), one per store and settings: the process's name is a hash of every
  setting in force, kgqa's version and its code, so a command never talks to a process that
  would answer differently;
- stopped after ``warm_idle_seconds`` without a command, or by ``kgqa warm stop``;
- safe when commands race: one process per name holds a lock for its whole life (a second
  one started at the same moment exits at once), and it serves one command at a time while
  the others wait their turn;
- private: its socket and key live in a folder only the user can read
  (``$XDG_RUNTIME_DIR/kgqa-UID`` or the temporary folder), and a client must prove it holds
  the key before the process reads a request;
- answering from the store's current generation, as ``kgqa serve`` does: an ingest that
  commits a new one is picked up without a restart.

When the process cannot start or fails, the command answers in its own process as before.
Setting ``warm = false`` (``KGQA_WARM=false``) turns it off.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import Any, TextIO

from kgqa.kg.types import KGError
from kgqa.qa.settings import Settings
from kgqa.qa.types import QAError

# The exit status of a process that finds another one already serving its name.
ALREADY_RUNNING = 3
# Settings that name a file or folder: made absolute, so that the process (and its name)
# mean the same thing whichever folder a command is run from.
_PATH_SETTINGS = ("store", "spacy_model", "embedder", "reader_model", "relation_model")


def runtime_dir() -> Path:
    """The user's private folder for warm processes; QAError when it is not private."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(base) / f"kgqa-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    st = folder.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise QAError(
            f"{folder} is not private to this user (owner {st.st_uid}, mode "
            f"{oct(st.st_mode & 0o777)}); remove it, or set warm = false"
        )
    return folder


def portable_settings(settings: Settings) -> dict[str, Any]:
    """The settings as JSON, with the paths among them made absolute."""
    data = settings.model_dump(mode="json")
    for name in _PATH_SETTINGS:
        value = data.get(name)
        if isinstance(value, str) and (name == "store" or Path(value).exists()):
            data[name] = str(Path(value).expanduser().resolve())
    return data


def _package_root() -> Path:
    """The folder that holds kgqa's packages (qa, kg, flows)."""
    import kgqa.qa

    return Path(next(iter(kgqa.qa.__path__))).parent


def from_kgqa(filename: str) -> bool:
    """Whether a warning was raised by kgqa's own code (rather than by a library)."""
    return Path(filename).is_relative_to(_package_root())


def _code_stamp() -> str:
    """kgqa's version and the newest change to its code, so that an upgraded or edited kgqa
    never talks to a process still running the old code."""
    from importlib.metadata import version

    newest = 0
    top = _package_root()
    for package in ("qa", "kg", "flows"):
        for folder, _, files in os.walk(top / package):
            for name in files:
                if name.endswith(".py"):
                    newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime_ns)
    return f"{version('kgqa')}:{newest}:{os.path.realpath(sys.executable)}"


def _model_stamp(settings_json: dict[str, Any]) -> str:
    """Every file of the model folders the settings name, with its size and time, so that a
    model trained again in place (a reader, its verifier) is served by a new process rather
    than by one still holding the old model."""
    files = []
    for name in _PATH_SETTINGS:
        value = settings_json.get(name)
        if name == "store" or not isinstance(value, str) or not os.path.isabs(value):
            continue
        for folder, _, names in os.walk(value):
            for file in names:
                with contextlib.suppress(OSError):
                    st = os.stat(os.path.join(folder, file))
                    files.append(f"{folder}/{file}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(sorted(files))


@dataclass(frozen=True)
class Place:
    """The files of one warm process, named by the hash of what it serves."""

    folder: Path
    name: str

    @classmethod
    def of(cls, settings_json: dict[str, Any]) -> Place:
        digest = hashlib.sha256(
            (
                json.dumps(settings_json, sort_keys=True)
                + _code_stamp()
                + _model_stamp(settings_json)
            ).encode()
        ).hexdigest()
        return cls(runtime_dir(), digest[:20])

    def file(self, suffix: str) -> Path:
        return self.folder / f"{self.name}.{suffix}"

    @property
    def socket(self) -> Path:
        return self.file("sock")

    def info(self) -> dict[str, Any] | None:
        try:
            return dict(json.loads(self.file("json").read_text()))
        except (OSError, ValueError):
            return None

    def held(self) -> bool:
        """Whether a live process holds this name's lock."""
        with self.lock() as got:
            return not got

    @contextlib.contextmanager
    def lock(self) -> Iterator[bool]:
        """This name's lock, taken when free (True) for as long as the block runs; False at
        once when a live process holds it."""
        fd = os.open(self.file("lock"), os.O_CREAT | os.O_RDWR, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)


def _error_from(kind: str, message: str) -> Exception:
    if kind == "store":
        from kgqa.qa.store import StoreError

        return StoreError(message)
    return KGError(message) if kind == "kg" else QAError(message)


class WarmFailed(Exception):
    """The warm process could not do the work (it died, or failed in an unexpected way); the
    command does it in its own process instead."""


# What a one-shot command asks of a QAService, by name: done by the warm process, or by a
# QAService in the command's own process when the warm one fails.
OPS: dict[str, Callable[..., Any]] = {
    "ask": lambda s, *a, **k: s.ask(*a, **k),
    "search": lambda s, *a, **k: s.search(*a, **k),
    "entity": lambda s, *a, **k: s.entity(*a, **k),
    "stats": lambda s: s.stats(),
    "overview": lambda s, *a, **k: s.overview(*a, **k),
    "similar.find": lambda s, *a, **k: s.similarity().find(*a, **k),
    "similar.duplicates": lambda s, *a, **k: s.similarity().duplicates(*a, **k),
}


class WarmService:
    """The client side: the QAService methods the one-shot commands use, done by the warm
    process. Should it fail, ``fallback`` builds a QAService here and the work goes on."""

    def __init__(
        self,
        connection: Connection,
        info: dict[str, Any],
        fallback: Callable[[], Any] | None = None,
        say: Callable[[str], None] = lambda _: None,
    ) -> None:
        self._connection = connection
        self.info = info
        # what the CLI checks before asking (a name, or None when no reader is configured)
        self.reader = info.get("reader")
        self._fallback = fallback
        self._say = say
        self._local: Any = None
        self._told: set[str] = set()

    def call(self, op: str, *args: Any, **kwargs: Any) -> Any:
        if self._local is None:
            try:
                return self._remote(op, *args, **kwargs)
            except WarmFailed as err:
                if self._fallback is None:
                    raise
                self._say(f"{err}; going on in this process")
                self._local = self._fallback()
        return OPS[op](self._local, *args, **kwargs)

    def _remote(self, op: str, *args: Any, **kwargs: Any) -> Any:
        try:
            self._connection.send((op, args, kwargs))
            status, value, notes = self._connection.recv()
        except (OSError, EOFError) as err:
            raise WarmFailed(f"the warm process went away ({err})") from err
        self._tell(notes)
        if status == "error":
            raise _error_from(*value)
        if status == "failed":
            raise WarmFailed(f"the warm process failed: {value}")
        return value

    def _tell(self, notes: list[tuple[str, str]]) -> None:
        """The warm process's warnings for this command (about its models, the generation it
        serves and this request), warned here, each once, as a command working alone would."""
        for category, message in notes:
            if message not in self._told:
                self._told.add(message)
                warnings.warn(message, _warning_class(category), stacklevel=4)

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        return self.call("ask", *args, **kwargs)

    def search(self, *args: Any, **kwargs: Any) -> Any:
        return self.call("search", *args, **kwargs)

    def entity(self, *args: Any, **kwargs: Any) -> Any:
        return self.call("entity", *args, **kwargs)

    def stats(self) -> Any:
        return self.call("stats")

    def overview(self, *args: Any, **kwargs: Any) -> Any:
        return self.call("overview", *args, **kwargs)

    def similarity(self) -> _RemoteSimilarity:
        return _RemoteSimilarity(self)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._connection.close()


class _RemoteSimilarity:
    def __init__(self, service: WarmService) -> None:
        self._service = service

    def find(self, *args: Any, **kwargs: Any) -> Any:
        return self._service.call("similar.find", *args, **kwargs)

    def duplicates(self, *args: Any, **kwargs: Any) -> Any:
        return self._service.call("similar.duplicates", *args, **kwargs)


def _warning_class(name: str) -> type[Warning]:
    if name == "StoreWarning":
        from kgqa.qa.store import StoreWarning

        return StoreWarning
    return UserWarning


def kgqa_warnings_to(
    take: Callable[[str, str], None], show: Callable[..., None], also_show: bool = False
) -> Callable[..., None]:
    """A ``warnings.showwarning`` that hands kgqa's own warnings to ``take`` (category name,
    message) and shows a library's with ``show`` (kgqa's too when ``also_show``)."""

    def hook(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        mine = from_kgqa(filename)
        if mine:
            take(category.__name__, str(message))
        if also_show or not mine:
            show(message, category, filename, lineno, file, line)

    return hook


@contextlib.contextmanager
def _kept(notes: list[tuple[str, str]]) -> Iterator[None]:
    """kgqa's own warnings raised in the block are added to ``notes`` as (category, message)
    to be sent to the command; every warning is also shown here, in the process's log."""
    show = warnings.showwarning
    with warnings.catch_warnings():
        warnings.filterwarnings("always", module=r"kgqa\.")
        warnings.showwarning = kgqa_warnings_to(
            lambda category, message: notes.append((category, message)), show, also_show=True
        )
        yield


def _connect(place: Place, **client: Any) -> WarmService | None:
    info = place.info()
    if info is None or not place.socket.exists():
        return None
    try:
        key = place.file("key").read_bytes()
        connection = Client(str(place.socket), family="AF_UNIX", authkey=key)
    except (OSError, EOFError, ValueError, AuthenticationError):
        return None  # not running, or starting (its key just changed)
    return WarmService(connection, info, **client)


def connect(
    settings: Settings,
    start: bool = True,
    say: Callable[[str], None] = lambda _: None,
    fallback: Callable[[], Any] | None = None,
) -> WarmService | None:
    """The warm process for these settings: the running one, or (``start``) a new one, waited
    for until its models are loaded. None when it cannot be had (``say`` is told why).
    ``fallback`` builds a local QAService should the process fail later."""
    data = portable_settings(settings)
    place = Place.of(data)
    service = _connect(place, fallback=fallback, say=say)
    if service is not None or not start:
        return service
    say(
        f"starting a warm kgqa process for {data['store']} (the next commands reuse it; it "
        f"stops after {settings.warm_idle_seconds} s idle, or with `kgqa warm stop`)"
    )
    deadline = time.monotonic() + 900
    for _ in range(3):  # a process that was just stopping when this one looked
        process = _spawn(place, data)
        while time.monotonic() < deadline:
            time.sleep(0.05)
            service = _connect(place, fallback=fallback, say=say)
            if service is not None:
                _stop_superseded(place, data)
                return service
            status = process.poll()
            if status is None or place.held():
                continue  # loading; or another command started one first: wait for it
            break
        if process.poll() != ALREADY_RUNNING:
            break
    status = process.poll()
    if status is None:
        process.kill()
    tail = place.file("log").read_text(errors="replace").strip().splitlines()[-3:]
    say(f"the warm process did not start (exit status {status}): {' / '.join(tail)}")
    return None


def _spawn(place: Place, data: dict[str, Any]) -> subprocess.Popen[bytes]:
    with place.file("log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "kgqa.qa.serve.warm", place.name],
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not stopped by the terminal's Ctrl-C of this command
        )
    assert process.stdin is not None
    process.stdin.write(json.dumps(data).encode())
    process.stdin.close()
    return process


def running() -> list[dict[str, Any]]:
    """Every live warm process of this user: its info (pid, store, reader, started, idle)."""
    out = []
    for path in sorted(runtime_dir().glob("*.json")):
        place = Place(path.parent, path.stem)
        info = place.info()
        if info is not None and place.held():
            out.append({"name": place.name, **info})
    return out


def stop(name: str) -> bool:
    """Ask the warm process of that name to stop; whether it was running."""
    place = Place(runtime_dir(), name)
    service = _connect(place)
    if service is None:
        return False
    with contextlib.suppress(WarmFailed):
        service.call("stop")
    service.close()
    for _ in range(100):
        if not place.held():
            break
        time.sleep(0.05)
    return True


def family(settings_json: dict[str, Any]) -> str:
    """What processes of the same store, settings and Python share whatever their code and
    models: a process of the same family started since serves in their place. (Another
    installation's processes are not its own: two kgqa installations never stop each other's.)"""
    text = json.dumps(settings_json, sort_keys=True) + os.path.realpath(sys.executable)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _stop_superseded(place: Place, data: dict[str, Any]) -> None:
    """Stop the processes this new one replaces (older code or models, same settings): they
    would otherwise hold their models until idle. Stopped by signal, not by a request, which
    would wait for a command they are serving (that command then answers in its own process)."""
    mine = family(data)
    for other in running():
        if other["name"] != place.name and other.get("family") == mine:
            with contextlib.suppress(OSError):
                os.kill(int(other["pid"]), signal.SIGTERM)


def name_for(settings: Settings) -> str:
    return Place.of(portable_settings(settings)).name


# ---- the warm process itself -------------------------------------------------------------


class _Server:
    def __init__(self, place: Place, data: dict[str, Any]) -> None:
        from kgqa.qa.serve.service import QAService

        self.place = place
        self.settings = settings = Settings(**data)
        self.family = family(data)
        # warnings about the models (a verifier made for other features): told to every command
        self.notes: list[tuple[str, str]] = []
        with _kept(self.notes):
            self.service = QAService(settings)
        self.service.warm_up()
        # one question through every step, so that the first command pays for nothing lazy
        with contextlib.suppress(QAError, KGError):
            self.service.ask("Who wrote this?")
        self.busy = threading.Lock()
        self.last = time.monotonic()

    def info(self) -> dict[str, Any]:
        reader = self.settings.reader_model if self.service.reader is not None else None
        return {
            "pid": os.getpid(),
            "store": str(self.settings.store),
            "reader": reader,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "idle_seconds": self.settings.warm_idle_seconds,
            "family": self.family,
        }

    def serve(self) -> None:
        key = os.urandom(32)
        _write_private(self.place.file("key"), key)
        self.place.socket.unlink(missing_ok=True)
        listener = Listener(str(self.place.socket), family="AF_UNIX", authkey=key)
        _write_private(self.place.file("json"), json.dumps(self.info()).encode())
        threading.Thread(target=self._watch, daemon=True).start()
        while True:
            try:
                connection = listener.accept()
            except Exception:  # a client without the key, or one that went away
                continue
            with self.busy, connection:
                self._handle(connection)
            self.last = time.monotonic()

    def _handle(self, connection: Connection) -> None:
        while True:
            try:
                op, args, kwargs = connection.recv()
            except (EOFError, OSError):
                return
            if op == "stop":
                connection.send(("ok", None, []))
                self.exit()
            notes = list(self.notes)
            try:
                with _kept(notes):
                    reply: tuple[str, Any] = ("ok", OPS[op](self.service, *args, **kwargs))
            except KGError as err:
                reply = ("error", ("kg", str(err)))
            except QAError as err:
                from kgqa.qa.store import StoreError

                kind = "store" if isinstance(err, StoreError) else "qa"
                reply = ("error", (kind, str(err)))
            except Exception:
                print(traceback.format_exc(), file=sys.stderr, flush=True)
                reply = ("failed", traceback.format_exc(limit=-1).strip().splitlines()[-1])
            notes += [("StoreWarning", n) for n in self.service.generation_notices()]
            try:
                connection.send((*reply, notes))
            except (OSError, EOFError):
                return

    def _watch(self) -> None:
        while True:
            time.sleep(1.0)
            idle = time.monotonic() - self.last
            if idle > self.settings.warm_idle_seconds and self.busy.acquire(blocking=False):
                if time.monotonic() - self.last > self.settings.warm_idle_seconds:
                    self.exit()
                self.busy.release()

    def exit(self) -> None:
        for suffix in ("json", "key", "sock"):
            self.place.file(suffix).unlink(missing_ok=True)
        os._exit(0)


def _write_private(path: Path, data: bytes) -> None:
    partial = path.with_suffix(path.suffix + ".partial")
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(partial, path)


def main(name: str) -> None:
    """The warm process: settings as JSON on stdin; serve until idle or stopped."""
    data = json.loads(sys.stdin.read())
    place = Place(runtime_dir(), name)
    with place.lock() as got:
        if not got:
            sys.exit(ALREADY_RUNNING)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        server = _Server(place, data)
        signal.signal(signal.SIGTERM, lambda *_: server.exit())
        print(f"{time.strftime('%H:%M:%S')} serving {data['store']} as {name}", flush=True)
        server.serve()


if __name__ == "__main__":
    main(sys.argv[1])
