"""Release notes asked about one version through `kgqa ask` (a text written for this test):
the answer comes from the section under that version's heading, not from the first section,
and a version the notes do not have gets no answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import store_of
from tests.e2e.test_field_reads import answers

pytestmark = pytest.mark.slow

NOTES = """# Quillon release notes

## 2.1.0 (2024-06-30)

- Dropped support for Python 3.8.
- Added full-text search over archived documents.

## 2.0.0 (2024-02-12)

- New storage engine based on PostgreSQL; SQLite is no longer supported.
- Renamed the `qln` command to `quillon`.

## 1.4.2 (2023-10-03)

- Fixed a crash when importing empty PDF files.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return store_of(tmp_path_factory.mktemp("anchor_reads"), {"CHANGELOG.md": NOTES})


def test_a_version_is_answered_from_its_own_section(store: Path) -> None:
    assert answers(store, "When was Quillon 2.0.0 released?") == ["2024-02-12"]
    # read whole, the notes answer with the first section's date
    off = answers(store, "When was Quillon 2.0.0 released?", KGQA_ANCHOR_ANSWERS="false")
    assert off != ["2024-02-12"]
    # a version the notes do not have: no section is about it
    assert answers(store, "When was Quillon 3.0 released?") == []
    # an answer that is itself a version may lie under another heading
    assert answers(store, "Which version dropped support for Python 3.8?") == ["2.1.0"]
