"""No view imports another capability's views: a capability reaches another one's page through
engage/views/extensions.py, its objects through route factories, shared helpers through the
layer's shared modules (toolkit, fields, resources, extensions)."""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[2] / "engage" / "views"


def imported_modules(source: str, module: str) -> set[str]:
    """Every module a source imports, at any depth (function-level too), relative ones resolved."""
    package = module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def crossings() -> list[str]:
    wrong = []
    capabilities = {p.name for p in VIEWS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    for path in sorted(VIEWS.glob("*/*.py")):
        capability = path.parent.name
        module = f"engage.views.{capability}.{path.stem}"
        for target in imported_modules(path.read_text(), module):
            parts = target.split(".")
            if parts[:2] == ["engage", "views"] and len(parts) > 2 and parts[2] in capabilities \
                    and parts[2] != capability:
                wrong.append(f"{module} imports {target}")
    return sorted(set(wrong))


def test_the_checker_sees_relative_and_function_level_imports():
    source = "def f():\n    from ..charter import pages\nfrom engage.views.toolkit import when\n"
    found = imported_modules(source, "engage.views.consultations.pages")
    assert "engage.views.charter.pages" in found and "engage.views.toolkit" in found


def test_no_view_imports_another_capabilitys_views():
    assert crossings() == []
