"""The public endpoints, exactly as the issue names them; the page; the published figures."""

import base64
import json
import re

import pytest

from engage.transparency import merkle
from engage.transparency.note import Checkpoint, Verifier

VERIFIER_KEY = re.compile(
    r"^test\.engage\.example/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}\n$"
)  # base64 of 0x01 || 32 bytes


@pytest.fixture
def logged(site):
    site.issue_cards(6)
    site.catch_up()
    return site


def _signed(site) -> Checkpoint:
    verifier = Verifier.parse(site.testapp.get("/transparency/key").text)
    return Checkpoint.parse(verifier.verify(site.testapp.get("/transparency/checkpoint").text))


def test_key_and_checkpoint_are_plain_text_and_verify(logged):
    key = logged.testapp.get("/transparency/key")
    assert key.content_type == "text/plain" and key.charset == "utf-8"
    assert VERIFIER_KEY.match(key.text)
    checkpoint = logged.testapp.get("/transparency/checkpoint")
    assert checkpoint.content_type == "text/plain"
    assert checkpoint.text.startswith("test.engage.example/log\n12\n")
    assert _signed(logged).size == 12
    assert checkpoint.headers["Access-Control-Allow-Origin"] == "*"
    assert checkpoint.headers["X-Content-Type-Options"] == "nosniff"


def test_no_checkpoint_before_the_first_event(site):
    response = site.testapp.get("/transparency/checkpoint", status=404)
    assert response.content_type == "text/plain"
    assert site.testapp.get("/transparency/checkpoints").json == []


def test_checkpoints_oldest_first(logged):
    logged.issue_cards(1, start=6)
    logged.catch_up()
    listed = logged.testapp.get("/transparency/checkpoints").json
    assert [c["size"] for c in listed] == [12, 14]
    assert listed[-1]["note"] == logged.testapp.get("/transparency/checkpoint").text
    assert (
        base64.b64decode(listed[0]["root_hash"])
        == Checkpoint.parse(listed[0]["note"].split("\n\n")[0] + "\n").root
    )


def test_entries_are_the_exact_leaf_bytes(logged):
    page = logged.testapp.get("/transparency/entries", {"start": 2, "end": 5}).json
    assert [e["index"] for e in page["entries"]] == [2, 3, 4]
    leaves = [base64.b64decode(e["data"]) for e in page["entries"]]
    assert [json.loads(leaf)["position"] for leaf in leaves] == [3, 4, 5]
    everything = logged.testapp.get("/transparency/entries", {"start": 0, "end": 1000}).json[
        "entries"
    ]
    assert len(everything) == 12  # an end beyond the log is cut short
    tree = merkle.MemoryTree()
    for entry in everything:
        tree.append(base64.b64decode(entry["data"]))
    assert tree.root() == _signed(logged).root


def test_proofs_verify_against_the_signed_root(logged):
    checkpoint = _signed(logged)
    entries = logged.testapp.get("/transparency/entries", {"start": 0, "end": 12}).json["entries"]
    for index in (0, 5, 11):
        proof = logged.testapp.get(
            "/transparency/proof/inclusion", {"index": index, "size": 12}
        ).json
        assert proof["index"] == index and proof["size"] == 12
        leaf = merkle.leaf_hash(base64.b64decode(entries[index]["data"]))
        hashes = [base64.b64decode(h) for h in proof["hashes"]]
        assert merkle.verify_inclusion(index, 12, leaf, hashes, checkpoint.root)
    old_root = merkle.MemoryTree()
    for entry in entries[:5]:
        old_root.append(base64.b64decode(entry["data"]))
    proof = logged.testapp.get("/transparency/proof/consistency", {"old": 5, "new": 12}).json
    assert proof["old"] == 5 and proof["new"] == 12
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    assert merkle.verify_consistency(5, 12, old_root.root(), checkpoint.root, hashes)
    assert (
        logged.testapp.get("/transparency/proof/consistency", {"old": 12, "new": 12}).json["hashes"]
        == []
    )


