"""Open data: datasets declared once in a registry, published as Frictionless packages,
a DCAT-AP catalogue, a read-only JSON API (with its OpenAPI document) and a change feed.

Every module of ``engage/opendata/datasets/`` is imported here, so a capability
publishes a dataset by adding one file that calls `register(...)`.
"""

from __future__ import annotations

import importlib
import pkgutil

from engage.opendata.registry import (
    DELETE,
    REGISTRY,
    UPSERT,
    Dataset,
    Field,
    ForeignKey,
    Registry,
    Suppression,
    register,
    register_projection,
)


def _import_datasets() -> None:
    from engage.opendata import datasets

    for module in sorted(pkgutil.iter_modules(datasets.__path__), key=lambda m: m.name):
        try:
            importlib.import_module(f"{datasets.__name__}.{module.name}")
        except ModuleNotFoundError as missing:
            # A dataset written ahead of its capability (its domain module is not in this
            # tree yet): published as soon as the capability is.
            if not (missing.name or "").startswith("engage.domain."):
                raise


_import_datasets()
