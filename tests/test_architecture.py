"""The layout's rules, checked: imports between igny8's subpackages point one way (no cycle), modules stay
application-sized, the package root holds only a handful of modules, and SQL lives in memory/."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "igny8"
MAX_LINES = 400
ROOT_MODULES = {"__init__.py", "__main__.py", "config.py", "services.py"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _unit(path: Path) -> str:
    """The part of the package a module belongs to: its top-level subpackage, or the root module itself."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _imported_units(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "igny8" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_no_import_cycle_between_subpackages() -> None:
    graph = nx.DiGraph()
    units = {_unit(p) for p in _modules()}
    for path in _modules():
        source = _unit(path)
        for target in _imported_units(path) & units:
            if target != source:
                graph.add_edge(source, target)
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], f"subpackages import each other in a circle: {cycles}"


def test_modules_are_application_sized() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}, f"split these by responsibility (over {MAX_LINES} lines): {long}"


def test_the_package_root_holds_a_handful_of_modules() -> None:
    root = {p.name for p in PACKAGE.glob("*.py")}
    assert root <= ROOT_MODULES, f"give these a home in a subpackage: {sorted(root - ROOT_MODULES)}"


def test_sql_runs_only_in_memory() -> None:
    outside = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if p.relative_to(PACKAGE).parts[0] != "memory" and ".execute(" in p.read_text(encoding="utf-8")
    ]
    assert outside == [], f"move these statements into a repository under memory/: {outside}"
