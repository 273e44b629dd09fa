"""Open-data documents name the site by its configured public URL, never by the request's
Host: the zip cache serves one file to every host, public and cacheable (issue 16)."""

from __future__ import annotations

import io
import json
import zipfile

from tests.common.opendata import issue_cards, services

PUBLIC = "https://participez.paris.example"


def test_two_hosts_get_the_same_zip_holding_the_public_url(make_app, tmp_path):
    exports = tmp_path / "exports"
    app = make_app(**{"engage.public_url": PUBLIC, "engage.opendata.export_dir": str(exports)})
    issue_cards(services(app), {(11, "25-34"): 6})
    first = app.get("/opendata/card-holders.zip", headers={"Host": "one.example"})
    kept = sorted(p.name for p in exports.iterdir() if p.suffix == ".zip")
    second = app.get("/opendata/card-holders.zip", headers={"Host": "evil.example"})
    assert first.body == second.body
    assert first.etag == second.etag
    assert sorted(p.name for p in exports.iterdir() if p.suffix == ".zip") == kept  # nothing evicted
    assert app.app.registry.opendata_exports.built == 1
    with zipfile.ZipFile(io.BytesIO(second.body)) as archive:
        descriptor = archive.read("datapackage.json").decode()
    assert json.loads(descriptor)["id"] == f"{PUBLIC}/opendata/card-holders/datapackage.json"
    assert "one.example" not in descriptor and "evil.example" not in descriptor


def test_documents_and_links_name_the_public_url_whatever_the_host(make_app):
    app = make_app(**{"engage.public_url": PUBLIC})
    issue_cards(services(app), {(11, "25-34"): 6, (12, "25-34"): 6})
    evil = {"Host": "evil.example"}
    documents = [app.get(url, headers=evil) for url in (
        "/opendata/card-holders/datapackage.json", "/opendata/catalog.jsonld", "/api/openapi.json",
        "/api/card-holders?limit=1")]
    for response in documents:
        assert "evil.example" not in response.text, response.request.url
        assert "evil.example" not in response.headers.get("Link", "")
    assert json.loads(documents[3].text)["next"].startswith(f"{PUBLIC}/api/card-holders?")
    assert documents[0].etag == app.get("/opendata/card-holders/datapackage.json").etag
