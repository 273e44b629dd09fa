"""Backups of the database, and their restore: the event store, the read models, the signed
checkpoints, the openings and the vault's wrapped keys, in one consistent copy.

A backup is a directory:

    database.dump      PostgreSQL: pg_dump's custom format (one snapshot, consistent)
    database.sqlite    SQLite: the online backup API's copy (consistent too)
    manifest.json      when, what (back end, schema), the dump's SHA-256, and the latest
                       signed checkpoint the copy holds, to compare after a restore

Keys are never in a backup: the vault's key-encryption key, the transparency signing key and
the identifier key are kept apart (docs/DEPLOY.md), so whoever holds a copy of the database
holds ciphertexts and pseudonyms, not people. A restore needs the same keys: the KEK to
unwrap the vault, the signing key to go on signing the same log (a different key would be
reported by every auditor), the identifier key to find cards and accounts.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from engage.db import Database, DatabaseURL

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    backend: str
    schema: str
    dump: str
    sha256: str
    checkpoint: dict | None  # {"size", "root_hash", "note"} or None: nothing signed yet

    def as_json(self) -> str:
        return json.dumps({"format": FORMAT, **self.__dict__}, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def read(cls, directory: Path) -> "Manifest":
        try:
            data = json.loads((directory / MANIFEST).read_text())
        except (OSError, ValueError) as error:
            raise BackupError(f"{directory} holds no readable {MANIFEST}: {error}") from error
        if data.pop("format", None) != FORMAT:
            raise BackupError(f"{directory / MANIFEST} is not a backup of this format ({FORMAT})")
        return cls(**data)


def backup(url: str, into: Path, *, now: datetime.datetime | None = None) -> Path:
    """Write a backup of the database at `url` into a new directory under `into`."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    parsed = DatabaseURL.parse(url)
    directory = Path(into) / f"engage-{now:%Y%m%dT%H%M%SZ}"
    directory.mkdir(parents=True, exist_ok=False)
    if parsed.backend == "sqlite":
        dump = directory / "database.sqlite"
        source = sqlite3.connect(parsed.path)
        target = sqlite3.connect(dump)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        dump = directory / "database.dump"
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"]
        if parsed.schema:
            command.append(f"--schema={parsed.schema}")
        _run(command + [parsed.dbname], parsed)
    manifest = Manifest(
        created_at=now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        backend=parsed.backend,
        schema=parsed.schema,
        dump=dump.name,
        sha256=_sha256(dump),
        checkpoint=latest_checkpoint(url),
    )
    (directory / MANIFEST).write_text(manifest.as_json())
    return directory


def restore(directory: Path, url: str) -> Manifest:
    """Restore a backup into the (empty) database at `url`; refuses a database in use."""
    directory = Path(directory)
    manifest = Manifest.read(directory)
    dump = directory / manifest.dump
    if not dump.exists() or _sha256(dump) != manifest.sha256:
        raise BackupError(f"{dump} is missing or differs from the manifest (SHA-256): not restored")
    parsed = DatabaseURL.parse(url)
    if parsed.backend != manifest.backend:
        raise BackupError(f"a {manifest.backend} backup cannot be restored into {parsed.backend}")
    if parsed.schema != manifest.schema:
        raise BackupError(f"the backup is of schema {manifest.schema!r}; restore it into the same schema")
    if _holds_events(url):
        raise BackupError("the target database already holds events: restore into an empty database")
    if parsed.backend == "sqlite":
        Path(parsed.path).parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.path + suffix).unlink(missing_ok=True)
        shutil.copyfile(dump, parsed.path)
    else:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              f"--dbname={parsed.dbname}", str(dump)], parsed)
    restored = latest_checkpoint(url)
    if restored != manifest.checkpoint:
        raise BackupError("the restored database's latest checkpoint differs from the manifest's")
    return manifest


def latest_checkpoint(url: str) -> dict | None:
    db = Database(url, pool_size=1)
    try:
        with db.reading() as cur:
            if not _table_exists(cur, "tlog_checkpoints"):
                return None
            row = cur.execute(
                "SELECT size, root_hash, note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1"
            ).fetchone()
    finally:
        db.close()
    return None if row is None else {"size": row[0], "root_hash": row[1], "note": row[2]}


def _holds_events(url: str) -> bool:
    parsed = DatabaseURL.parse(url)
    if parsed.backend == "sqlite" and not Path(parsed.path).exists():
        return False
    db = Database(url, pool_size=1)
    try:
        with db.reading() as cur:
            # eventsourcing names the table per back end (SQLite: one table for the process)
            for table in ("engage_events", "stored_events"):
                if _table_exists(cur, table) and cur.scalar(f"SELECT COUNT(*) FROM {table}") > 0:
                    return True
            return False
    finally:
        db.close()


def _table_exists(cur, table: str) -> bool:
    if cur.backend == "sqlite":
        return bool(cur.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = %s", [table]))
    return cur.scalar("SELECT to_regclass(%s) IS NOT NULL", [table])


def _run(command: list[str], parsed: DatabaseURL) -> None:
    env = dict(os.environ, PGHOST=parsed.host, PGPORT=str(parsed.port), PGUSER=parsed.user,
               PGPASSWORD=parsed.password)
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from error
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-500:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
