"""Helpers for the open-data tests: seed events through the application, write packages to disk."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.functional.conftest import make_app, testapp  # noqa: F401  (shared fixtures)


def services(testapp):
    return testapp.app.registry.engage


def issue_cards(engage, groups: dict[tuple[int, str], int], *, name="Habitant Test", email_domain="exemple.fr") -> None:
    """Issue `count` cards in each (arrondissement, age band), then bring the read models up to date."""
    serial = 0
    for (arrondissement, age_band), count in groups.items():
        for _ in range(count):
            serial += 1
            engage.app.issue_card(
                name=f"{name} {serial}", email=f"habitant{serial}@{email_domain}",
                arrondissement=arrondissement, age_band=age_band, consent_to_consultation=True,
            )
    engage.engine.catch_up()


def write_package(testapp, name: str, directory: Path) -> Path:
    """The package as served: datapackage.json and every CSV it lists, into `directory`."""
    package = testapp.get(f"/opendata/{name}/datapackage.json").json
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    for resource in package["resources"]:
        body = testapp.get(f"/opendata/{name}/{resource['path']}").body
        (directory / resource["path"]).write_bytes(body)
    return directory / "datapackage.json"


def unzip(body: bytes, directory: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        archive.extractall(directory)
    return directory / "datapackage.json"


def validate(descriptor: Path):
    from frictionless import validate as frictionless_validate

    report = frictionless_validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    return report


@pytest.fixture
def signed_app(make_app):
    """An app whose checkpoints are signed at once, so the checkpoint dataset has rows."""
    return make_app(**{"engage.transparency.checkpoint_interval": "0"})
