"""Frictionless packages served over HTTP: CSV, datapackage.json and zip, validated."""

from __future__ import annotations

import csv
import io

from tests.common.opendata import issue_cards, services, unzip, validate, write_package

GROUPS = {(11, "25-34"): 6, (11, "65-plus"): 2, (3, "18-24"): 5}


def test_card_holders_package_validates(signed_app, tmp_path):
    engage = services(signed_app)
    issue_cards(engage, GROUPS)

    response = signed_app.get("/opendata/card-holders/card-holders.csv")
    assert response.content_type == "text/csv"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    rows = list(csv.DictReader(io.StringIO(response.body.decode("utf-8"))))
    assert rows == [
        {"arrondissement": "3", "age_band": "18-24", "holders": "5"},
        # 2 people: suppressed; and the 6 with them, or the 11th's total (8, on the home
        # page) would give the 2 back by subtraction.
        {"arrondissement": "11", "age_band": "25-34", "holders": ""},
        {"arrondissement": "11", "age_band": "65-plus", "holders": ""},
    ]

    # The home page's figures come from the same table: its totals leave the blanks unknown
    # (8 in the 11th, from two blank cells), never one blank alone.
    stats = signed_app.get("/api/stats/card-holders").json
    assert {r["arrondissement"]: r["holders"] for r in stats["arrondissements"] if r["holders"]} == {3: 5, 11: 8}
    assert stats["total"] == 13

    package = signed_app.get("/opendata/card-holders/datapackage.json").json
    assert "Secret secondaire" in package["description"]
    assert package["licenses"][0]["name"] == "ODbL-1.0"
    assert package["created"].endswith("Z")
    assert package["sources"][0]["path"].startswith("http")
    schema = package["resources"][0]["schema"]
    assert schema["primaryKey"] == ["arrondissement", "age_band"]
    assert all(field["description"] for field in schema["fields"])

    validate(write_package(signed_app, "card-holders", tmp_path / "http"))
    zipped = signed_app.get("/opendata/card-holders.zip")
    assert zipped.content_type == "application/zip"
    validate(unzip(zipped.body, tmp_path / "zip"))


def test_every_registered_package_validates(signed_app, tmp_path):
    from engage.opendata import REGISTRY

    issue_cards(services(signed_app), GROUPS)
    assert len(REGISTRY) >= 2
    for dataset in REGISTRY:
        validate(write_package(signed_app, dataset.name, tmp_path / dataset.name))
        validate(unzip(signed_app.get(f"/opendata/{dataset.name}.zip").body, tmp_path / f"{dataset.name}-zip"))


def test_checkpoints_dataset(signed_app):
    issue_cards(services(signed_app), {(1, "18-24"): 1})
    rows = signed_app.get("/api/transparency-checkpoints").json["data"]
    assert rows and rows[0]["size"] >= 1 and rows[0]["signed_at"].endswith("Z")
    assert "— " in rows[0]["note"]  # a signed note: its signature line


def test_licence_is_configurable(make_app):
    app = make_app(**{"engage.opendata.licence": "etalab-2.0"})
    package = app.get("/opendata/card-holders/datapackage.json").json
    assert package["licenses"][0]["name"] == "etalab-2.0"
    assert "etalab" in app.get("/opendata/catalog.jsonld").json["dct:license"]["@id"]


def test_empty_dataset_still_validates(testapp, tmp_path):
    validate(write_package(testapp, "card-holders", tmp_path))
    assert testapp.get("/opendata/card-holders/card-holders.csv").body == b"arrondissement,age_band,holders\r\n"


def test_unknown_dataset_or_file(testapp):
    testapp.get("/opendata/nothing/datapackage.json", status=404)
    testapp.get("/opendata/nothing.zip", status=404)
    testapp.get("/opendata/card-holders/transparency-checkpoints.csv", status=404)
