"""engage-rotate-kek: every personal key rewrapped by a new KEK, the old one then not needed."""

import subprocess
import sys
from pathlib import Path
from uuid import uuid4

from engage.kek import read_kek
from engage.services import Engage
from tests.conftest import app_settings

BIN = Path(sys.executable).parent


def ini_file(tmp_path, database_url, kek: Path, previous: Path | None = None) -> str:
    ini = tmp_path / "rotate.ini"
    ini.write_text(
        "[app:main]\nuse = egg:engage\n"
        f"engage.database_url = {database_url}\n"
        "engage.session_secret = test-only\n"
        "engage.identifier_key = test-card-number-key-0123456789\n"
        f"engage.vault.kek_path = {kek}\n"
        "engage.vault.create_kek = false\n"
        + (f"engage.vault.previous_kek_paths = {previous}\n" if previous else "")
    )
    return str(ini)


def services(database_url, kek: Path, previous: Path | None = None) -> Engage:
    settings = {"engage.vault.kek_path": str(kek)}
    if previous:
        settings["engage.vault.previous_kek_paths"] = str(previous)
    return Engage.from_settings(app_settings(database_url, **settings), run_projections=False)


def rotate(ini, new):
    return subprocess.run([BIN / "engage-rotate-kek", ini, "--new", str(new), "--batch", "2"],
                          capture_output=True, text=True, timeout=120)


def kek_ids(engage):
    with engage.db.reading() as cur:
        return {row[0] for row in cur.execute("SELECT kek_id FROM personal_keys").fetchall()}


def test_rotation_rewraps_every_key_and_the_old_kek_is_no_longer_needed(database_url, tmp_path, monkeypatch):
    monkeypatch.delenv("ENGAGE_VAULT_KEK")
    old, new = tmp_path / "old.kek", tmp_path / "new.kek"
    first = rotate(ini_file(tmp_path, database_url, old), old)  # a first install creates the KEK
    assert first.returncode == 0, first.stderr
    engage = services(database_url, old)
    people = [uuid4() for _ in range(5)]
    sealed = dict(zip(people, engage.vault.seal_many([(p, {"n": p.hex}) for p in people])))
    engage.close()

    # The processes do not know the new KEK yet: it is created, nothing is rewrapped.
    refused = rotate(ini_file(tmp_path, database_url, old), new)
    assert refused.returncode == 2 and "Nothing was rewrapped" in refused.stderr
    assert new.exists()

    # Configured with both (new current, old previous): the command rewraps everything, in batches.
    both = services(database_url, new, old)
    late = uuid4()
    sealed[late] = both.vault.seal(late, {"n": late.hex})  # new keys go under the new KEK
    done = rotate(ini_file(tmp_path, database_url, new, old), new)
    assert done.returncode == 0, done.stderr
    assert "5 keys rewrapped" in done.stdout
    assert kek_ids(both) == {read_kek(new).id}
    again = rotate(ini_file(tmp_path, database_url, new, old), new)
    assert again.returncode == 0 and "0 keys rewrapped" in again.stdout
    both.close()

    old.unlink()  # the old KEK destroyed
    after = services(database_url, new)
    try:
        assert all(after.vault.unseal(p, s) == {"n": p.hex} for p, s in sealed.items())
        after.vault.erase(people[0])
        assert after.vault.unseal(people[0], sealed[people[0]]) is None
    finally:
        after.close()
