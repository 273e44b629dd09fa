"""No import cycle in engage: every module's imports (module level and inside functions,
relative ones resolved) form a graph without strongly connected components.

A cycle hidden behind a function-level import is still a cycle: the two modules cannot be
understood, tested or moved apart. Break it by moving the shared piece where both can import it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import engage
from tests.common.imports import cycles, import_graph


def describe(graph, component) -> str:
    members = set(component)
    lines = [" <-> ".join(component)]
    for module in component:
        for found in graph[module]:
            if found.target in members:
                lines.append(f"    {module} (line {found.line}) imports {found.target}")
    return "\n".join(dict.fromkeys(lines))


def test_engage_has_no_import_cycle():
    graph = import_graph(Path(engage.__file__).parent, "engage")
    found = cycles({module: [i.target for i in imports] for module, imports in graph.items()})
    assert not found, "import cycles in engage/:\n" + "\n".join(describe(graph, c) for c in found)


# --------------------------------------------------------------------------- the checker itself


def test_cycles_are_the_strongly_connected_components_of_more_than_one_module():
    edges = {
        "a": ["b"], "b": ["c"], "c": ["a", "d"],  # a -> b -> c -> a
        "d": ["e"], "e": ["d"],                   # d <-> e, reached from the first cycle
        "f": ["f", "a"],                          # a module importing itself is no cycle between modules
        "g": [],
    }
    assert cycles(edges) == [["a", "b", "c"], ["d", "e"]]
    assert cycles({"a": ["b"], "b": ["c"], "c": []}) == []


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def test_the_graph_sees_function_level_relative_and_from_package_imports(tmp_path):
    root = write(tmp_path / "pkg", {
        "__init__.py": "",
        "db.py": "import os\n",
        "shared.py": "VALUE = 1\n",
        "web/__init__.py": "from .pages import render\n",
        "web/pages.py": """
            from .. import db
            from ..shared import VALUE

            def render():
                from pkg.web import forms  # a module: an import of pkg.web.forms
                return forms, VALUE, db
            """,
        "web/forms.py": """
            def build():
                from . import pages  # function level, relative: still an edge
                return pages
            """,
    })
    graph = import_graph(root, "pkg")
    edges = {module: sorted({i.target for i in imports}) for module, imports in graph.items()}
    assert edges == {
        "pkg": [], "pkg.db": [], "pkg.shared": [],
        "pkg.web": ["pkg.web.pages"],  # `from .pages import render`: render is a name, pages the module
        "pkg.web.pages": ["pkg.db", "pkg.shared", "pkg.web.forms"],
        "pkg.web.forms": ["pkg.web.pages"],
    }
    assert cycles({m: [i.target for i in imports] for m, imports in graph.items()}) == [
        ["pkg.web.forms", "pkg.web.pages"]]
    message = describe(graph, ["pkg.web.forms", "pkg.web.pages"])
    assert "pkg.web.forms (line 3) imports pkg.web.pages" in message
