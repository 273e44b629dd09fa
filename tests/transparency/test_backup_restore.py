"""A backup restored into a fresh database is the same site: engage-audit passes against
it with the same signed checkpoint (issue 18, item 4)."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from engage.backup import BackupError, Manifest, backup, restore
from engage.scripts.backup import main as backup_main
from engage.transparency.audit import AuditState, audit


@contextmanager
def fresh_database(database_url: str, tmp_path):
    """An empty database of the same back end (PostgreSQL: a new database, same schema name)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'engage.sqlite'}"
        return
    parts = urlsplit(database_url)
    name = f"engage_restore_{uuid.uuid4().hex[:12]}"
    admin = urlunsplit(parts._replace(query=""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_passes_the_audit_with_the_same_checkpoint(make_site, database_url, tmp_path):
    key = tmp_path / "transparency.key"
    site = make_site(key_path=key)
    site.issue_cards(7)
    site.catch_up()
    signed = site.testapp.get("/transparency/checkpoint").text
    written = backup(database_url, tmp_path / "backups")
    manifest = Manifest.read(written)
    assert manifest.checkpoint["note"] == signed
    assert not any(path.suffix == ".key" or "kek" in path.name for path in written.iterdir())

    with fresh_database(database_url, tmp_path) as target:
        restore(written, target)
        restored = make_site(key_path=key, **{"engage.database_url": target})
        assert restored.testapp.get("/transparency/checkpoint").text == signed
        report = audit(restored.fetch, AuditState(tmp_path / "auditor"))
        print(report.render())
        assert report.passed
        with pytest.raises(BackupError, match="already holds events"):
            restore(written, target)  # never over a database in use


def test_a_damaged_backup_is_refused_before_anything_is_written(database_url, tmp_path, make_site):
    make_site(key_path=tmp_path / "transparency.key").issue_cards(1)
    written = backup(database_url, tmp_path / "backups")
    dump = written / Manifest.read(written).dump
    dump.write_bytes(dump.read_bytes()[:-10])
    with fresh_database(database_url, tmp_path) as target:
        with pytest.raises(BackupError, match="differs from the manifest"):
            restore(written, target)


def test_the_command_says_what_it_wrote_and_what_to_keep_apart(database_url, tmp_path, make_site, capsys):
    make_site(key_path=tmp_path / "transparency.key")
    ini = tmp_path / "site.ini"
    ini.write_text(f"[app:main]\nuse = egg:engage\nengage.database_url = {database_url}\n")
    backup_main([str(ini), str(tmp_path / "backups")])
    out = capsys.readouterr().out
    assert "backup written to" in out and "keys are not in it" in out


def test_a_missing_ini_file_is_named_not_a_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        backup_main([str(tmp_path / "absent.ini"), str(tmp_path / "backups")])
    assert stopped.value.code == 2 and "no such ini file" in capsys.readouterr().err
