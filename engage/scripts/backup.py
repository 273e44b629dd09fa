"""engage-backup <ini> <directory> and engage-restore <ini> <backup>: the database, copied
consistently, and put back into an empty database (engage/backup.py says what is in a
backup and what is not: the keys, kept apart). docs/DEPLOY.md has the whole drill."""

import sys
from pathlib import Path

from pyramid.paster import get_appsettings, setup_logging

from engage.backup import BackupError, backup, restore
from engage.db import database_url_from
from engage.scripts import usage
from engage.settings import apply_environment


def _url(ini: str) -> str:
    setup_logging(ini)
    return database_url_from(apply_environment(dict(get_appsettings(ini))))


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        usage("usage: engage-backup <ini> <directory>")
    try:
        written = backup(_url(argv[0]), Path(argv[1]))
    except BackupError as error:
        print(f"engage-backup: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"backup written to {written}")
    print("keys are not in it: keep the vault KEK, the transparency key and the identifier key apart")


def restore_main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        usage("usage: engage-restore <ini> <backup directory>")
    try:
        manifest = restore(Path(argv[1]), _url(argv[0]))
    except BackupError as error:
        print(f"engage-restore: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    signed = manifest.checkpoint
    print(f"restored the backup of {manifest.created_at}"
          + (f"; latest signed checkpoint: {signed['size']} leaves" if signed else "; no checkpoint signed yet"))
    print("start engage with the same keys, then check it: engage-audit <the site's URL>")
