"""The tests are laid out like the source, and share code only through tests/common.

- tests/<path>/ mirrors a package engage/<path>/ (tests/domain/cards/ for engage/domain/cards/,
  tests/opendata/ for engage/opendata/...); tests/browser/ (the browser suite) and
  tests/common/ (builders and fixtures) are the two exceptions. Every directory is a package.
- Outside tests/common, a directory holds test_*.py modules, conftest.py and data files only.
- A test module imports no other test module but tests.common.* (and tests.conftest, whose
  fixtures pytest shares anyway): a helper two files need belongs in tests/common.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import engage
import tests
from tests.common.imports import imports_of, module_names

TESTS = Path(tests.__file__).parent
SOURCE = Path(engage.__file__).parent
OWN_DIRECTORIES = ("browser", "common")
ALLOWED = ("tests.common", "tests.conftest")


def misplaced(tests_root: Path, source_root: Path) -> list[str]:
    """Directories and files of the test tree that break the layout."""
    problems = []
    for directory in sorted(p for p in tests_root.rglob("*") if p.is_dir() and p.name != "__pycache__"):
        relative = directory.relative_to(tests_root)
        if not (directory / "__init__.py").is_file():
            problems.append(f"{relative}/: no __init__.py")
        if relative.parts[0] in OWN_DIRECTORIES:
            if len(relative.parts) > 1:
                problems.append(f"{relative}/: tests/{relative.parts[0]}/ has no sub-directories")
        elif not (source_root / relative / "__init__.py").is_file():
            problems.append(f"{relative}/: no package engage/{relative.as_posix()}/ to mirror")
    for path in sorted(tests_root.rglob("*.py")):
        relative = path.relative_to(tests_root)
        if relative.parts[0] == "common" or path.name in ("__init__.py", "conftest.py"):
            continue
        if not path.name.startswith("test_"):
            problems.append(f"{relative}: a helper module outside tests/common")
    return problems


def _named_in_calls(tree) -> list[tuple[int, str]]:
    """Modules named in strings: importlib.import_module("tests.x"), pytest.importorskip("tests.x")."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("import_module", "importorskip", "__import__"):
                found.append((node.lineno, node.args[0].value))
    return found


def foreign_imports(tests_root: Path, package: str = "tests") -> list[str]:
    """Imports of a test module by another, except of tests.common and tests.conftest."""
    modules = module_names(tests_root, package)
    known = frozenset(modules)
    problems = []
    for module, path in modules.items():
        source = path.read_text(encoding="utf-8")
        found = [(i.line, i.target) for i in imports_of(source, module, is_package=path.name == "__init__.py",
                                                        known=known)]
        found += _named_in_calls(ast.parse(source))
        allowed = tuple(a.replace("tests", package, 1) for a in ALLOWED)
        for line, target in found:
            if target.split(".")[0] != package or target == package:
                continue
            if target in allowed or target.startswith(tuple(a + "." for a in allowed)):
                continue
            problems.append(f"{path.relative_to(tests_root)}:{line} imports {target}")
    return problems


def test_the_tests_mirror_the_source():
    assert misplaced(TESTS, SOURCE) == []


def test_test_modules_share_code_only_through_tests_common():
    assert foreign_imports(TESTS) == []


# --------------------------------------------------------------------------- the checks themselves


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_the_checks_catch_a_functional_directory_and_imports_between_test_modules(tmp_path):
    source, suite = tmp_path / "engage", tmp_path / "suite"
    write(source, {"__init__.py": "", "views/__init__.py": "", "views/cards/__init__.py": ""})
    write(suite, {
        "__init__.py": "", "conftest.py": "",
        "common/__init__.py": "", "common/accounts.py": "from suite.conftest import x\n",
        "views/__init__.py": "", "views/cards/__init__.py": "",
        "views/cards/test_pages.py": """
            import pytest
            from suite.common.accounts import log_in
            from suite.functional.residents import resident
            from ..test_other import helper

            def test_x():
                from suite.views import test_other
                pytest.importorskip("suite.functional.residents")
            """,
        "views/test_other.py": "",
        "functional/__init__.py": "", "functional/residents.py": "",
        "views/cards/deep/test_x.py": "",
    })
    assert misplaced(suite, source) == [
        "functional/: no package engage/functional/ to mirror",
        "views/cards/deep/: no __init__.py",
        "views/cards/deep/: no package engage/views/cards/deep/ to mirror",
        "functional/residents.py: a helper module outside tests/common",
    ]
    assert foreign_imports(suite, "suite") == [
        "views/cards/test_pages.py:4 imports suite.functional.residents",
        "views/cards/test_pages.py:5 imports suite.views.test_other",
        "views/cards/test_pages.py:8 imports suite.views.test_other",
        "views/cards/test_pages.py:9 imports suite.functional.residents",
    ]
