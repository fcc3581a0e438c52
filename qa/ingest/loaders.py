"""Loading input files into normalised documents, and splitting documents into passages."""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kgqa.kg.registry import Registry
from kgqa.qa.ingest.formats import (
    Extracted,
    docx_to_text,
    markdown_document,
    pdf_to_text,
    plain_value,
    web_page_to_text,
)
from kgqa.qa.ingest.text import normalise
from kgqa.qa.types import Document, InputError, Passage, QAError


@dataclass(frozen=True)
class SourceFile:
    """An input file and the document id it gets (its path relative to the ingested root)."""

    path: Path
    doc_id: str


def content_hash(text: str, title: str | None = None) -> str:
    """What re-ingestion compares; a document's title counts, as it is indexed with its text."""
    raw = text if not title else f"{title}\0{text}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def discover(
    paths: list[Path], follow_links: bool = False, passed_over: Counter[str] | None = None
) -> tuple[list[SourceFile], list[InputError]]:
    """Expand files and folders (recursively) into supported input files.

    A missing path or an unsupported file named directly is an error; unsupported files found
    inside a folder are passed over (folders often hold images and the like), counted by
    suffix in ``passed_over`` when one is given. Inside a
    folder, a symbolic link is followed only when it stays inside that folder (unless
    ``follow_links``); a link leading out, a dangling link, and anything that is not a regular
    file (a FIFO, a device, a socket) are reported as skipped, never opened.
    """
    found: list[SourceFile] = []
    errors: list[InputError] = []
    seen: set[Path] = set()
    for root in paths:
        if not root.exists():
            errors.append(InputError(str(root), "no such file or folder; check the path"))
            continue
        if root.is_file():
            candidates = [(root, root.name)]
            if root.suffix.lower() not in LOADERS:
                errors.append(
                    InputError(
                        str(root),
                        f"unsupported file type {root.suffix!r}; "
                        f"kgqa reads {', '.join(LOADERS.names())}",
                    )
                )
                continue
        elif root.is_dir():
            files = _walk(root, follow_links, errors)
            candidates = [
                (p, p.relative_to(root).as_posix()) for p in files if p.suffix.lower() in LOADERS
            ]
            if passed_over is not None:
                passed_over.update(
                    p.suffix.lower() or "(none)" for p in files if p.suffix.lower() not in LOADERS
                )
        else:
            errors.append(
                InputError(
                    str(root),
                    "skipped: not a regular file or folder (a FIFO, "
                    "device or socket); kgqa reads files",
                )
            )
            continue
        for path, doc_id in candidates:
            resolved = path.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append(SourceFile(path=path, doc_id=doc_id))
    return found, errors


