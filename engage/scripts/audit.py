"""engage-audit <base URL>: verify an engage site's transparency log from its public endpoints.

Two levels:
- public (anyone): `engage-audit URL` checks the signature, the history, the entries and
  recomputes every published figure from public leaves alone;
- accredited (an auditor the city accredited): `engage-audit --keygen FILE` writes a key
  pair; the auditor pastes FILE.pub on /transparence/audit-accredite and downloads the
  openings, encrypted to that key; `engage-audit URL --accredited OPENINGS --auditor-key FILE`
  then also checks every opening and the rules that need linkage.

Exit status: 0 when every check passes, 1 when anything does not verify (or the site
cannot be reached), 2 on a usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import urlsplit

from engage.transparency.audit import AuditState, audit, default_state_dir, http_fetcher
from engage.transparency.sealed_openings import SealedOpeningsError, keygen, parse_private_key


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="engage-audit",
        description="Verify an engage site's transparency log: signature, history, entries,"
        " published figures; with --accredited, the openings and the rules that need linkage.",
    )
    parser.add_argument("url", nargs="?", help="the site's base URL, e.g. https://participation.paris.example")
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="where to keep the downloaded entries, the trusted key and the last checkpoint"
        " (default: ~/.cache/engage-audit/<host>)",
    )
    parser.add_argument(
        "--key", help="the verifier key to trust, as published by the city (saved on first use)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--keygen", type=Path, metavar="FILE",
                        help="write a new auditor key pair (FILE, mode 0600, and FILE.pub) and exit")
    parser.add_argument("--accredited", type=Path, metavar="OPENINGS",
                        help="the openings file downloaded from /transparence/audit-accredite")
    parser.add_argument("--auditor-key", type=Path, metavar="FILE",
                        help="the private key (from --keygen) the openings file is encrypted to")
    args = parser.parse_args(argv)

    if args.keygen:
        try:
            public_path, line = keygen(args.keygen)
        except FileExistsError as error:
            parser.error(f"{error.args[0] if error.args else args.keygen} exists: never overwritten")
        print(f"private key written to {args.keygen} (keep it secret)")
        print(f"public key written to {public_path}; paste it on /transparence/audit-accredite:")
        print(line)
        raise SystemExit(0)
    if not args.url:
        parser.error("the site's URL is required")
    if urlsplit(args.url).scheme not in ("http", "https") or not urlsplit(args.url).netloc:
        parser.error("the URL must start with http:// or https://")
    accredited = None
    if bool(args.accredited) != bool(args.auditor_key):
        parser.error("--accredited and --auditor-key go together")
    if args.accredited:
        try:
            accredited = (args.accredited.read_bytes(), parse_private_key(args.auditor_key.read_text()))
        except OSError as error:
            parser.error(f"cannot read {error.filename}: {error.strerror}")
        except (SealedOpeningsError, UnicodeDecodeError) as error:
            parser.error(f"{args.auditor_key}: {error}")

    state_dir = args.state_dir or default_state_dir(args.url)
    report = audit(
        http_fetcher(args.url),
        AuditState(state_dir),
        pinned_key=args.key,
        progress=not args.no_progress,
        accredited=accredited,
    )
    level = "accredited" if accredited else "public"
    print(f"engage-audit {args.url}, {level} level (state kept in {state_dir})")
    print(report.render())
    raise SystemExit(0 if report.passed else 1)
