"""The domain must stay free of web and SQL: it is what auditors replay."""

import ast
from pathlib import Path

import engage.domain

FORBIDDEN = ("pyramid", "psycopg", "sqlite3", "webob", "deform", "colander", "engage.db", "engage.views")


def test_domain_imports_nothing_from_the_web_or_sql():
    root = Path(engage.domain.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [("." * node.level) + node.module]
            offenders += [(path.name, n) for n in names if n.lstrip(".").startswith(FORBIDDEN)]
    assert offenders == []