def _walk(root: Path, follow_links: bool, errors: list[InputError]) -> list[Path]:
    """Regular files under ``root`` (hidden names skipped), in sorted order, with the links
    and special files that were passed over added to ``errors``."""
    inside = root.resolve()
    found: list[Path] = []
    visited: set[Path] = set()
    # Real folders first, linked ones after, so a file reachable both ways keeps its real path.
    folders: list[Path] = [root]
    linked: list[Path] = []
    while folders or linked:
        folder = folders.pop() if folders else linked.pop(0)
        real = folder.resolve()
        if real in visited:
            continue  # a link loop, or a folder reached twice
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            errors.append(
                InputError(str(folder), f"skipped: cannot list the folder ({err.strerror})")
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                target = path.resolve()
                if not target.exists():
                    errors.append(InputError(str(path), "skipped: a dangling symbolic link"))
                    continue
                if not follow_links and not target.is_relative_to(inside):
                    errors.append(
                        InputError(
                            str(path),
                            f"skipped: a symbolic link to {target}, "
                            "outside the folder given; pass --follow-links "
                            "(setting follow_links) to read it",
                        )
                    )
                    continue
            if entry.is_dir():
                (linked if entry.is_symlink() else folders).append(path)
            elif entry.is_file():
                found.append(path)
            else:
                errors.append(
                    InputError(str(path), "skipped: not a regular file (a FIFO, device or socket)")
                )
    return sorted(found)


# byte order marks, longest first (UTF-32's little-endian mark begins with UTF-16's)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(raw: bytes, where: str) -> tuple[str, str | None]:
    """The text of a file's bytes, and the encoding it was read with when that was not UTF-8
    (None for UTF-8): a byte order mark names UTF-16 or UTF-32 (Windows' "Unicode" files);
    text that is not UTF-8 is read with the encoding charset-normalizer finds (Windows-1252,
    Latin-1, ...), which the ingest report names."""
    if not raw.strip():
        raise InputError(where, "the file is empty; add text or remove it")
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as err:
            raise InputError(
                where, f"invalid {encoding.upper()} at byte {err.start}; re-save the file as UTF-8"
            ) from None
        if not text.strip():
            raise InputError(where, "the file is empty; add text or remove it")
        return text, None if encoding == "utf-8-sig" else encoding
    nul = b"\x00" in raw[:8192]
    if not nul:
        try:
            return raw.decode("utf-8"), None
        except UnicodeDecodeError as err:
            failed = err
    guess = _guess_encoding(raw)
    if guess is not None and (not nul or guess.startswith(("utf_16", "utf_32"))):
        with contextlib.suppress(UnicodeDecodeError):  # the guess read a sample of the file
            return raw.decode(guess), guess
    if nul:
        raise InputError(where, "looks binary (NUL bytes), not text; convert it to UTF-8 text")
    line = raw[: failed.start].count(b"\n") + 1
    raise InputError(
        where,
        f"invalid UTF-8 at byte {failed.start} (line {line}), and no other encoding fits; "
        "re-save the file as UTF-8",
    )


def _guess_encoding(raw: bytes) -> str | None:
    """charset-normalizer's encoding for ``raw`` (a Python codec name), or None when none
    decodes it into plausible text. Windows-1252, the most common encoding of Western text,
    wins when it reads the bytes as cleanly as the best: on "Café crème" the best was Central
    European cp1250, which reads "crčme"."""
    from charset_normalizer import from_bytes

    found = from_bytes(raw)
    best = found.best()
    if best is None:
        return None
    western = next((m for m in found if m.encoding == "cp1252"), None)
    if western is not None and western.chaos <= best.chaos + 0.01:
        return "cp1252"
    return best.encoding


def _document(
    doc_id: str,
    text: str,
    source: str,
    where: str,
    title: str | None = None,
    metadata: dict | None = None,
) -> Document:
    text = normalise(text)
    if not text:
        raise InputError(where, "no text left after extraction; the document is empty")
    return Document(
        doc_id=doc_id,
        text=text,
        source=source,
        content_hash=content_hash(text, title),
        title=title,
        metadata=metadata or {},
    )


def _read_with_retries(path: Path, max_bytes: int, retries: int, backoff: float) -> bytes | None:
    """The file's bytes, or None when it is over ``max_bytes``; I/O errors are retried with
    exponential backoff (network filesystems hiccup) before they propagate."""
    for attempt in range(retries + 1):
        try:
            if path.stat().st_size > max_bytes:
                return None
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            raise
        except OSError:
            if attempt == retries:
                raise
            time.sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")


def load_file(
    src: SourceFile, max_bytes: int, retries: int = 0, backoff: float = 0.5
) -> Iterator[Document | InputError]:
    """Documents of one input file; a JSONL file yields one per good line and an error per
    bad one."""
    where = str(src.path)
    source = str(src.path.resolve())
    try:
        raw = _read_with_retries(src.path, max_bytes, retries, backoff)
    except OSError as err:
        yield InputError(where, f"cannot read after {retries + 1} tries: {err.strerror or err}")
        return
    if raw is None:
        yield InputError(
            where,
            f"{src.path.stat().st_size:,} bytes is over the limit of {max_bytes:,} (setting "
            "max_document_bytes, env KGQA_MAX_DOCUMENT_BYTES); split the file or raise the limit",
        )
        return
    loader = LOADERS[src.path.suffix.lower()]
    encoding: str | None = None  # of a text file that is not UTF-8
    try:
        if isinstance(loader, BinaryLoader):
            if not raw.strip():
                raise InputError(where, "the file is empty; add text or remove it")
            out = loader(raw, where)
        else:
            text, encoding = _decode(raw, where)
            if loader is None:  # JSONL: one document per line
                yield from _jsonl_documents(text, source, where, encoding, src.doc_id)
                return
            read = loader(text)
            out = read if isinstance(read, Extracted) else Extracted(*read)
        metadata: dict[str, Any] = dict(out.metadata)
        if out.pages:
            metadata["pages"] = list(out.pages)
        if encoding is not None:
            metadata["encoding"] = encoding
        yield _document(src.doc_id, out.text, source, where, title=out.title, metadata=metadata)
    except InputError as err:
        yield err


# Loaders by file suffix. A text loader takes the decoded text and returns (plain text, title or
# None), or an Extracted (Markdown: with its front matter's fields); a BinaryLoader takes the
# file's bytes and its name for messages and returns an Extracted (text, title, page starts).
# None marks JSONL, which holds many documents. A module named in the setting ``plugins`` can
# register more suffixes (LOADERS.register).
TextLoader = Callable[[str], tuple[str, str | None] | Extracted]


@dataclass(frozen=True)
class BinaryLoader:
    """A loader that reads a file's bytes (PDF, .docx)."""

    read: Callable[[bytes, str], Extracted]

    def __call__(self, raw: bytes, where: str) -> Extracted:
        return self.read(raw, where)


def _web_page(text: str) -> tuple[str, str | None]:
    out = web_page_to_text(text, "")
    return out.text, out.title


LOADERS: Registry[TextLoader | BinaryLoader | None] = Registry("file type", error=QAError)
# the marks of an e-mail's quoted reply ("> I bought a Breeze 2 ..."), one or more a line
_QUOTED = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)


