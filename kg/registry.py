"""Choices picked by name (export formats, relation extractors, retrieval modes, index kinds,
loaders, ...): one small registry per kind, so each list of names lives in one place, and
settings, CLI help, API enums and error messages all read it from there."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar, cast

T = TypeVar("T")


class UnknownChoice(ValueError):
    """A name that is not registered; the message lists the valid ones."""


class _Deferred:
    """An item named by where it lives ("package.module:attribute"), imported on first use."""

    def __init__(self, target: str) -> None:
        self.target = target

    def load(self) -> object:
        module, _, attribute = self.target.partition(":")
        return getattr(importlib.import_module(module), attribute)


class Registry(Generic[T]):
    """Named items of one kind, in registration order.

    ``kind`` and ``setting`` name the choice in messages: an unknown name gets "unknown
    export format 'pdf' (setting ...); valid: graphml, gexf, ...". ``error`` is the exception
    raised for it (each package raises its own family).
    """

    def __init__(
        self,
        kind: str,
        setting: str | None = None,
        error: Callable[[str], Exception] = UnknownChoice,
    ) -> None:
        self.kind = kind
        self.setting = setting
        self.error = error
        self._items: dict[str, T | _Deferred] = {}

    def register(self, name: str, item: T) -> T:
        """Add (or replace) ``name``; plugins call this to add their own."""
        self._items[name] = item
        return item

    def declare(self, name: str, target: str) -> None:
        """Add ``name`` for the item at ``target`` ("package.module:attribute"), imported when
        the item is first asked for: the name is valid (in settings, help and messages) before
        its implementation is imported."""
        self._items[name] = _Deferred(target)

    def unregister(self, name: str) -> None:
        """Remove ``name`` (a plugin unloading, a test cleaning up)."""
        self._items.pop(name, None)

    def __setitem__(self, name: str, item: T) -> None:
        self.register(name, item)

    def __getitem__(self, name: str) -> T:
        try:
            item = self._items[name]
        except KeyError:
            raise self.error(self.unknown(name)) from None
        if isinstance(item, _Deferred):
            item = self._items[name] = cast(T, item.load())
        return item

    def unknown(self, name: str) -> str:
        """The message for a name that is not registered."""
        where = f" (setting {self.setting})" if self.setting else ""
        return f"unknown {self.kind} {name!r}{where}; valid: {', '.join(self.names())}"

    def names(self) -> tuple[str, ...]:
        return tuple(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
