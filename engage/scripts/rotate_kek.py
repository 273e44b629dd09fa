"""engage-rotate-kek <ini> --new <path>: wrap every personal key by a new key-encryption key.

    engage-rotate-kek production.ini --new /etc/engage/vault-2027.kek

The new KEK's file is created if missing (mode 0600). Its keys are rewrapped only once the
application knows it as its current KEK, with the old one among the previous ones, so every
process reads rows wrapped by either while the command runs (no downtime):

1. run the command once: it creates the new KEK and says what to configure;
2. set engage.vault.kek_path to the new file, engage.vault.previous_kek_paths to the old one,
   and restart the web and projection processes one by one;
3. run the command again: it rewraps every key, in batches of --batch rows (one transaction
   each). Stopped anywhere, run it again: rows already under the new KEK are left alone;
4. remove the old KEK from previous_kek_paths, restart, and destroy the old KEK once the
   backups taken under it have expired (then the erasures before it reach those backups).

On a first install (or an older database whose keys are not yet wrapped), with --new naming
the ini's own KEK file, it creates the KEK and wraps the unwrapped keys.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyramid.paster import get_appsettings, setup_logging

from engage.db import Database, database_url_from
from engage.kek import KEK_PATH, PREVIOUS_KEK_PATHS, KekError, ensure_kek, keyring_from_settings
from engage.settings import apply_environment
from engage.vault import REWRAP_BATCH, Vault


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="engage-rotate-kek",
        description="Rewrap every personal key of the vault by a new key-encryption key.",
    )
    parser.add_argument("ini", help="the application's ini file")
    parser.add_argument("--new", required=True, help="the new KEK's file (created if missing)")
    parser.add_argument("--batch", type=int, default=REWRAP_BATCH, help="rows per transaction")
    args = parser.parse_args(argv)
    setup_logging(args.ini)
    settings = apply_environment(dict(get_appsettings(args.ini)))
    new = ensure_kek(Path(args.new))
    try:
        keyring = keyring_from_settings(settings)
    except KekError as error:
        print(f"engage-rotate-kek: {error}", file=sys.stderr)
        raise SystemExit(2)
    if keyring.current.id != new.id:
        print(
            f"engage-rotate-kek: {args.new} holds the KEK {new.id}, but {args.ini} wraps new keys with"
            f" {keyring.current.id}. Nothing was rewrapped. First make every process know both:\n"
            f"  {KEK_PATH} = {args.new}\n  {PREVIOUS_KEK_PATHS} = <the current KEK's file>\n"
            "restart the web and projection processes, then run this command again.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    db = Database(database_url_from(settings), pool_size=2)
    try:
        vault = Vault(db, keyring)
        vault.setup()  # the table's current columns; unwrapped rows of an older database wrapped
        done = vault.rewrap(batch=args.batch, progress=lambda n: print(".", end="", file=sys.stderr, flush=True))
        left = vault.not_under_current_kek()
    except KekError as error:
        print(f"\nengage-rotate-kek: {error}", file=sys.stderr)
        raise SystemExit(1)
    finally:
        db.close()
    if left:
        print(f"\nengage-rotate-kek: {left} keys are still under another KEK: run it again.", file=sys.stderr)
        raise SystemExit(1)
    print(f"\nengage-rotate-kek: {done} keys rewrapped; every key is now under the KEK {new.id}."
          f" The previous KEKs are no longer needed: remove them from {PREVIOUS_KEK_PATHS}.")
