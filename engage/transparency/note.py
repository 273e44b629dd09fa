"""C2SP signed notes (c2sp.org/signed-note) and checkpoints (c2sp.org/tlog-checkpoint), Ed25519.

Byte for byte what Go's golang.org/x/mod/sumdb/note produces, so the tools of the
transparency-log ecosystem (witnesses, monitors) read engage's checkpoints as they are.

    <origin>\n<tree size>\n<base64 root hash>\n        the checkpoint: the note's text
    \n                                                a blank line
    — <key name> <base64(key id || signature)>\n       one line per signature

Key id: the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key).
Verifier key: <name>+<key id, 8 hex digits>+<base64(0x01 || public key)>.
Signer key (the file engage-keygen writes, as Go's note.GenerateKey):
PRIVATE+KEY+<name>+<key id>+<base64(0x01 || private seed)>.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

ALGORITHM_ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space
SIGNER_KEY_PREFIX = "PRIVATE+KEY+"
_DECIMAL = re.compile(r"^(0|[1-9][0-9]*)$")


class NoteError(ValueError):
    """A malformed note, key or checkpoint, or a signature that does not verify."""


def check_key_name(name: str) -> str:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"invalid key name {name!r}: not empty, no '+', no spaces")
    return name


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALGORITHM_ED25519]) + public_key).digest()[
        :4
    ]


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise NoteError(f"invalid base64: {text!r}") from error


def _public_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    name: str
    public_key: bytes  # 32 bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([ALGORITHM_ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> "Verifier":
        # The base64 part may itself contain '+': split twice only.
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
            raise NoteError("a verifier key reads <name>+<8 hex digits>+<base64 key>")
        name, declared_id, encoded = parts
        raw = _b64decode(encoded)
        if len(raw) != 33 or raw[0] != ALGORITHM_ED25519:
            raise NoteError("only Ed25519 verifier keys (0x01 and 32 bytes) are supported")
        verifier = cls(check_key_name(name), raw[1:])
        if verifier.key_id.hex() != declared_id:
            raise NoteError("the key id does not match the key name and public key")
        return verifier

    def verify(self, note: str) -> str:
        """The note's text if one of its signatures is this key's and verifies; else NoteError."""
        text, signatures = split_note(note)
        public_key = Ed25519PublicKey.from_public_bytes(self.public_key)
        for name, blob in signatures:
            if name != self.name or blob[:4] != self.key_id:
                continue  # another signer's: ignored, as the spec says
            try:
                public_key.verify(blob[4:], text.encode())
            except InvalidSignature:
                raise NoteError(f"the signature of {name} does not verify") from None
            return text
        raise NoteError(f"no signature by {self.name} ({self.key_id.hex()}) on this note")


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> "Signer":
        return cls(check_key_name(name), Ed25519PrivateKey.generate())

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, _public_bytes(self.private_key.public_key()))

    def sign(self, text: str) -> str:
        """The signed note: text, a blank line, this key's signature line."""
        check_note_text(text)
        blob = self.verifier.key_id + self.private_key.sign(text.encode())
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {base64.b64encode(blob).decode()}\n"

    def __str__(self) -> str:
        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        encoded = base64.b64encode(bytes([ALGORITHM_ED25519]) + seed).decode()
        return f"{SIGNER_KEY_PREFIX}{self.name}+{self.verifier.key_id.hex()}+{encoded}"

    def __repr__(self) -> str:  # never print the private key by accident
        return f"Signer({self.verifier})"

    @classmethod
    def parse(cls, text: str) -> "Signer":
        text = text.strip()
        if not text.startswith(SIGNER_KEY_PREFIX):
            raise NoteError("a signer key starts with PRIVATE+KEY+")
        parts = text.removeprefix(SIGNER_KEY_PREFIX).split("+", 2)
        if len(parts) != 3:
            raise NoteError("a signer key reads PRIVATE+KEY+<name>+<key id>+<base64 key>")
        name, declared_id, encoded = parts
        raw = _b64decode(encoded)
        if len(raw) != 33 or raw[0] != ALGORITHM_ED25519:
            raise NoteError("only Ed25519 signer keys (0x01 and a 32-byte seed) are supported")
        signer = cls(check_key_name(name), Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier.key_id.hex() != declared_id:
            raise NoteError("the key id does not match the key name and private key")
        return signer


def check_note_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("a note's text ends with a newline")
    if any(c < " " and c != "\n" for c in text):
        raise NoteError("a note's text holds no control characters but newlines")


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """(text, [(signer name, key id || signature)]): the text ends before the last blank line."""
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("a signed note has a blank line before its signatures")
    text, block = note[:split + 1], note[split + 2:]
    check_note_text(text)
    if not block.endswith("\n"):
        raise NoteError("the signature block ends with a newline")
    signatures = []
    for line in block[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError(f"malformed signature line: {line!r}")
        name, _, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        blob = _b64decode(encoded)
        if len(blob) < 5:
            raise NoteError(f"signature too short: {line!r}")
        signatures.append((check_key_name(name), blob))
    if not signatures:
        raise NoteError("no signature lines")
    return text, signatures


@dataclass(frozen=True)
class Checkpoint:
    """A c2sp.org/tlog-checkpoint: which log, how many leaves, and their root hash."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        check_note_text(text)
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise NoteError("a checkpoint has an origin, a size and a root hash")
        origin, size, root = lines[:3]
        if not origin:
            raise NoteError("empty origin line")
        if not _DECIMAL.match(size):
            raise NoteError(f"tree size {size!r} is not a decimal number without leading zeros")
        if any(not extension for extension in lines[3:]):
            raise NoteError("empty extension line")
        digest = _b64decode(root)
        if len(digest) != 32:
            raise NoteError("the root hash is not 32 bytes")
        return cls(origin, int(size), digest)
