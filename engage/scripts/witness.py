"""engage-witness: cosign an engage log's checkpoints after checking each extends the last
one cosigned (engage.transparency.witness).

    engage-witness keygen <name> <key file>           a new witness key; prints the public key
    engage-witness <site URL> --key <key file> --log-key <log's public key> [--state <dir>]

The second form fetches the checkpoint, verifies the log's signature and the consistency
proof from the last checkpoint this witness cosigned, cosigns, and hands the cosignature to
the site (POST /transparency/cosignature). Run it from cron; exit status 1 when the log did
something a witness must refuse (a fork, a shrunk log, a bad signature)."""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from engage.transparency.audit import FetchError, default_state_dir, http_fetcher
from engage.transparency.note import NoteError, Verifier
from engage.transparency.witness import Witness, WitnessRefusal, WitnessState, witness_once


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["keygen"]:
        if len(argv) != 3:
            raise SystemExit("usage: engage-witness keygen <name> <key file>")
        witness = Witness.generate(argv[1])
        path = Path(argv[2])
        if path.exists():
            raise SystemExit(f"engage-witness: {path} exists; not overwritten")
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(str(witness) + "\n")
        print(witness.verifier)
        return
    parser = argparse.ArgumentParser(prog="engage-witness")
    parser.add_argument("site")
    parser.add_argument("--key", required=True, help="the witness's private key file")
    parser.add_argument("--log-key", required=True, help="the log's public key, as /transparence shows it")
    parser.add_argument("--state", help="where the last cosigned checkpoint is kept")
    options = parser.parse_args(argv)
    try:
        witness = Witness.parse(Path(options.key).read_text())
        log_key = Verifier.parse(options.log_key)
    except (OSError, NoteError) as error:
        raise SystemExit(f"engage-witness: {error}") from None
    state = WitnessState(Path(options.state) if options.state else default_state_dir(options.site) / "witness")
    try:
        checkpoint, note = witness_once(http_fetcher(options.site), witness, log_key, state)
        submit(options.site, note)
    except WitnessRefusal as error:
        print(f"engage-witness: REFUSED: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    except FetchError as error:
        print(f"engage-witness: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"cosigned {checkpoint.origin} at {checkpoint.size} leaves")


def submit(site: str, note: str) -> None:
    request = urllib.request.Request(site.rstrip("/") + "/transparency/cosignature", data=note.encode(),
                                     method="POST", headers={"Content-Type": "text/plain; charset=utf-8",
                                                             "User-Agent": "engage-witness"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise FetchError("/transparency/cosignature", error.code, error.read()[:300].decode(errors="replace"))
