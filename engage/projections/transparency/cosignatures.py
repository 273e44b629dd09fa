"""The witnesses' cosignatures the site received (engage.transparency.witness), kept beside
the checkpoints they cosign and published with them: /transparency/checkpoint carries the
log's signature and every known witness's cosignature of that checkpoint."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Mapping

from engage.db import Database
from engage.transparency.note import SIGNATURE_PREFIX, Checkpoint, NoteError, split_note
from engage.transparency.witness import WitnessVerifier, cosignatures

SETTING = "engage.transparency.witnesses"


class UnknownCheckpoint(Exception):
    """A cosignature of a checkpoint this log never signed."""


@dataclass(frozen=True)
class Cosigned:
    witness: str
    size: int
    cosigned_at: int  # the witness's timestamp, seconds since the epoch


def witnesses_from(settings: Mapping[str, Any]) -> list[WitnessVerifier]:
    """The witnesses whose cosignatures the site accepts (their keys, whitespace-separated)."""
    return [WitnessVerifier.parse(key) for key in str(settings.get(SETTING) or "").split()]


def setup(db: Database) -> None:
    with db.transaction() as cur:
        cur.execute("""CREATE TABLE IF NOT EXISTS tlog_cosignatures (
                size BIGINT NOT NULL,
                witness TEXT NOT NULL,
                root_hash TEXT NOT NULL,
                line TEXT NOT NULL,
                cosigned_at BIGINT NOT NULL,
                PRIMARY KEY (size, witness)
            )""")


def receive(db: Database, note: str, witnesses: list[WitnessVerifier]) -> list[Cosigned]:
    """Keep the known witnesses' cosignatures on `note` (a checkpoint's text and cosignature
    lines); NoteError when none verifies, UnknownCheckpoint when the log never signed it."""
    text, lines = split_note(note)
    checkpoint = Checkpoint.parse(text)
    found = cosignatures(note, witnesses)
    if not found:
        raise NoteError("no cosignature by a witness this site knows")
    kept = []
    with db.transaction() as cur:
        signed = cur.scalar("SELECT note FROM tlog_checkpoints WHERE size = %s AND root_hash = %s",
                            [checkpoint.size, checkpoint.root.hex()])
        if signed is None or not signed.startswith(text):
            raise UnknownCheckpoint(f"this log signed no checkpoint of {checkpoint.size} leaves with that root")
        for name, blob in lines:
            if name not in found:
                continue
            line = f"{SIGNATURE_PREFIX}{name} {base64.b64encode(blob).decode()}"
            cur.execute(
                "INSERT INTO tlog_cosignatures (size, witness, root_hash, line, cosigned_at)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (size, witness) DO UPDATE"
                " SET line = excluded.line, cosigned_at = excluded.cosigned_at",
                [checkpoint.size, name, checkpoint.root.hex(), line, found[name]],
            )
            kept.append(Cosigned(name, checkpoint.size, found[name]))
    return kept


def lines_for(db: Database, size: int) -> list[str]:
    with db.reading() as cur:
        rows = cur.execute("SELECT line FROM tlog_cosignatures WHERE size = %s ORDER BY witness",
                           [size]).fetchall()
    return [line for (line,) in rows]


def latest_by_witness(db: Database) -> list[Cosigned]:
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT witness, MAX(size) FROM tlog_cosignatures GROUP BY witness ORDER BY witness"
        ).fetchall()
        found = []
        for witness, size in rows:
            at = cur.scalar("SELECT cosigned_at FROM tlog_cosignatures WHERE witness = %s AND size = %s",
                            [witness, size])
            found.append(Cosigned(witness, size, at))
    return found
