"""The vault's key-encryption key: a dump of the database opens nothing without it."""

import base64
import stat
from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engage.kek import Kek, KekError, Keyring, keyring_from_settings
from engage.services import Engage
from engage.vault import Vault
from tests.conftest import app_settings


def key_table(db):
    with db.reading() as cur:
        return cur.execute("SELECT * FROM personal_keys").fetchall()


def candidate_keys(rows):
    """Every 32 bytes found anywhere in the key table, raw or base64-decoded."""
    for row in rows:
        for value in row:
            if value is None:
                continue
            blobs = [str(value).encode()]
            try:
                blobs.append(base64.b64decode(value))
            except ValueError:
                pass
            for blob in blobs:
                for start in range(0, max(len(blob) - 31, 0)):
                    yield blob[start:start + 32]


def opens(candidate: bytes, person, sealed: str) -> bool:
    raw = base64.b64decode(sealed)
    try:
        AESGCM(candidate).decrypt(raw[:12], raw[12:], person.bytes)
        return True
    except (InvalidTag, ValueError):
        return False


def assert_dump_opens_nothing(db, person, sealed):
    rows = key_table(db)
    assert rows
    assert not any(opens(candidate, person, sealed) for candidate in candidate_keys(rows))


def test_a_dump_of_the_key_table_cannot_unseal_anything(engage_services):
    person = uuid4()
    sealed = engage_services.vault.seal(person, {"name": "Jeanne Dupont", "email": "j@exemple.fr"})
    assert_dump_opens_nothing(engage_services.db, person, sealed)
    # With the KEK, it opens.
    assert engage_services.vault.unseal(person, sealed) == {"name": "Jeanne Dupont", "email": "j@exemple.fr"}
    current = engage_services.vault.keyring.current.id
    assert {row[-1] for row in key_table(engage_services.db)} == {current}  # the KEK id on every row


def test_a_key_moved_to_another_person_does_not_open(engage_services):
    first, second = uuid4(), uuid4()
    sealed = engage_services.vault.seal(first, {"name": "A"})
    engage_services.vault.seal(second, {"name": "B"})
    with engage_services.db.transaction() as cur:
        wrapped = cur.scalar("SELECT wrapped_key FROM personal_keys WHERE person_id = %s", [first.hex])
        cur.execute("UPDATE personal_keys SET wrapped_key = %s WHERE person_id = %s", [wrapped, second.hex])
    with pytest.raises(KekError):
        engage_services.vault.unseal(second, sealed)


def test_production_refuses_to_start_without_its_kek(tmp_path, monkeypatch):
    monkeypatch.delenv("ENGAGE_VAULT_KEK")
    url = f"sqlite:///{tmp_path}/engage.sqlite"
    with pytest.raises(KekError, match="does not exist"):
        Engage.from_settings(app_settings(url, **{"engage.vault.kek_path": str(tmp_path / "absent.kek"),
                                                  "engage.vault.create_kek": "false"}))
    with pytest.raises(KekError, match="engage.vault.kek_path"):
        Engage.from_settings(app_settings(url))
    assert not (tmp_path / "absent.kek").exists()
    assert not (tmp_path / "engage.sqlite").exists()  # refused before any connection


def test_development_creates_its_kek_once_readable_by_its_owner_only(tmp_path):
    settings = {"engage.vault.kek_path": str(tmp_path / "var" / "vault.kek"), "engage.vault.create_kek": "true"}
    first = keyring_from_settings(settings, environ={})
    assert stat.S_IMODE((tmp_path / "var" / "vault.kek").stat().st_mode) == 0o600
    assert keyring_from_settings(settings, environ={}).current.id == first.current.id
    # The environment's KEK wins over the file; a malformed one is refused.
    other = Kek.generate()
    assert keyring_from_settings(settings, environ={"ENGAGE_VAULT_KEK": str(other)}).current.id == other.id
    with pytest.raises(KekError):
        keyring_from_settings(settings, environ={"ENGAGE_VAULT_KEK": "c2hvcnQ="})


def test_keys_of_an_older_database_are_wrapped_on_first_start(database_url):
    services = Engage.from_settings(app_settings(database_url), run_projections=False)
    try:
        issued = services.app.issue_card(name="Jeanne Dupont", email="j@exemple.fr", arrondissement=3,
                                         age_band="25-34", consent_to_consultation=False)
        sealed = services.app.get_card(issued.card_id).sealed_identity
        keyring = services.vault.keyring
        # Turn the table back into what engage wrote before the KEK: raw keys, no KEK id.
        with services.db.transaction() as cur:
            rows = cur.execute("SELECT person_id, wrapped_key, kek_id FROM personal_keys").fetchall()
            cur.execute("DROP TABLE personal_keys")
            cur.execute("CREATE TABLE personal_keys (person_id TEXT PRIMARY KEY, key_b64 TEXT NOT NULL)")
            cur.executemany("INSERT INTO personal_keys (person_id, key_b64) VALUES (%s, %s)",
                            [(p, base64.b64encode(keyring.unwrap(p, k, w)).decode()) for p, w, k in rows])
        assert any(opens(c, issued.person_id, sealed) for c in candidate_keys(key_table(services.db)))
    finally:
        services.close()
    restarted = Engage.from_settings(app_settings(database_url), run_projections=False)
    try:
        assert_dump_opens_nothing(restarted.db, issued.person_id, sealed)
        assert restarted.vault.not_under_current_kek() == 0
        assert restarted.vault.unseal(issued.person_id, sealed)["name"] == "Jeanne Dupont"
    finally:
        restarted.close()


class Interrupted(Exception):
    pass


def test_an_interrupted_rotation_resumes_and_the_old_kek_is_then_not_needed(engage_services):
    old_vault = engage_services.vault
    people = [uuid4() for _ in range(7)]
    sealed = dict(zip(people, old_vault.seal_many([(p, {"n": p.hex}) for p in people])))
    old, new = old_vault.keyring.current, Kek.generate()
    rotating = Vault(engage_services.db, Keyring(new, [old]))

    def stop_after_the_first_batch(done):
        raise Interrupted

    with pytest.raises(Interrupted):
        rotating.rewrap(batch=3, progress=stop_after_the_first_batch)
    assert rotating.not_under_current_kek() == 4  # the first batch was committed, the rest not
    # Half-way, a vault knowing both KEKs reads every row; new keys go under the new KEK.
    assert all(rotating.unseal(p, s) == {"n": p.hex} for p, s in sealed.items())
    late = uuid4()
    sealed[late] = rotating.seal(late, {"n": late.hex})
    assert rotating.rewrap(batch=3) == 4
    assert rotating.rewrap(batch=3) == 0  # idempotent
    after = Vault(engage_services.db, Keyring(new))  # the old KEK is gone
    assert all(after.unseal(p, s) == {"n": p.hex} for p, s in sealed.items())
    # Erasure still works.
    after.erase(people[0])
    assert after.unseal(people[0], sealed[people[0]]) is None
    assert after.unseal(people[1], sealed[people[1]]) == {"n": people[1].hex}
    # A row under a KEK nobody configured is refused loudly, never read as erased.
    with pytest.raises(KekError, match="not configured"):
        Vault(engage_services.db, Keyring(Kek.generate())).unseal(people[1], sealed[people[1]])
