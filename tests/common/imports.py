"""The import graph of a package, read with ast (no module is imported): used by the purity and cycle tests.

Every import counts, at module level or inside a function; relative imports are resolved;
`from pkg import name` is an import of pkg.name when that is a module, else of pkg."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported module (absolute)
    line: int


def module_names(root: Path, package: str) -> dict[str, Path]:
    """dotted name -> file, for every module of the package whose directory is `root`."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join([package, *parts])] = path
    return names


def _base(module: str, is_package: bool, level: int) -> str:
    """The package a relative import of `level` dots starts from, inside `module`."""
    parts = module.split(".")
    if not is_package:
        parts.pop()
    if level - 1 > len(parts) - 1:
        raise ImportError(f"{module}: a relative import of level {level} goes beyond the top package")
    return ".".join(parts[: len(parts) - (level - 1)])


def imports_of(source: str, module: str, *, is_package: bool = False, known=frozenset()) -> list[Import]:
    """Every import in `source` (the text of `module`), as absolute module names.

    `known`: the modules that exist, to tell `from pkg import module` from `from pkg import name`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _base(module, is_package, node.level)
                origin = f"{base}.{node.module}" if node.module else base
            else:
                origin = node.module
            for alias in node.names:
                candidate = f"{origin}.{alias.name}"
                found.append(Import(module, candidate if candidate in known else origin, node.lineno))
    return found


def import_graph(root: Path, package: str) -> dict[str, list[Import]]:
    """module -> its imports of other modules of the package."""
    modules = module_names(root, package)
    known = frozenset(modules)
    graph = {}
    for name, path in modules.items():
        found = imports_of(path.read_text(encoding="utf-8"), name, is_package=path.name == "__init__.py",
                           known=known)
        graph[name] = [i for i in found if i.target in known and i.target != name]
    return graph


def cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in edges.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)
