"""Open data for the tests: seed events through the application, write packages to disk, fetch every export."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from engage.opendata import REGISTRY


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


def every_export(app) -> dict[str, bytes]:
    """url -> body, for every open-data document engage serves (zips unpacked)."""
    bodies: dict[str, bytes] = {}

    def fetch(url):
        response = app.get(url)
        bodies[url] = response.body
        return response

    fetch("/opendata")
    fetch("/opendata/catalog.jsonld")
    fetch("/api/openapi.json")
    for stats in ("card-holders", "workshop-attendance", "votes-per-item", "contributions-per-consultation"):
        fetch(f"/api/stats/{stats}")
    fetch("/opendata/changes?since=0&limit=10000")
    for dataset in REGISTRY:
        package = fetch(f"/opendata/{dataset.name}/datapackage.json").json
        for resource in package["resources"]:
            fetch(f"/opendata/{dataset.name}/{resource['path']}")
        archive = app.get(f"/opendata/{dataset.name}.zip").body  # scanned unpacked, below
        with zipfile.ZipFile(io.BytesIO(archive)) as unpacked:
            for member in unpacked.namelist():
                bodies[f"{dataset.name}.zip!{member}"] = unpacked.read(member)
        url = f"/api/{dataset.name}?limit=1000"
        while url:
            parts = urlsplit(url)
            url = fetch(parts.path + ("?" + parts.query if parts.query else "")).json["next"]
    return bodies