def plain_text(text: str) -> tuple[str, None]:
    """A text file's text, less the marks of an e-mail's quoted replies (their lines kept),
    so that a quoted sentence reads as one."""
    return _QUOTED.sub("", text), None


LOADERS.register(".txt", plain_text)
LOADERS.register(".md", markdown_document)
LOADERS.register(".markdown", markdown_document)
LOADERS.register(".html", _web_page)
LOADERS.register(".htm", _web_page)
LOADERS.register(".jsonl", None)
LOADERS.register(".pdf", BinaryLoader(pdf_to_text))
LOADERS.register(".docx", BinaryLoader(docx_to_text))


def _jsonl_documents(
    text: str, source: str, where: str, encoding: str | None, file_id: str
) -> Iterator[Document | InputError]:
    """One document per line of a JSONL file (an error per bad line); ``encoding``: the
    file's, when it was not UTF-8 (kept in each document's metadata). A line without an "id"
    is ``file_id:line`` (a catalogue's records); one without a "text" reads its "content" (as
    Haystack writes it) or, failing that, its fields alone, under its "title"."""
    seen: set[str] = set()
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        at = f"{where}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield InputError(
                at, f"not valid JSON ({err.msg} at column {err.colno}); fix or remove the line"
            )
            continue
        if not isinstance(record, dict):
            yield InputError(at, 'each line must be a JSON object like {"id": ..., "text": ...}')
            continue
        given = record.get("id")
        doc_id = f"{file_id}:{number}" if given is None or not str(given).strip() else str(given)
        if "text" not in record and isinstance(record.get("content"), str):
            record = {**record, "text": record["content"]}
            del record["content"]
        body = record.get("text")
        fields = record_fields(record)
        title = record.get("title")
        if body is None and fields:
            # a catalogue's record, of fields alone: its title heads them (a page's heading),
            # so that "Who wrote Salt and Stone?" finds the record of that name
            body = "" if title is None else str(title)
        if not isinstance(body, str):
            missing = "is not a string"
            if body is None:
                missing = "is missing and the line has no other fields"
            yield InputError(at, f'field "text" {missing} (id {doc_id!r}); add the text')
            continue
        if doc_id in seen:
            yield InputError(at, f"id {doc_id!r} appears twice in this file; ids must be unique")
            continue
        metadata = record.get("metadata") or {}
        if not isinstance(metadata, dict):
            yield InputError(at, 'field "metadata" must be a JSON object')
            continue
        if fields:  # a record's own fields are part of its text, and kept as metadata too
            lines = "\n".join(f"{k}: {v}" for k, v in fields.items())
            body = "\n\n".join([body, lines]) if body.strip() else lines
            metadata = {**{k: record[k] for k in record if k not in _RECORD_KEYS}, **metadata}
        if encoding is not None:
            metadata = {**metadata, "encoding": encoding}
        try:
            yield _document(
                doc_id,
                body,
                source,
                at,
                title=str(title) if title is not None else None,
                metadata=metadata,
            )
            seen.add(doc_id)
        except InputError as err:
            yield err


