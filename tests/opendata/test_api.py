"""The read-only JSON API: cursor pages, filters, ETag/Last-Modified and 304, CORS, 400s."""

from __future__ import annotations

import pytest

from engage.domain.common import AGE_BANDS
from tests.common.opendata import issue_cards, services

BANDS = list(AGE_BANDS)


def test_cursor_pages_walk_the_whole_dataset(testapp):
    issue_cards(services(testapp), {(arrondissement, band): 1 for arrondissement in (1, 2) for band in BANDS})
    seen, url, pages = [], "/api/card-holders?limit=5", 0
    while url:
        response = testapp.get(url)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        body = response.json
        assert body["dataset"] == "card-holders"
        assert len(body["data"]) <= 5
        seen.extend((row["arrondissement"], row["age_band"]) for row in body["data"])
        url = body["next"]
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
        pages += 1
    assert pages == 3
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 12
    # Every count is 1: suppressed, published as null.
    assert testapp.get("/api/card-holders").json["data"][0]["holders"] is None


def test_filter_by_arrondissement(testapp):
    issue_cards(services(testapp), {(5, "18-24"): 5, (6, "18-24"): 7})
    rows = testapp.get("/api/card-holders?arrondissement=6").json["data"]
    assert rows == [{"arrondissement": 6, "age_band": "18-24", "holders": 7}]


def test_date_filter_on_checkpoints(make_app):
    app = make_app(**{"engage.transparency.checkpoint_interval": "0"})
    issue_cards(services(app), {(1, "18-24"): 1})
    assert app.get("/api/transparency-checkpoints?date_from=2000-01-01&date_to=2999-12-31").json["data"]
    assert app.get("/api/transparency-checkpoints?date_to=2000-01-01").json["data"] == []
    # The calendar's last day is a day like any other (the day after it is not: it answered a 500).
    assert app.get("/api/transparency-checkpoints?date_to=9999-12-31").json["data"]


def test_etag_and_last_modified_answer_304_until_something_changes(testapp):
    engage = services(testapp)
    issue_cards(engage, {(11, "25-34"): 5})
    first = testapp.get("/api/card-holders")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = testapp.get("/api/card-holders", headers={"If-None-Match": etag}, status=304)
    assert again.headers["Access-Control-Allow-Origin"] == "*"
    testapp.get("/api/card-holders", headers={"If-Modified-Since": modified}, status=304)
    # Another query is another representation.
    other = testapp.get("/api/card-holders?limit=1", headers={"If-None-Match": etag})
    assert other.status_int == 200 and other.headers["ETag"] != etag
    # The same holds for the files.
    csv = testapp.get("/opendata/card-holders/card-holders.csv")
    testapp.get("/opendata/card-holders/card-holders.csv", headers={"If-None-Match": csv.headers["ETag"]},
                status=304)
    issue_cards(engage, {(11, "25-34"): 1})
    changed = testapp.get("/api/card-holders", headers={"If-None-Match": etag})
    assert changed.status_int == 200 and changed.headers["ETag"] != etag
    assert changed.json["data"][0]["holders"] == 6
    testapp.get("/opendata/card-holders/card-holders.csv", headers={"If-None-Match": csv.headers["ETag"]},
                status=200)


@pytest.mark.parametrize("query, mentions", [
    ("limit=0", "limit"),
    ("limit=abc", "limit"),
    ("limit=100000", "limit"),
    ("arrondissement=21", "arrondissement"),
    ("arrondissement=-1", "arrondissement"),
    ("cursor=nope", "cursor"),
    ("cursor=WzEsMiwzXQ", "cursor"),  # [1,2,3]: the wrong shape
    ("cursor=WyJ4IiwiMTgtMjQiXQ", "cursor"),  # ["x","18-24"]: the wrong type
    ("consultation=abc", "consultation"),  # card holders have no consultation
])
def test_bad_parameters_are_400_in_french(testapp, query, mentions):
    response = testapp.get(f"/api/card-holders?{query}", status=400)
    assert response.content_type == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert f"« {mentions} »" in response.json["error"]


def test_bad_dates_are_400(testapp):
    for query in ("date_from=2024-13-01", "date_to=hier", "date_from=2024-02-02&date_to=2024-02-01"):
        error = testapp.get(f"/api/transparency-checkpoints?{query}", status=400).json["error"]
        assert "date" in error


def test_unknown_dataset_is_404_and_stats_stay(testapp):
    testapp.get("/api/nothing-here", status=404)
    assert "arrondissements" in testapp.get("/api/stats/card-holders").json


def test_preflight(testapp):
    response = testapp.options("/api/card-holders", status=204)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_api_is_read_only(testapp):
    testapp.post("/api/card-holders", status=404)


def test_head_requests_open_no_stream(testapp):
    issue_cards(services(testapp), {(1, "18-24"): 5})
    for url in ("/opendata/card-holders/card-holders.csv", "/opendata/card-holders.zip", "/api/card-holders"):
        response = testapp.head(url)
        assert response.status_int == 200 and response.body == b""
        assert response.headers["ETag"]
