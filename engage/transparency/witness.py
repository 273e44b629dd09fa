"""Witnesses: third parties that cosign the log's checkpoints once they have checked that each
extends the last one they cosigned (C2SP tlog-cosignature). A log that showed two histories,
one to the witnesses and another to someone else, would need the witnesses to cosign both:
they never do.

A cosignature is a signed-note signature line by the witness's key (algorithm 0x04):

    — <witness name> base64(key id ‖ timestamp ‖ Ed25519 signature)

    key id    = SHA-256(name ‖ "\\n" ‖ 0x04 ‖ public key)[:4]
    timestamp = seconds since the Unix epoch, big-endian uint64
    signed    = "cosignature/v1\\ntime <timestamp>\\n" ‖ the checkpoint's text

`witness_once` is the witness's whole job (engage-witness runs it); the site keeps the
cosignatures it receives and publishes them under its own signature on the checkpoint.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from engage.transparency import merkle
from engage.transparency.note import (
    SIGNATURE_PREFIX,
    Checkpoint,
    NoteError,
    Verifier,
    check_key_name,
    split_note,
)

ALGORITHM_COSIGNATURE = 0x04


def cosignature_key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALGORITHM_COSIGNATURE]) + public_key).digest()[:4]


def signed_message(checkpoint_text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


@dataclass(frozen=True)
class WitnessVerifier:
    name: str
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return cosignature_key_id(self.name, self.public_key)

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([ALGORITHM_COSIGNATURE]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> "WitnessVerifier":
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise NoteError("a witness key reads <name>+<8 hex digits>+<base64 key>")
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except ValueError as error:
            raise NoteError("a witness key's last part is base64") from error
        if len(raw) != 33 or raw[0] != ALGORITHM_COSIGNATURE:
            raise NoteError("a witness key is 0x04 and a 32-byte Ed25519 key")
        verifier = cls(check_key_name(parts[0]), raw[1:])
        if verifier.key_id.hex() != parts[1]:
            raise NoteError("the key id does not match the witness name and key")
        return verifier

    def verify(self, checkpoint_text: str, blob: bytes) -> int:
        """The cosignature's timestamp, if `blob` (key id ‖ time ‖ signature) verifies."""
        if len(blob) != 4 + 8 + 64 or blob[:4] != self.key_id:
            raise NoteError(f"not a cosignature by {self.name}")
        timestamp = int.from_bytes(blob[4:12], "big")
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                blob[12:], signed_message(checkpoint_text, timestamp))
        except InvalidSignature:
            raise NoteError(f"the cosignature of {self.name} does not verify") from None
        return timestamp


@dataclass(frozen=True)
class Witness:
    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> "Witness":
        return cls(check_key_name(name), Ed25519PrivateKey.generate())

    @property
    def verifier(self) -> WitnessVerifier:
        return WitnessVerifier(self.name, self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def cosign(self, checkpoint_text: str, timestamp: int | None = None) -> str:
        """The cosignature line (with its newline) for a checkpoint's text."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = self.private_key.sign(signed_message(checkpoint_text, timestamp))
        blob = self.verifier.key_id + timestamp.to_bytes(8, "big") + signature
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(blob).decode()}\n"

    def __str__(self) -> str:
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+" + base64.b64encode(
            bytes([ALGORITHM_COSIGNATURE]) + seed).decode()

    def __repr__(self) -> str:
        return f"Witness({self.name!r})"

    @classmethod
    def parse(cls, text: str) -> "Witness":
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a witness's private key reads PRIVATE+KEY+<name>+<id>+<base64>")
        raw = base64.b64decode(parts[4])
        if len(raw) != 33 or raw[0] != ALGORITHM_COSIGNATURE:
            raise NoteError("a witness's private key is 0x04 and a 32-byte seed")
        witness = cls(check_key_name(parts[2]), Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if witness.verifier.key_id.hex() != parts[3]:
            raise NoteError("the private key does not match its key id")
        return witness


def cosignatures(note: str, witnesses: list[WitnessVerifier]) -> dict[str, int]:
    """{witness name: timestamp} of the known witnesses whose cosignature on `note` verifies."""
    text, lines = split_note(note)
    found = {}
    for name, blob in lines:
        for witness in witnesses:
            if witness.name == name and blob[:4] == witness.key_id:
                found[name] = witness.verify(text, blob)
    return found


class WitnessRefusal(Exception):
    """The log did something a witness must not cosign; the message says what."""


@dataclass
class WitnessState:
    """The last checkpoint this witness cosigned for a log, kept in a directory."""

    directory: Path

    def _file(self, origin: str) -> Path:
        return Path(self.directory) / (hashlib.sha256(origin.encode()).hexdigest()[:16] + ".json")

    def last(self, origin: str) -> Checkpoint | None:
        try:
            data = json.loads(self._file(origin).read_text())
        except (OSError, ValueError):
            return None
        return Checkpoint.parse(data["checkpoint"])

    def save(self, checkpoint: Checkpoint) -> None:
        path = self._file(checkpoint.origin)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"checkpoint": checkpoint.text()}))
        temporary.replace(path)


def witness_once(fetch: Callable[[str], bytes], witness: Witness, log_key: Verifier,
                 state: WitnessState, *, timestamp: int | None = None) -> tuple[Checkpoint, str]:
    """Fetch the log's checkpoint, check its signature and that it extends the last one this
    witness cosigned (RFC 9162 consistency proof from the log), cosign it, remember it.
    Returns the checkpoint and the cosigned note (the log's note with the cosignature line)."""
    note = fetch("/transparency/checkpoint").decode()
    try:
        text = log_key.verify(note)
    except NoteError as error:
        raise WitnessRefusal(f"the checkpoint does not verify with the log's key: {error}") from None
    checkpoint = Checkpoint.parse(text)
    previous = state.last(checkpoint.origin)
    if previous is not None:
        if checkpoint.size < previous.size:
            raise WitnessRefusal(f"the log shrank from {previous.size} to {checkpoint.size} leaves")
        if checkpoint.size == previous.size:
            if checkpoint.root != previous.root:
                raise WitnessRefusal(f"two different roots for {checkpoint.size} leaves: a fork")
        else:
            proof = json.loads(fetch(
                f"/transparency/proof/consistency?old={previous.size}&new={checkpoint.size}"))
            hashes = [base64.b64decode(h) for h in proof["hashes"]]
            if not merkle.verify_consistency(previous.size, checkpoint.size, previous.root,
                                             checkpoint.root, hashes):
                raise WitnessRefusal(
                    f"the checkpoint of {checkpoint.size} leaves does not extend the one of"
                    f" {previous.size} this witness cosigned")
    line = witness.cosign(text, timestamp)
    state.save(checkpoint)
    return checkpoint, text + "\n" + line
