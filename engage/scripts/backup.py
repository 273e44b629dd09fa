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
    if not Path(ini).is_file():
        usage(f"no such ini file: {ini}")
    setup_logging(ini)
    return database_url_from(apply_environment(dict(get_appsettings(ini))))


def main(argv=None) -> None:
    ini, directory = _arguments(argv, "usage: engage-backup <ini> <directory>")
    written = _or_exit("engage-backup", lambda: backup(_url(ini), Path(directory)))
    print(f"backup written to {written}")
    print("keys are not in it: keep the vault KEK, the transparency key and the identifier key apart")


def restore_main(argv=None) -> None:
    ini, directory = _arguments(argv, "usage: engage-restore <ini> <backup directory>")
    manifest = _or_exit("engage-restore", lambda: restore(Path(directory), _url(ini)))
    signed = manifest.checkpoint
    print(f"restored the backup of {manifest.created_at}"
          + (f"; latest signed checkpoint: {signed['size']} leaves" if signed else "; no checkpoint signed yet"))
    print("start engage with the same keys, then check it: engage-audit <the site's URL>")


def _arguments(argv, text: str) -> list[str]:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        usage(text)
    return argv


def _or_exit(command: str, action):
    """The action's result; its BackupError as one line on stderr and exit status 1."""
    try:
        return action()
    except BackupError as error:
        print(f"{command}: {error}", file=sys.stderr)
        raise SystemExit(1) from None
