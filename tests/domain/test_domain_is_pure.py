"""The domain must stay free of web and SQL: it is what auditors replay."""

import textwrap
from pathlib import Path

import engage
from tests.common.imports import import_graph, imports_of, module_names

FORBIDDEN = ("pyramid", "psycopg", "sqlite3", "webob", "deform", "colander", "engage.db", "engage.views")


def impure_imports(root: Path, package: str, domain: str = "domain") -> list[tuple[str, int, str]]:
    """(module, line, imported) for every forbidden import of a module of `package`.`domain`:
    module level or inside a function, relative imports resolved (`from ..db import X` is engage.db)."""
    known = frozenset(module_names(root, package))
    inside = f"{package}.{domain}"
    forbidden = tuple(f.replace("engage.", f"{package}.", 1) for f in FORBIDDEN)
    offenders = []
    for module, path in module_names(root, package).items():
        if module != inside and not module.startswith(inside + "."):
            continue
        for found in imports_of(path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py",
                                known=known):
            if found.target.startswith(forbidden):
                offenders.append((module, found.line, found.target))
    return offenders


def test_domain_imports_nothing_from_the_web_or_sql():
    assert impure_imports(Path(engage.__file__).parent, "engage") == []


def test_the_checker_resolves_relative_and_function_level_imports(tmp_path):
    root = tmp_path / "engage"
    files = {
        "__init__.py": "",
        "db.py": "",
        "views/__init__.py": "",
        "domain/__init__.py": "",
        "domain/cards/__init__.py": "",
        "domain/common.py": "from dataclasses import dataclass\n",
        "domain/cards/model.py": """
            from ...db import Cursor
            from .. import common
            from engage.domain import common as same

            def later():
                import pyramid.httpexceptions
                from ... import views
            """,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    assert impure_imports(root, "engage") == [
        ("engage.domain.cards.model", 2, "engage.db"),
        ("engage.domain.cards.model", 7, "pyramid.httpexceptions"),
        ("engage.domain.cards.model", 8, "engage.views"),
    ]
    # the same graph the cycle test walks: the relative imports are resolved there too
    assert {i.target for i in import_graph(root, "engage")["engage.domain.cards.model"]} == {
        "engage.db", "engage.domain.common", "engage.views"}
