"""The portal's modules form no import cycle: every import counts, those inside functions
too, and the imports made by name (``lazy("portal.x")``, ``importlib.import_module``,
a personal-data source's module). Features tell each other what happened through the
triggers and the registries (notification kinds, personal-data sources, routes), never by
importing each other in a circle."""

from __future__ import annotations

import ast
import pathlib

import pytest

PORTAL = pathlib.Path(__file__).resolve().parents[2] / "functions" / "portal"
BY_NAME = {"lazy", "import_module", "external"}
"""Calls whose constant string argument names a module they import."""


def _name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PORTAL.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in PORTAL.rglob("*.py")}


def _absolute(module: str, package: bool, level: int, name: str | None) -> str:
    base = module.split(".") if package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, name] if name else base)


def _imported(module: str, path: pathlib.Path) -> set[str]:
    """Every portal module ``module`` imports, wherever in its code."""
    package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, package, node.level, node.module) if node.level else node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in BY_NAME:
                found.update(str(a.value).split(":")[0] for a in node.args if isinstance(a, ast.Constant))
    # a module's own packages are imported before it: not an edge of the graph
    return {m for m in found if m in MODULES and m != module and not module.startswith(m + ".")}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            nxt = next(edges, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_between_portal_modules() -> None:
    graph = {module: _imported(module, path) for module, path in MODULES.items()}
    cycles = _cycles(graph)
    described = [
        "\n".join(f"  {m} -> {sorted(t for t in graph[m] if t in component)}" for m in component)
        for component in cycles
    ]
    assert not cycles, "modules importing each other in a circle:\n" + "\n\n".join(described)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}, "c": set()}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": set()}, []),
    ],
)
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert _cycles(graph) == expected


def test_imports_inside_functions_and_by_name_count(tmp_path: pathlib.Path) -> None:
    source = 'def f():\n    from .b import x\n    lazy("portal.c:Thing")\n    importlib.import_module("portal.d")\n'
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            found.add(_absolute("portal.a", False, node.level, node.module))
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in BY_NAME:
                found.update(str(a.value).split(":")[0] for a in node.args if isinstance(a, ast.Constant))
    assert found == {"portal.b", "portal.c", "portal.d"}
