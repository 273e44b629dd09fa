"""The change feed: what changed since a log position, so a consumer syncs incrementally."""

from __future__ import annotations

from tests.common.opendata import issue_cards, services


def test_a_consumer_syncs_from_the_feed(testapp):
    engage = services(testapp)
    issue_cards(engage, {(11, "25-34"): 2, (3, "18-24"): 1})
    feed = testapp.get("/opendata/changes?since=0").json
    changes = feed["changes"]
    # Card holders are suppressed as one table: each change also asks to re-read it all.
    assert [(c["dataset"], c["key"], c["operation"]) for c in changes] == [
        ("card-holders", "11,25-34", "upsert"), ("card-holders", "*", "recount"),
        ("card-holders", "11,25-34", "upsert"), ("card-holders", "*", "recount"),
        ("card-holders", "3,18-24", "upsert"), ("card-holders", "*", "recount"),
    ]
    positions = [c["position"] for c in changes]
    assert positions == sorted(positions) and all(c["occurred_at"].endswith("Z") for c in changes)
    assert feed["next"] == feed["position"] >= positions[-1]

    # Nothing new since `next`.
    assert testapp.get(f"/opendata/changes?since={feed['next']}").json["changes"] == []
    issue_cards(engage, {(20, "65-plus"): 1})
    later = testapp.get(f"/opendata/changes?since={feed['next']}").json
    assert [c["key"] for c in later["changes"]] == ["20,65-plus", "*"]


def test_pages_of_the_feed_never_lose_a_change(testapp):
    issue_cards(services(testapp), {(arrondissement, "35-49"): 1 for arrondissement in range(1, 8)})
    seen, since = [], 0
    for _ in range(20):
        page = testapp.get(f"/opendata/changes?since={since}&limit=3").json
        seen.extend(c["key"] for c in page["changes"])
        if not page["changes"]:
            break
        assert len(page["changes"]) <= 3
        since = page["next"]
    assert seen == [key for arrondissement in range(1, 8) for key in (f"{arrondissement},35-49", "*")]


def test_recount_names_the_blocks_suppressed_together():
    from engage.opendata import REGISTRY
    from engage.projections.opendata.projection import _recounted_blocks

    datasets = {dataset.name: dataset for dataset in REGISTRY}
    assert _recounted_blocks(datasets["card-holders"], ["11,25-34", "3,18-24"]) == ["*"]
    # Vote counts are suppressed per item: re-read that item's rows, not the dataset.
    votes = datasets["vote-counts"]
    width = len(votes.suppression.block)
    key = ",".join(["item"] + ["x"] * (len(votes.primary_key) - 1))
    assert width == 1 and _recounted_blocks(votes, [key, key]) == ["item"]
    # Each contribution is its own block: nothing else to re-read.
    assert _recounted_blocks(datasets["contributions"], ["c1"]) == []
    assert _recounted_blocks(datasets["card-holders"], []) == []


def test_filter_by_dataset_and_bad_parameters(testapp):
    issue_cards(services(testapp), {(2, "50-64"): 1})
    assert testapp.get("/opendata/changes?dataset=card-holders").json["changes"]
    assert testapp.get("/opendata/changes?dataset=transparency-checkpoints").json["changes"] == []
    for query in ("since=-1", "since=x", "limit=0", "limit=100000", "dataset=nope"):
        response = testapp.get(f"/opendata/changes?{query}", status=400)
        assert response.json["error"].startswith("Le paramètre")


def test_the_feed_is_a_rebuildable_projection(testapp):
    engage = services(testapp)
    issue_cards(engage, {(4, "18-24"): 3})
    before = testapp.get("/opendata/changes").json["changes"]
    engage.engine.rebuild(["opendata_changes", "opendata_card_holders"])
    assert testapp.get("/opendata/changes").json["changes"] == before
    assert testapp.get("/api/card-holders").json["data"][0]["holders"] is None
