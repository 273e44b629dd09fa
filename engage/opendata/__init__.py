"""Open data: datasets declared once in a registry, published as Frictionless packages,
a DCAT-AP catalogue, a read-only JSON API (with its OpenAPI document) and a change feed.

Every module of ``engage/opendata/datasets/`` is imported here, so a capability
publishes a dataset by adding one file that calls `register(...)`.
"""

from __future__ import annotations

import importlib
import pkgutil

from .registry import (  # noqa: F401  (the public API of the registry)
    DELETE,
    REGISTRY,
    UPSERT,
    Dataset,
    Field,
    ForeignKey,
    Registry,
    register,
    register_projection,
)


def _import_datasets() -> None:
    from . import datasets

    for module in sorted(pkgutil.iter_modules(datasets.__path__), key=lambda m: m.name):
        importlib.import_module(f"{datasets.__name__}.{module.name}")


_import_datasets()
