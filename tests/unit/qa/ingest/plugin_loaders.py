"""A plugin module (setting ``plugins``) that registers two loaders: one for ``.shout`` files,
and one for ``.hang`` files whose parser never returns, as a parser trap would."""

from __future__ import annotations

import time

from kgqa.qa.ingest.loaders import LOADERS


def _shout(text: str) -> tuple[str, str | None]:
    return text.upper(), "Shouted"


def _hang(text: str) -> tuple[str, str | None]:
    time.sleep(3600)
    return text, None


for suffix, loader in ((".shout", _shout), (".hang", _hang)):
    if suffix not in LOADERS:
        LOADERS.register(suffix, loader)
