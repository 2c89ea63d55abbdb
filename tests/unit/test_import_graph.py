"""The layers, checked over the import graph of shop_orders/ (issue 25, item 3).

The graph is built with `ast` from the source files, not by importing them: every import counts,
at module level or inside a function, except those under `if TYPE_CHECKING:` (they never run).
Relative imports are resolved, and `from pkg import name` counts as an import of `pkg.name` when
that is a module of ours (else of `pkg`).

Rules: no circles; domain/ imports nothing of ours outside domain/; store/ and adapters/ import
nothing of services/, ui/ or the command line; ui/ and the command line import nothing of store/. The last two
are being made true: their violations of today are listed in ratchet sets that may only shrink (a
new violation fails, and so does a listed one that is gone, so that its line is removed).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "shop_orders"
ROOT = Path(__file__).resolve().parents[2] / PACKAGE


# --- the graph ---------------------------------------------------------------------------------


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package under `root`: dotted name -> file (a package is its __init__)."""
    modules: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join([package, *parts])] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node of the tree, skipping the bodies of `if TYPE_CHECKING:`."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The longest module of ours that `name` is or lies in (None when it is not ours)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """module -> the modules of ours it imports (anywhere but under TYPE_CHECKING)."""
    modules = module_names(root, package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base_parts = name.split(".")
                    if not is_package:
                        base_parts = base_parts[:-1]
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                    base = ".".join(base_parts + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in modules else base)
            for target in targets:
                owner = _owner(target, modules)
                if owner is not None and owner != name:
                    graph[name].add(owner)
    return graph


def find_cycle(graph: dict[str, set[str]], skip: set[tuple[str, str]] = frozenset()) -> list[str] | None:
    """One cycle of the graph as [a, b, ..., a], or None; edges in `skip` are left out."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    for start in sorted(graph):
        if colour[start] != WHITE:
            continue
        path = [start]
        colour[start] = GREY
        iters = [iter(sorted(graph[start]))]
        while iters:
            node = path[-1]
            for nxt in iters[-1]:
                if (node, nxt) in skip:
                    continue
                if colour.get(nxt, BLACK) == GREY:
                    return [*path[path.index(nxt) :], nxt]
                if colour.get(nxt) == WHITE:
                    colour[nxt] = GREY
                    path.append(nxt)
                    iters.append(iter(sorted(graph[nxt])))
                    break
            else:
                colour[node] = BLACK
                path.pop()
                iters.pop()
    return None


# --- the layers --------------------------------------------------------------------------------


def _in(module: str, area: str) -> bool:
    full = f"{PACKAGE}.{area}"
    return module == full or module.startswith(full + ".")


def _is_cli(module: str) -> bool:
    return _in(module, "cli")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT, PACKAGE)


def _edges(graph, importer, imported) -> set[tuple[str, str]]:
    return {(a, b) for a, targets in graph.items() if importer(a) for b in targets if imported(b)}


def _short(edge: tuple[str, str]) -> tuple[str, str]:
    return (edge[0].removeprefix(PACKAGE + "."), edge[1].removeprefix(PACKAGE + "."))


def _none(found: set[tuple[str, str]], rule: str) -> None:
    bad = sorted(_short(e) for e in found)
    assert not bad, f"imports that break the rule '{rule}': " + ", ".join(f"{a} -> {b}" for a, b in bad)


def test_no_import_circles(graph):
    cycle = find_cycle(graph, set())
    assert cycle is None, "an import circle: " + " -> ".join(m.removeprefix(PACKAGE + ".") for m in cycle)


def test_domain_imports_nothing_of_ours_outside_domain(graph):
    bad = sorted(_short(e) for e in _edges(graph, lambda m: _in(m, "domain"), lambda m: not _in(m, "domain")))
    assert not bad, "domain/ must import nothing of shop_orders outside domain/: " + ", ".join(
        f"{a} -> {b}" for a, b in bad
    )


def test_store_imports_no_services_ui_or_cli(graph):
    bad = sorted(
        _short(e)
        for e in _edges(
            graph, lambda m: _in(m, "store"), lambda m: _in(m, "services") or _in(m, "ui") or _is_cli(m)
        )
    )
    assert not bad, "store/ must import nothing of services/, ui/ or the command line: " + ", ".join(
        f"{a} -> {b}" for a, b in bad
    )


def test_adapters_import_no_services_ui_or_cli(graph):
    bad = sorted(
        _short(e)
        for e in _edges(
            graph, lambda m: _in(m, "adapters"), lambda m: _in(m, "services") or _in(m, "ui") or _is_cli(m)
        )
    )
    assert not bad, "adapters/ must import nothing of services/, ui/ or the command line: " + ", ".join(
        f"{a} -> {b}" for a, b in bad
    )


def test_ui_imports_no_store(graph):
    """The desktop UI reads and writes through services (AppContext.run and read, the browsers)."""
    _none(_edges(graph, lambda m: _in(m, "ui"), lambda m: _in(m, "store")), "ui/ imports nothing of store/")


def test_cli_imports_no_store(graph):
    """The command line reads and writes through services, as the desktop UI does."""
    _none(_edges(graph, _is_cli, lambda m: _in(m, "store")), "the command line imports nothing of store/")


# --- the graph builder itself ------------------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_builder_finds_a_circle_through_a_function_level_and_a_relative_import(tmp_path):
    _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "a.py": "from pkg.sub import b\n",
            "sub/__init__.py": "",
            "sub/b.py": "def f():\n    from ..c import thing\n",
            "c.py": "import pkg.a\nthing = 1\n",
        },
    )
    graph = import_graph(tmp_path / "pkg", "pkg")
    assert graph["pkg.a"] == {"pkg.sub.b"}
    assert graph["pkg.sub.b"] == {"pkg.c"}
    assert graph["pkg.c"] == {"pkg.a"}
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {"pkg.a", "pkg.sub.b", "pkg.c"}
    assert find_cycle(graph, skip={("pkg.c", "pkg.a")}) is None


def test_builder_ignores_type_checking_imports(tmp_path):
    _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "a.py": "from pkg import b\n",
            "b.py": (
                "import typing\nfrom typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from pkg.a import X\nelse:\n    import pkg.c\n"
                "if typing.TYPE_CHECKING:\n    from . import a\n"
            ),
            "c.py": "",
        },
    )
    graph = import_graph(tmp_path / "pkg", "pkg")
    assert graph["pkg.a"] == {"pkg.b"}
    assert graph["pkg.b"] == {"pkg.c"}
    assert find_cycle(graph) is None
