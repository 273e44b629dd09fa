"""static/verify_my_acts.py, the resident's own check of their acts from the public endpoints:
its pure-Python Ed25519 against `cryptography`, then the whole check in memory and over HTTP."""

import base64
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import engage as engage_package
from engage.transparency import merkle
from engage.transparency.commitments import commitment, new_salt
from engage.transparency.note import Signer
from tests.common.accounts import resident, services
from tests.common.consultations import create_consultation

SCRIPT = Path(engage_package.__file__).parent / "static" / "verify_my_acts.py"
_spec = importlib.util.spec_from_file_location("verify_my_acts", SCRIPT)
script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(script)


def test_ed25519_agrees_with_cryptography():
    for size in (0, 1, 64, 1000):
        private = Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        message = os.urandom(size)
        signature = private.sign(message)
        assert script.ed25519_verify(public, message, signature)
        assert not script.ed25519_verify(public, message + b"!", signature)
        for flipped in (0, 31, 32, 63):
            bad = bytearray(signature)
            bad[flipped] ^= 1
            assert not script.ed25519_verify(public, message, bytes(bad))
        other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        assert not script.ed25519_verify(other, message, signature)
        # s + q is the same point but a non-canonical scalar: RFC 8032 rejects it.
        s = int.from_bytes(signature[32:], "little") + script._Q
        assert not script.ed25519_verify(public, message, signature[:32] + s.to_bytes(32, "little"))


def test_ed25519_rfc8032_test_vector_1():
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    signature = bytes.fromhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
                              "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    assert script.ed25519_verify(public, b"", signature)


def test_the_scripts_copies_agree_with_engages_merkle_and_commitments():
    """The script stands alone (standard library, downloaded as one file): its copies of the
    RFC 9162 check and of the commitment formula must say what engage's say."""
    tree = merkle.MemoryTree()
    for size in range(1, 34):
        tree.append(b"leaf %d" % size)
        root = tree.root()
        for index in range(size):
            proof = merkle.inclusion_proof(tree, index, size)
            leaf = merkle.leaf_hash(b"leaf %d" % (index + 1))
            assert script.verify_inclusion(index, size, leaf, proof, root)
            assert not script.verify_inclusion(index, size, merkle.leaf_hash(b"other"), proof, root)
            if proof:
                assert not script.verify_inclusion(index, size, leaf, proof[:-1], root)
    person, salt = uuid4(), new_salt()
    assert script.commitment(person.hex, salt) == commitment(person, salt)


def test_a_checkpoint_signed_by_engage_verifies_and_a_stranger_key_does_not():
    signer = Signer.generate("ville.exemple/log")
    note = signer.sign("ville.exemple/log\n3\n" + base64.b64encode(b"\x07" * 32).decode() + "\n")
    assert script.verified_checkpoint(note, script.parse_key(str(signer.verifier))) == (
        "ville.exemple/log", 3, b"\x07" * 32)
    stranger = Signer.generate("ville.exemple/log")
    with pytest.raises(script.Failure, match="aucune signature"):
        script.verified_checkpoint(note, script.parse_key(str(stranger.verifier)))
    forged = note.replace("\n3\n", "\n4\n")
    with pytest.raises(script.Failure, match="n'est pas valide"):
        script.verified_checkpoint(forged, script.parse_key(str(signer.verifier)))


@pytest.fixture
def resident_app(make_app):
    """A resident with an account, a vote and a contribution, all in a signed checkpoint."""
    app = make_app(**{"engage.transparency.checkpoint_interval": "0"})
    engage = services(app)
    person_id = resident(app, email="ines@exemple.fr", display_name="Inès du 19e")
    consultation = create_consultation(engage.app)
    item = engage.app.contribute(consultation_id=consultation, person_id=person_id, has_valid_card=True,
                                 kind="avis", theme="Budget participatif", text="Un budget par quartier.").id
    engage.app.cast_vote(person_id=person_id, item_id=item, option="d-accord", has_valid_card=True)
    engage.engine.catch_up()
    engage.checkpoints.sign_if_due()
    return app


