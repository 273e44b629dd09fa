"""engage-keygen: create the transparency log's signing key, once, and print its verifier key.

    engage-keygen <ini>                    the path and origin come from the ini file
                                           (ENGAGE_TRANSPARENCY_KEY_PATH overrides the path)
    engage-keygen <path> --origin <name>   a key file at that path, for that log

The key file (mode 0600) is never overwritten: a new key would make every auditor
report a key change. Publish the printed verifier key where residents can find it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engage.transparency.keyfile import KEY_PATH, origin_from, read_key, write_key
from engage.transparency.note import NoteError, Signer


def _from_ini(ini: str) -> tuple[Path, str]:
    from pyramid.paster import get_appsettings

    from engage.settings import apply_environment

    settings = apply_environment(dict(get_appsettings(ini)))
    if not settings.get(KEY_PATH):
        raise SystemExit(
            f"engage-keygen: {ini} sets no {KEY_PATH} (nor ENGAGE_TRANSPARENCY_KEY_PATH)"
        )
    return Path(settings[KEY_PATH]), origin_from(settings)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="engage-keygen",
        description="Create the transparency log's Ed25519 signing key and print its verifier key.",
    )
    parser.add_argument(
        "target", help="an ini file (key path and origin from its settings), or the key file's path"
    )
    parser.add_argument(
        "--origin", help="the log's name, e.g. paris.engage.example/log (with a key path)"
    )
    args = parser.parse_args(argv)

    if args.target.endswith(".ini"):
        if args.origin:
            parser.error("--origin comes from the ini file's engage.transparency.origin")
        path, origin = _from_ini(args.target)
    else:
        if not args.origin:
            parser.error("--origin is required with a key path")
        path, origin = Path(args.target), args.origin

    if path.exists():
        print(
            f"engage-keygen: {path} already exists; it is never replaced. Its verifier key:",
            file=sys.stderr,
        )
        print(read_key(path).verifier)
        raise SystemExit(1)
    try:
        signer = Signer.generate(origin)
    except NoteError as error:
        parser.error(str(error))
    write_key(path, signer)
    print(
        f"engage-keygen: created {path} (readable by its owner only). Publish the verifier key:",
        file=sys.stderr,
    )
    print(signer.verifier)
