"""The log as C2SP tlog-tiles, and witnesses' cosignatures (issue 18, item 5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engage.transparency.audit import AuditState, audit
from engage.transparency.note import Checkpoint, NoteError, Verifier
from engage.transparency.tiles import WIDTH, TileError, root_from_tiles
from engage.transparency.witness import Witness, WitnessRefusal, WitnessState, cosignatures, witness_once


def signed_checkpoint(site) -> Checkpoint:
    verifier = Verifier.parse(site.testapp.get("/transparency/key").text)
    return Checkpoint.parse(verifier.verify(site.testapp.get("/transparency/checkpoint").text))


def test_a_client_reading_tiles_only_reproduces_the_signed_root(make_site, tmp_path):
    site = make_site(**{"engage.transparency.tiles_dir": str(tmp_path / "tiles")})
    site.issue_cards(140)  # two events a card: more than one full tile of 256 leaves
    site.catch_up()
    checkpoint = signed_checkpoint(site)
    assert checkpoint.size > WIDTH

    def over_http(path):
        return site.testapp.get("/transparency/" + path).body

    assert root_from_tiles(over_http, checkpoint.size) == checkpoint.root
    full = site.testapp.get("/transparency/tile/0/000")
    assert full.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    partial = site.testapp.get(f"/transparency/tile/0/001.p/{checkpoint.size - WIDTH}")
    assert partial.headers["Cache-Control"] == "public, max-age=60"
    site.testapp.get("/transparency/tile/0/002", status=404)
    site.testapp.get("/transparency/tile/0/1", status=404)  # not the canonical spelling

    # The same files, written for a static server after the signature: no application needed.
    written = tmp_path / "tiles"
    assert (written / "checkpoint").read_text() == site.testapp.get("/transparency/checkpoint").text
    assert root_from_tiles(lambda path: (written / path).read_bytes(), checkpoint.size) == checkpoint.root


def test_a_tampered_tile_is_caught(make_site):
    site = make_site()
    site.issue_cards(3)
    site.catch_up()
    size = signed_checkpoint(site).size

    def tampered(path):
        data = site.testapp.get("/transparency/" + path).body
        return data[:-1] + bytes([data[-1] ^ 1]) if path.startswith("tile/entries") else data

    with pytest.raises(TileError, match="does not hash"):
        root_from_tiles(tampered, size)


def test_a_witness_cosigns_what_extends_its_last_cosignature_and_the_site_publishes_it(make_site, tmp_path):
    witness = Witness.generate("witness.example/w1")
    site = make_site(**{"engage.transparency.witnesses": str(witness.verifier)})
    site.issue_cards(2)
    site.catch_up()
    log_key = Verifier.parse(site.testapp.get("/transparency/key").text)
    state = WitnessState(tmp_path / "witness")

    checkpoint, note = witness_once(site.fetch, witness, log_key, state)
    site.testapp.post("/transparency/cosignature", note, content_type="text/plain")
    published = site.testapp.get("/transparency/checkpoint").text
    assert set(cosignatures(published, [witness.verifier])) == {witness.name}
    assert log_key.verify(published)  # the log's own signature still verifies beside it
    assert "witness.example/w1" in site.testapp.get("/transparence").text

    site.issue_cards(3)
    site.catch_up()
    later, note = witness_once(site.fetch, witness, log_key, state)  # consistency proof checked
    assert later.size > checkpoint.size
    site.testapp.post("/transparency/cosignature", note, content_type="text/plain")
    assert audit(site.fetch, AuditState(tmp_path / "auditor")).passed


def test_a_witness_refuses_a_fork_or_a_shrunk_log(make_site, tmp_path):
    witness = Witness.generate("witness.example/w2")
    site = make_site()
    site.issue_cards(2)
    site.catch_up()
    log_key = Verifier.parse(site.testapp.get("/transparency/key").text)
    checkpoint = signed_checkpoint(site)
    forked = WitnessState(tmp_path / "forked")
    forked.save(replace(checkpoint, root=bytes(32)))
    with pytest.raises(WitnessRefusal, match="fork"):
        witness_once(site.fetch, witness, log_key, forked)
    longer = WitnessState(tmp_path / "longer")
    longer.save(replace(checkpoint, size=checkpoint.size + 5))
    with pytest.raises(WitnessRefusal, match="shrank"):
        witness_once(site.fetch, witness, log_key, longer)


def test_the_site_refuses_unknown_witnesses_and_unsigned_checkpoints(make_site, tmp_path):
    known, stranger = Witness.generate("witness.example/known"), Witness.generate("witness.example/x")
    site = make_site(**{"engage.transparency.witnesses": str(known.verifier)})
    site.issue_cards(1)
    site.catch_up()
    log_key = Verifier.parse(site.testapp.get("/transparency/key").text)
    _, note = witness_once(site.fetch, stranger, log_key, WitnessState(tmp_path / "x"))
    refused = site.testapp.post("/transparency/cosignature", note, content_type="text/plain", status=400)
    assert "Cosignature refusée" in refused.json["error"]
    checkpoint = signed_checkpoint(site)
    never_signed = replace(checkpoint, root=bytes(32)).text()
    forged = never_signed + "\n" + known.cosign(never_signed)
    site.testapp.post("/transparency/cosignature", forged, content_type="text/plain", status=409)
    site.testapp.post("/transparency/cosignature", b"\xff", content_type="text/plain", status=400)


def test_witness_keys_round_trip_and_reject_a_wrong_id():
    witness = Witness.generate("witness.example/w3")
    assert Witness.parse(str(witness)).verifier == witness.verifier
    text = str(witness.verifier)
    assert type(witness.verifier).parse(text) == witness.verifier
    with pytest.raises(NoteError):
        type(witness.verifier).parse(text.replace(text.split("+")[1], "00000000"))
