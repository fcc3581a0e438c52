"""The shape of the code a contributor meets: no import circles, no module over 600 lines,
and every package of the source in what `pip install .` installs."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[2]
# the installed package kgqa maps these folders (pyproject.toml, tool.setuptools.package-dir)
PACKAGES = {"kg": "kgqa.kg", "qa": "kgqa.qa", "flows": "kgqa.flows", "data": "kgqa.data"}
MAX_LINES = 600


def modules() -> dict[str, Path]:
    found = {}
    for folder, package in PACKAGES.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = [package, *path.relative_to(ROOT / folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def import_graph() -> nx.DiGraph:
    """Module -> module it imports, type-checking-only and function-level imports included."""
    mods = modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(mods)
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph.add_edge(name, target)
    return graph


def package_of(module: str) -> str:
    """kgqa.qa.ingest.worker -> kgqa.qa.ingest; kgqa.qa.settings stays itself."""
    parts = module.split(".")
    return ".".join(parts[:3])


def test_no_module_imports_itself_through_others() -> None:
    circles = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert circles == [], f"import circles: {circles}"


def test_no_package_imports_itself_through_others() -> None:
    graph = import_graph()
    packages = nx.DiGraph()
    for a, b in graph.edges:
        if package_of(a) != package_of(b):
            packages.add_edge(package_of(a), package_of(b))
    circles = [sorted(c) for c in nx.strongly_connected_components(packages) if len(c) > 1]
    assert circles == [], f"circles between packages: {circles}"


def test_settings_import_no_implementation() -> None:
    """Settings are the ground floor: they read the names of choices from kgqa.qa.choices."""
    graph = import_graph()
    below = nx.descendants(graph, "kgqa.qa.settings")
    assert below <= {
        "kgqa.qa.choices",
        "kgqa.qa.types",
        "kgqa.kg.registry",
        "kgqa.kg.models",
        "kgqa.kg.types",
    }, sorted(below)


def test_the_graph_sees_imports() -> None:
    """The checks above are only as good as the graph: it holds edges we know exist."""
    graph = import_graph()
    assert graph.has_edge("kgqa.qa.settings", "kgqa.qa.choices")
    assert graph.has_edge("kgqa.qa.ingest.worker", "kgqa.qa.ingest.child")
    assert len(graph) > 60


def test_no_module_is_over_600_lines() -> None:
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"modules over {MAX_LINES} lines: {long}"


def test_every_package_of_the_source_is_installed() -> None:
    """pyproject.toml lists the packages a wheel (`pip install .`) holds; a folder of code left
    off the list works in the editable install and is missing from every other one (the
    multi-hop questions' package was, until 2026-12-06)."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    folders = {name for name, path in modules().items() if path.name == "__init__.py"} | set(
        PACKAGES.values()
    )
    assert folders - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