def fetcher(app):
    def fetch(path):
        return app.get(path).body
    return fetch


def test_the_script_verifies_the_residents_acts_in_memory(resident_app):
    openings = resident_app.get("/compte/mes-actes/ouvertures.json").json
    key = services(resident_app).checkpoints.verifier_key
    ok, report = script.verify(openings, fetcher(resident_app), key)
    print("\n".join(report))
    assert ok and len(openings["acts"]) == 3
    assert sum(line.startswith("OK   entrée") for line in report) == 3
    # Without --cle, the key comes from the site, which the report says.
    ok, report = script.verify(openings, fetcher(resident_app))
    assert ok and report[0].startswith("ATTENTION clé du journal lue sur le site lui-même")


def test_a_wrong_salt_a_tampered_leaf_or_another_key_is_reported(resident_app):
    openings = resident_app.get("/compte/mes-actes/ouvertures.json").json
    key = services(resident_app).checkpoints.verifier_key
    wrong = json.loads(json.dumps(openings))
    wrong["acts"][1]["salt"] = "0" * 32
    ok, report = script.verify(wrong, fetcher(resident_app), key)
    assert not ok
    assert [line for line in report if line.startswith("ÉCHEC")] == [
        f"ÉCHEC entrée {wrong['acts'][1]['index']} (champ {wrong['acts'][1]['field']}) :"
        " l'engagement ne s'ouvre pas avec votre identifiant et ce sel"]
    assert report[-1] == "Résultat : ÉCHEC, 1 acte ne se vérifie pas"

    # The site serves an altered leaf (same commitment, another time): its proof fails.
    index = openings["acts"][2]["index"]
    db = services(resident_app).db
    with db.transaction() as cur:
        data = json.loads(base64.b64decode(cur.scalar("SELECT data FROM tlog_leaves WHERE leaf_index = %s", [index])))
        data["timestamp"] = "2020-01-01T00:00Z"
        altered = base64.b64encode(json.dumps(data, separators=(",", ":"), sort_keys=True).encode()).decode()
        cur.execute("UPDATE tlog_leaves SET data = %s WHERE leaf_index = %s", [altered, index])
    ok, report = script.verify(openings, fetcher(resident_app), key)
    assert not ok and any(
        line.startswith(f"ÉCHEC entrée {index} ") and "la preuve d'inclusion ne mène pas à la racine signée" in line
        for line in report), report

    stranger = str(Signer.generate(services(resident_app).checkpoints.origin).verifier)
    ok, report = script.verify(openings, fetcher(resident_app), stranger)
    assert not ok and report[-1].startswith("ÉCHEC le point de contrôle ne porte aucune signature")


def test_the_script_runs_isolated_against_a_served_site(resident_app, tmp_path):
    from tests.common.browser import LiveServer

    openings = resident_app.get("/compte/mes-actes/ouvertures.json").json
    key = services(resident_app).checkpoints.verifier_key
    (tmp_path / "mes-actes.json").write_text(json.dumps(openings), encoding="utf-8")
    openings["acts"][0]["salt"] = "f" * 32
    (tmp_path / "faux.json").write_text(json.dumps(openings), encoding="utf-8")
    server = LiveServer(resident_app.app).start()
    try:
        def run(name):
            return subprocess.run([sys.executable, "-I", str(SCRIPT), str(tmp_path / name), "--cle", key,
                                   "--site", server.url], capture_output=True, text=True, timeout=120)
        honest, wrong, missing = run("mes-actes.json"), run("faux.json"), run("absent.json")
    finally:
        server.stop()
    assert honest.returncode == 0, honest.stdout + honest.stderr
    assert honest.stdout.splitlines()[-1] == (
        "Résultat : tous vos actes inclus dans le point de contrôle signé sont vérifiés")
    assert wrong.returncode == 1 and "ÉCHEC" in wrong.stdout
    assert missing.returncode == 2 and "Impossible de lire le fichier d'ouvertures" in missing.stdout
