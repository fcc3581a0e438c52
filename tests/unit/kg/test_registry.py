"""Choices by name: one registry per kind, read by settings, the CLI and error messages."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
from pydantic import ValidationError

from kgqa.kg.export import EXPORTERS, PICTURES, export_formats, export_graph
from kgqa.kg.extract import RELATION_EXTRACTORS, make_relation_extractor
from kgqa.kg.types import KGError
from kgqa.qa.choices import DENSE_KINDS, RETRIEVAL_MODES, search_modes
from kgqa.qa.settings import Settings


@pytest.mark.parametrize(
    "setting, registry",
    [
        ("fusion", "convex, rrf"),
        ("dense_index", ", ".join(DENSE_KINDS.names())),
        ("search_mode", ", ".join(RETRIEVAL_MODES.names())),
    ],
)
def test_an_unknown_name_in_settings_lists_the_registered_ones(setting: str, registry: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(f"valid: {registry}")):
        Settings(**{setting: "nope"})


def test_a_registered_mode_is_a_valid_setting_with_every_reranker() -> None:
    RETRIEVAL_MODES.register("first", lambda retriever, query, k: [])
    try:
        assert {"first", "first+reader", "first+cross"} <= set(search_modes())
        assert Settings(search_mode="first+reader").search_mode == "first+reader"
    finally:
        RETRIEVAL_MODES.unregister("first")
    with pytest.raises(ValidationError):
        Settings(search_mode="first")


def test_export_formats_are_data_formats_then_pictures(tmp_path: Path) -> None:
    assert export_formats() == EXPORTERS.names() + PICTURES.names()
    with pytest.raises(KGError, match="valid: graphml, gexf, json, csv, png, html"):
        export_graph(nx.MultiDiGraph(), "pdf", tmp_path / "g.pdf")
    big = nx.MultiDiGraph()
    big.add_nodes_from(range(301))
    with pytest.raises(KGError, match="too many to draw"):
        export_graph(big, "png", tmp_path / "g.png")


def test_extractor_factories_get_only_the_options_they_declare() -> None:
    seen: dict[str, object] = {}

    def factory(device: str) -> object:
        seen["device"] = device
        return object()

    RELATION_EXTRACTORS.register("test-device", factory)
    try:
        make_relation_extractor("test-device", device="cpu", relation_model=None)
        assert seen == {"device": "cpu"}
    finally:
        RELATION_EXTRACTORS.unregister("test-device")

    def broken(**_: object) -> object:
        raise TypeError("a bug inside the factory")

    RELATION_EXTRACTORS.register("test-broken", broken)
    try:
        with pytest.raises(TypeError, match="a bug inside the factory"):
            make_relation_extractor("test-broken", device="cpu")
    finally:
        RELATION_EXTRACTORS.unregister("test-broken")
    with pytest.raises(KGError, match="valid: dependency, joint"):
        make_relation_extractor("nope")
