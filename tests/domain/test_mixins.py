"""Each use-case mixin of EngageApplication uses only what it defines or declares.

What the application gives every mixin (repository, save, vault, identifier_key, _rng,
_seal_actor) is declared once on engage.domain.common.UseCases; what a mixin takes from another
capability is declared on the mixin itself, as a class annotation. An AST walk compares every
`self.<name>` with those, and the application must provide each declared name."""

from __future__ import annotations

import ast
import json
import pathlib

import pytest

import engage.domain
from engage.domain.application import EngageApplication

DOMAIN = pathlib.Path(engage.domain.__file__).parent


def _classes() -> dict[str, ast.ClassDef]:
    found = {}
    for path in [DOMAIN / "common.py", DOMAIN / "attribution.py", *sorted(DOMAIN.glob("*/usecases.py"))]:
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef):
                found[node.name] = node
    return found


CLASSES = _classes()
MIXINS = [c.__name__ for c in EngageApplication.__bases__ if c.__module__.startswith("engage.domain")]


def _defined(cls: ast.ClassDef) -> set[str]:
    names = set()
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    # attributes the mixin sets on self itself (a cache, say)
    names.update(n.attr for n in ast.walk(cls) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)
                 and isinstance(n.value, ast.Name) and n.value.id == "self")
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in CLASSES:
            names |= _defined(CLASSES[base.id])
    return names


def _declared(cls: ast.ClassDef) -> set[str]:
    """The annotations without a value: what the mixin expects the application to provide."""
    names = {n.target.id for n in cls.body if isinstance(n, ast.AnnAssign) and n.value is None
             and isinstance(n.target, ast.Name)}
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in CLASSES:
            names |= _declared(CLASSES[base.id])
    return names


def test_every_mixin_is_checked():
    assert len(MIXINS) >= 12 and all(name in CLASSES for name in MIXINS)


@pytest.mark.parametrize("name", MIXINS)
def test_a_mixin_uses_only_what_it_defines_or_declares(name):
    cls = CLASSES[name]
    used = {n.attr for n in ast.walk(cls) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id == "self"}
    assert used - _defined(cls) == set(), f"{name} uses undeclared names: declare them as class annotations"


class _Vault:
    def seal(self, person_id, fields):
        return json.dumps(dict(fields))

    def unseal(self, person_id, sealed, **_):
        return json.loads(sealed)

    def erased_among(self, ids):
        return set()


@pytest.mark.parametrize("name", MIXINS)
def test_the_application_provides_what_a_mixin_declares(name):
    app = EngageApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, vault=_Vault(), identifier_key=b"k" * 32)
    missing = {n for n in _declared(CLASSES[name]) if not hasattr(app, n)}
    assert missing == set()
