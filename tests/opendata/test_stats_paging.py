"""/api/stats/votes-per-item is read a page of whole items at a time (`limit`, at most
MAX_LIMIT; `cursor` from `next`), never the whole table; so is /api/stats/workshop-attendance,
by session; a bad parameter is a 400 in French."""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import uuid4

import pytest

from engage.opendata.openapi import MAX_LIMIT
from engage.views.opendata import statistics
from tests.common.consultations import contribute, create_consultation
from tests.common.opendata import services


def _votes(testapp, items: int):
    engage = services(testapp)
    app = engage.app
    consultation = create_consultation(app)
    for n in range(items):
        item = contribute(app, consultation, text=f"Proposition {n}").id
        for voter in range(1 + n % 7):
            app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord" if voter % 3 else "mitige",
                          has_valid_card=True)
    engage.engine.catch_up()


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_pages_hold_at_most_limit_items_and_following_them_gives_everything_once(testapp):
    _votes(testapp, 7)
    whole = testapp.get(f"/api/stats/votes-per-item?limit={MAX_LIMIT}").json
    assert whole["next"] is None and len({r["item_id"] for r in whole["counts"]}) == 7
    pages = [testapp.get("/api/stats/votes-per-item?limit=3").json]
    while pages[-1]["next"]:
        pages.append(testapp.get(_relative(pages[-1]["next"])).json)
    assert [len({r["item_id"] for r in p["counts"]}) for p in pages] == [3, 3, 1]
    items = [[r["item_id"] for r in p["counts"]] for p in pages]
    assert all(not set(a) & set(b) for a in items for b in items if a is not b)  # an item on one page
    assert [r for p in pages for r in p["counts"]] == whole["counts"]
    assert {p["position"] for p in pages} == {whole["position"]}


def test_the_default_page_is_bounded(testapp, monkeypatch):
    _votes(testapp, 3)
    monkeypatch.setattr(statistics, "DEFAULT_LIMIT", 2)
    first = testapp.get("/api/stats/votes-per-item")
    assert len({r["item_id"] for r in first.json["counts"]}) == 2 and first.json["next"]
    assert 'rel="next"' in first.headers["Link"]


@pytest.mark.parametrize("bad", ["cursor=pas-un-curseur", "cursor=WzFd", "cursor=WyJ4Il0", "cursor=%00",
                                 "limit=0", "limit=-1", "limit=abc", f"limit={MAX_LIMIT + 1}"])
@pytest.mark.parametrize("path", ["/api/stats/votes-per-item", "/api/stats/workshop-attendance"])
def test_bad_parameters_are_400_json_in_french(testapp, bad, path):
    answer = testapp.get(f"{path}?{bad}", status=400)
    assert answer.content_type == "application/json" and "paramètre" in answer.json["error"]


def test_openapi_describes_the_pages(testapp):
    operation = testapp.get("/api/openapi.json").json["paths"]["/api/stats/votes-per-item"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"cursor", "limit"}
    assert "400" in operation["responses"]
