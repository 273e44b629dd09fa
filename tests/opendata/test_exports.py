"""Downloads come from files written once per version: slow clients hold no database
connection, the file is what a fresh export gives, and a new event makes a new file."""

from __future__ import annotations

import csv
import io
import zipfile

from webob import Request

from engage.opendata import REGISTRY, packages
from tests.common.opendata import issue_cards, services

URLS = ["/opendata/card-holders/card-holders.csv", "/opendata/card-holders.zip",
        "/opendata/workshop-attendance/workshop-attendance.csv", "/opendata/consultations.zip"]


def start_slow_download(wsgi, url):
    """A client that read the first bytes of its download and then stalls."""
    status, headers, body = Request.blank(url).call_application(wsgi)
    assert status.startswith("200"), (url, status)
    chunks = iter(body)
    assert next(chunks)
    return body


def test_slow_downloads_hold_no_connection_and_busy_builders_answer_503(make_app, tmp_path):
    app = make_app(**{"engage.database.pool_size": "2", "engage.database.pool_timeout": "10",
                      "engage.opendata.export_dir": str(tmp_path / "exports")})
    engage = services(app)
    issue_cards(engage, {(11, "25-34"): 6})
    # Three times the pool's size in stalled downloads (the files are written once each).
    # Streamed from the database, the third would wait for a connection, then fail.
    stalled = [start_slow_download(app.app, url) for url in (URLS * 2)[:6]]
    if engage.db.backend == "sqlite":  # no read transaction left open on the connection
        assert not engage.db._sqlite_connection().in_transaction
    for _ in range(3):  # the site still answers: each of these needs a connection
        assert app.get("/api/card-holders").status_int == 200
        assert app.get("/").status_int == 200
    for body in stalled:
        body.close()

    # Every builder busy (a large export being written): a clear 503, then it works again.
    exports = app.app.registry.opendata_exports
    exports.wait = 0.05
    issue_cards(engage, {(12, "25-34"): 5})  # a new version: the file must be written
    for _ in range(2):
        exports._builders.acquire()
    try:
        busy = app.get("/opendata/card-holders/card-holders.csv", status=503)
        assert busy.headers["Retry-After"] and "réessayez" in busy.json["error"]
    finally:
        for _ in range(2):
            exports._builders.release()
    assert app.get("/opendata/card-holders/card-holders.csv").status_int == 200


def test_the_file_is_a_fresh_export_rebuilt_when_the_log_advances(make_app, tmp_path):
    directory = tmp_path / "exports"
    app = make_app(**{"engage.opendata.export_dir": str(directory)})
    engage = services(app)
    dataset = REGISTRY.get("card-holders")
    issue_cards(engage, {(11, "25-34"): 6, (3, "18-24"): 5})
    url = "/opendata/card-holders/card-holders.csv"

    first = app.get(url)
    assert first.body == b"".join(packages.csv_stream(engage.db, dataset))
    assert app.get(url).body == first.body  # served again from the same file...
    exports = app.app.registry.opendata_exports
    assert exports.built == 1
    csv_files = sorted(p.name for p in directory.iterdir() if p.name.endswith(".csv"))
    assert len(csv_files) == 1
    # ...with byte ranges, so a broken download resumes.
    part = app.get(url, headers={"Range": "bytes=5-20"}, status=206)
    assert part.body == first.body[5:21] and part.headers["Content-Range"].endswith(f"/{len(first.body)}")

    issue_cards(engage, {(11, "25-34"): 1})
    second = app.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_int == 200 and second.headers["ETag"] != first.headers["ETag"]
    assert second.body == b"".join(packages.csv_stream(engage.db, dataset)) != first.body
    assert {"arrondissement": "11", "age_band": "25-34", "holders": "7"} in list(
        csv.DictReader(io.StringIO(second.text)))
    assert exports.built == 2
    now = sorted(p.name for p in directory.iterdir() if p.name.endswith(".csv"))
    assert len(now) == 1 and now != csv_files  # the old version's file is gone
    app.get(url, headers={"If-None-Match": second.headers["ETag"]}, status=304)

    # The zip: its members are the fresh exports too.
    with zipfile.ZipFile(io.BytesIO(app.get("/opendata/card-holders.zip").body)) as archive:
        assert archive.read("card-holders.csv") == second.body
        assert b'"name": "card-holders"' in archive.read("datapackage.json")
