"""BM25's terms: a version or an address is one term, so a changelog's sections differ."""

from __future__ import annotations

from kgqa.qa.store.index import BM25Index, bm25_tokens


def test_a_dotted_number_is_one_term_and_finds_its_own_section() -> None:
    sections = [
        "3.2.0 (2026-09-14): added the watch flag; the default port is now 4173.",
        "3.1.0 (2026-05-02): new check command that reports broken links.",
        "3.0.0 (2025-11-20): the configuration file moved to a new name.",
    ]
    assert "3.1.0" in bm25_tokens([sections[1]])[0]
    index = BM25Index.build([10, 11, 12], sections)
    assert [i for i, _ in index.search("When was version 3.1.0 released?", 3)][0] == 11
    assert [i for i, _ in index.search("server 10.0.0.12", 3)] == []
    # a decimal stays as it was: two parts are no version ("3.5 million")
    assert "3.5" not in bm25_tokens(["sold 3.5 million copies"])[0]
