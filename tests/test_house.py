"""The house's shape, checked on the source: no import cycles (lazy imports count), small modules."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.test_layers import PACKAGE, imported_modules

MAX_LINES = (
    500  # docs/architecture.md asks for ≤ 400; past 500 a module must be split in the same change
)


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


class _WithoutTypeCheckingBlocks(ast.NodeTransformer):
    """Imports under `if TYPE_CHECKING:` never run: they cannot make a cycle."""

    def visit_If(self, node: ast.If) -> ast.AST:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            return ast.Pass()
        return self.generic_visit(node)


def _runtime_tree(path: Path) -> ast.AST:
    return _WithoutTypeCheckingBlocks().visit(ast.parse(path.read_text(encoding="utf-8")))


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the college_tui modules it imports anywhere in it (functions included)."""
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = imported_modules(path, package=package, tree=_runtime_tree(path))
        graph[name] = {module for module in imported if module in files and module != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_among_college_tui_modules():
    # A package's __init__ importing its own submodules is how packages are built, not a cycle
    # anyone can trip over; every other loop is one lazy import away from an ImportError.
    graph = import_graph()
    for name, edges in graph.items():
        graph[name] = {e for e in edges if not e.startswith(name + ".")}
    assert cycles(graph) == []


def test_the_cycle_finder_sees_a_lazy_cycle(tmp_path):
    package = tmp_path / "college_tui"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import thing\n")
    (package / "b.py").write_text("def f():\n    from . import a\n")
    (package / "c.py").write_text("from college_tui import a\n")
    # Imports only a type checker runs are no cycle.
    (package / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import e\n"
    )
    (package / "e.py").write_text("from . import d\n")
    assert cycles(import_graph(package)) == [["college_tui.a", "college_tui.b"]]


def test_no_module_over_the_size_limit():
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
