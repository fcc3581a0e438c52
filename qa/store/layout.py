"""A store folder's layout, read without loading anything: the CURRENT pointer and the
``gen-NNNNNN`` folders. One-shot commands check their store with it before any model, index
or graph library loads (a question through the warm process loads none of them)."""

from __future__ import annotations

from pathlib import Path

from kgqa.qa.store.manifest import GEN_NAME, GEN_PREFIX, StoreError


def current_name(root: Path) -> str | None:
    """The generation CURRENT names, or None when CURRENT is missing, unreadable, or names
    anything but a generation folder of this store (``gen-`` and six digits: never a path)."""
    try:
        name = (root / "CURRENT").read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if GEN_NAME.fullmatch(name) else None


def generation_numbers(root: Path) -> list[int]:
    """The numbers of the generation folders under ``root``, oldest first."""
    if not root.is_dir():
        return []
    return sorted(
        int(p.name[len(GEN_PREFIX) :])
        for p in root.iterdir()
        if p.is_dir() and p.name.startswith(GEN_PREFIX) and p.name[len(GEN_PREFIX) :].isdigit()
    )


def check_is_folder(root: Path) -> None:
    """StoreError when the store's path is a file (reading and writing both need a folder:
    ingest creates it)."""
    if root.exists() and not root.is_dir():
        raise StoreError(
            f"{root} is a file, not a store folder; give --store (or "
            "KGQA_STORE) a folder path (kgqa ingest creates the folder)"
        )


def no_store(root: Path) -> StoreError:
    """The error for a path that holds no store, with what to do."""
    return StoreError(
        f"no kgqa store at {root} (no CURRENT file); run `kgqa ingest PATH "
        f"--store {root}` first, or point --store / KGQA_STORE at your store"
    )


def check_store(root: Path) -> None:
    """StoreError, saying what to do, unless ``root`` is a folder that holds a store (a
    CURRENT pointer or a generation folder)."""
    check_is_folder(root)
    if current_name(root) is None and not generation_numbers(root):
        raise no_store(root)
