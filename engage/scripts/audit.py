"""engage-audit <base URL>: verify an engage site's transparency log from its public endpoints.

Exit status: 0 when every check passes, 1 when anything does not verify (or the site
cannot be reached), 2 on a usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import urlsplit

from engage.transparency.audit import AuditState, audit, default_state_dir, http_fetcher


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="engage-audit",
        description="Verify an engage site's transparency log: signature, history, entries,"
        " published figures.",
    )
    parser.add_argument("url", help="the site's base URL, e.g. https://participation.paris.example")
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
    args = parser.parse_args(argv)
    if urlsplit(args.url).scheme not in ("http", "https") or not urlsplit(args.url).netloc:
        parser.error("the URL must start with http:// or https://")

    state_dir = args.state_dir or default_state_dir(args.url)
    report = audit(
        http_fetcher(args.url),
        AuditState(state_dir),
        pinned_key=args.key,
        progress=not args.no_progress,
    )
    print(f"engage-audit {args.url} (state kept in {state_dir})")
    print(report.render())
    raise SystemExit(0 if report.passed else 1)
