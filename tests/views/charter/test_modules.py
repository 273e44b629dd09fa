"""The charter's view modules stay apart: the article version's page and the contribution page's
extension (provenance) and the charter's pages import nothing from each other."""

import ast
from pathlib import Path

import engage.views.charter as package

HERE = Path(package.__file__).parent


def imported(module: str) -> set[str]:
    tree = ast.parse((HERE / f"{module}.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):  # function-level imports included
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def test_pages_and_provenance_do_not_import_each_other():
    assert "engage.views.charter.provenance" not in imported("pages")
    assert "engage.views.charter.pages" not in imported("provenance")