@pytest.mark.parametrize(
    "path, params",
    [
        ("/transparency/entries", {}),
        ("/transparency/entries", {"start": 0}),
        ("/transparency/entries", {"start": "a", "end": 3}),
        ("/transparency/entries", {"start": "-1", "end": 3}),
        ("/transparency/entries", {"start": "1.5", "end": 3}),
        ("/transparency/entries", {"start": "٣", "end": 5}),
        ("/transparency/entries", {"start": 3, "end": 3}),
        ("/transparency/entries", {"start": 0, "end": 1001}),
        ("/transparency/entries", {"start": 12, "end": 20}),
        ("/transparency/entries", {"start": "9" * 40, "end": "9" * 41}),
        ("/transparency/proof/inclusion", {"index": 0}),
        ("/transparency/proof/inclusion", {"index": 0, "size": 0}),
        ("/transparency/proof/inclusion", {"index": 0, "size": 13}),
        ("/transparency/proof/inclusion", {"index": 12, "size": 12}),
        ("/transparency/proof/inclusion", {"index": "x", "size": 12}),
        ("/transparency/proof/consistency", {"old": 0, "new": 5}),
        ("/transparency/proof/consistency", {"old": 6, "new": 5}),
        ("/transparency/proof/consistency", {"old": 1, "new": 13}),
        ("/transparency/proof/consistency", {"old": "", "new": 5}),
    ],
)
def test_bad_parameters_are_a_400_in_json_never_a_500(logged, path, params):
    response = logged.testapp.get(path, params, status=400)
    assert response.content_type == "application/json"
    assert response.json["error"]  # a sentence in French
    assert "Content-Security-Policy" in response.headers


def test_proofs_before_any_checkpoint_are_a_400(site):
    assert (
        "aucun point de contrôle"
        in site.testapp.get(
            "/transparency/proof/inclusion", {"index": 0, "size": 1}, status=400
        ).json["error"]
    )


def test_a_tree_behind_its_checkpoint_answers_503_not_500(logged):
    with logged.services.db.transaction() as cur:  # as in the middle of a rebuild
        cur.execute("DELETE FROM tlog_nodes")
        cur.execute("DELETE FROM tlog_leaves")
    response = logged.testapp.get(
        "/transparency/proof/inclusion", {"index": 0, "size": 12}, status=503
    )
    assert response.json["error"] and response.headers["Retry-After"]


def test_only_get(logged):
    logged.testapp.post("/transparency/checkpoint", status=404)


def test_card_holders_are_published_with_their_position_and_small_counts_suppressed(site):
    site.issue_cards(5, arrondissement=11)
    site.issue_cards(2, arrondissement=4, start=5)
    site.catch_up()
    published = site.testapp.get("/api/stats/card-holders").json
    rows = {row["arrondissement"]: row["holders"] for row in published["arrondissements"]}
    # 2 in the 4th: blank; and the 11th's 5 with it, or 7 - 5 would give the 2 back.
    assert len(rows) == 20 and rows[11] is None and rows[4] is None and rows[1] == 0
    assert published["total"] == 7
    assert published["position"] == site.services.engine.head()


def test_the_page_explains_and_shows_the_current_state(logged):
    page = logged.testapp.get("/transparence")
    assert page.html.h1.text == "Journal de transparence"
    text = page.html.find("main").get_text(" ")
    assert (
        "12" in text and "Ce que le journal garantit" in text and "Ce qu'il ne garantit pas" in text
    )
    assert logged.testapp.get("/transparency/key").text.strip() in text
    assert "engage-audit http://localhost" in text
    assert (
        page.html.find("pre", class_="signed-note").text
        == logged.testapp.get("/transparency/checkpoint").text
    )
    footer = page.html.find("footer")
    assert footer.find("a", href=lambda h: h and h.endswith("/transparence"))
    assert "<script" not in page.text


def test_the_page_of_an_empty_log(site):
    assert "Aucun point de contrôle" in site.testapp.get("/transparence").text
