"""The transparency log's settings for the tests (the site fixtures live in tests/transparency/conftest.py)."""

from __future__ import annotations

from tests.conftest import app_settings


def log_overrides(key_path, **overrides) -> dict:
    """Projections driven by the test (no worker thread), a checkpoint at every catch-up."""
    return {
        "engage.projections.in_process": "false",
        "engage.transparency.origin": "test.engage.example/log",
        "engage.transparency.key_path": str(key_path),
        "engage.transparency.checkpoint_interval": "0",
        **overrides,
    }


def log_settings(database_url: str, key_path, **overrides) -> dict:
    return app_settings(database_url, **log_overrides(key_path, **overrides))