# a JSONL record's keys of its own: the others are fields of the document
_RECORD_KEYS = {"id", "text", "title", "metadata"}


def record_fields(record: dict[str, Any]) -> dict[str, str]:
    """A JSONL record's other fields whose values are plain (text, numbers, true/false, lists
    of those) as labelled lines' values: {"case_officer": "Ruth Adeyemi"} gives "Case officer":
    "Ruth Adeyemi", which a question about the case officer reads; nested objects are left
    out."""
    out: dict[str, str] = {}
    for key, value in record.items():
        if key in _RECORD_KEYS:
            continue
        plain = plain_value(value)
        values = plain if isinstance(plain, list) else [plain]
        if plain is None or not values:
            continue
        text = ", ".join(
            ("yes" if v else "no") if isinstance(v, bool) else " ".join(str(v).split())
            for v in values
        )
        label = re.sub(r"(?<=[a-z])(?=[A-Z])|[_-]+", " ", str(key)).strip().lower()
        if text and label:
            out[label[0].upper() + label[1:]] = text[:2_000]
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "jr",
    "sr",
    "vs",
    "no",
    "inc",
    "ltd",
    "co",
    "corp",
    "mt",
    "ft",
    "e.g",
    "i.e",
    "etc",
    "u.s",
    "u.k",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (a rule-based splitter; fast and
    offset-exact)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        cut = match.start()
        if text[cut - 1 : cut] == "." and "\n" not in match.group():
            word = re.search(r"(\S+)\.$", text[start:cut])
            last = word.group(1).lower() if word else ""
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
        if text[start:cut].strip():
            spans.append(_trim(text, start, cut))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_passages(doc: Document, max_chars: int, overlap_sentences: int) -> list[Passage]:
    """Sentence-aware chunks of at most ``max_chars`` characters (a longer sentence is cut at
    whitespace), each repeating the last ``overlap_sentences`` sentences of the one before."""
    pieces: list[tuple[int, int]] = []
    for s, e in sentence_spans(doc.text):
        while e - s > max_chars:
            cut = doc.text.rfind(" ", s + 1, s + max_chars)
            cut = cut if cut > s else s + max_chars
            pieces.append((s, cut))
            s = cut + 1 if doc.text[cut : cut + 1] == " " else cut
        pieces.append((s, e))
    passages: list[Passage] = []
    i = 0
    while i < len(pieces):
        j = i
        while j + 1 < len(pieces) and pieces[j + 1][1] - pieces[i][0] <= max_chars:
            j += 1
        start, end = pieces[i][0], pieces[j][1]
        ordinal = len(passages)
        passages.append(
            Passage(
                passage_id=f"{doc.doc_id}#{ordinal}",
                doc_id=doc.doc_id,
                ordinal=ordinal,
                start=start,
                end=end,
                text=doc.text[start:end],
            )
        )
        if j + 1 >= len(pieces):
            break
        i = max(_table_start(doc.text, pieces, j + 1 - overlap_sentences, max_chars), i + 1)
    return passages


def _table_start(text: str, pieces: list[tuple[int, int]], i: int, max_chars: int) -> int:
    """Where a passage that would start at piece ``i`` starts: at its table's first row when
    piece ``i`` is a later row of a "| cell | cell |" table, so that the rows keep their header
    ("| Clinic | Day | Led by |" over "| Baby immunisations | Thursday | Marcus Obi |"), if
    the rows before it take at most half a passage (``max_chars``): a longer table's rows are
    not read again and again."""
    first = i
    while (
        0 < first < len(pieces)
        and text[pieces[first][0]] == "|"
        and text[pieces[first - 1][0]] == "|"
        and text[pieces[first - 1][1] : pieces[first][0]].count("\n") == 1
    ):
        first -= 1
    return first if first < i and pieces[i][0] - pieces[first][0] <= max_chars // 2 else i
