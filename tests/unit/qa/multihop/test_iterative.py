"""Which passage a second search may read as the bridge's own: one about the bridge, not one
that names it after another name."""

from __future__ import annotations

import re

from kgqa.qa.multihop.iterative import _shares_a_word, about_bridge
from kgqa.qa.types import Hit, Mention, Passage


class _Store:
    """A service whose passages' mentions are the capitalised runs of their text, each its
    own graph node ("Tomas Berg" -> "tomas berg")."""

    def __init__(self, hits: list[Hit]) -> None:
        self.texts = {h.passage.passage_id: h.passage for h in hits}

    def passage_mentions(self, generation: object, passage_id: str) -> list[Mention]:
        p = self.texts[passage_id]
        return [
            Mention(m.group().lower(), "", p.doc_id, passage_id, m.group(), m.start(), m.end())
            for m in re.finditer(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", p.text)
        ]


def _hit(doc_id: str, text: str) -> Hit:
    return Hit(Passage(f"{doc_id}#0", doc_id, 0, 0, len(text), text), 1.0)


def test_a_passage_is_about_its_first_name_or_its_documents_title() -> None:
    acme = _hit("notes/acme.md", "Acme Robotics was founded by Priya Natarajan and Tomas Berg.")
    lumenol = _hit("chemistry.txt", "Lumenol is an organic compound first made by Ada Fenwick.")
    berg = _hit("Tomas Berg", "He left Acme Robotics in 2016 to start Northwind Labs.")
    store = _Store([acme, lumenol, berg])

    def about(hit: Hit, name: str) -> bool:
        return about_bridge(store, None, hit, name.lower(), name)

    # named early, but after the company the passage is about
    assert not about(acme, "Tomas Berg") and about(acme, "Acme Robotics")
    assert about(lumenol, "Lumenol") and not about(lumenol, "Ada Fenwick")
    # a document named after the bridge, or placed in it, is about it, whatever its first name
    assert about(berg, "Tomas Berg")
    acres = _hit("Forest Acres, South Carolina", "Forest Acres is a city in Richland County.")
    petra = _hit("Petra (Jordan)", "Petra is a city of the Nabataeans.")
    store = _Store([acres, petra])
    assert about(acres, "South Carolina") and about(petra, "Jordan") and about(petra, "Petra")
    assert not about(acres, "Richland County")


def test_a_first_passage_that_says_no_word_of_the_question_is_no_step() -> None:
    table = _hit(
        "trip", "| 8.15am | Coach leaves school |\n| 10.30am | Workshop: How an engine works |"
    )
    plot = _hit("plots", "Plot: Plot 5\nSize: 500 square metres")
    assert not _shares_a_word("How big is Plot 5?", table)  # "How" is an asking word
    assert _shares_a_word("How big is Plot 5?", plot)
