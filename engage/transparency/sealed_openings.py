"""The openings an accredited auditor downloads, encrypted to the auditor's own key.

The auditor's key pair (`engage-audit --keygen FILE`), X25519:

    FILE      engage-auditor-private-key <base64 of the 32-byte private key>   (mode 0600)
    FILE.pub  engage-auditor-key <base64 of the 32-byte public key>

The public key's line is what the auditor pastes on /transparence/audit-accredite. The
file the site gives back (format 1, binary):

    MAGIC                 b"ENGAGE-OPENINGS-1\\n" (18 bytes)
    ephemeral public key  32 bytes (X25519, raw), drawn for this file alone
    nonce                 12 bytes
    ciphertext            AES-256-GCM, its 16-byte tag at the end

    key = HKDF-SHA256(X25519(ephemeral private, auditor public), length 32,
                      salt = ephemeral public ‖ auditor public, info = b"engage-openings/v1")
    associated data = MAGIC ‖ ephemeral public ‖ auditor public

The plaintext is gzip of canonical JSON: {"format": 1, "origin": log name, "tree_size": n,
"erased": commitments whose opening erasure destroyed, "openings": [{"leaf_index",
"position", "field" (the leaf's field name), "commitment", "person_id", "salt"}, ...]}
for every leaf below tree_size. Only the holder of the auditor's private key reads it;
anyone else (the wrong key included) gets `SealedOpeningsError`.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from engage.secretfile import write_new_secret
from engage.transparency.canonical import canonical_json

MAGIC = b"ENGAGE-OPENINGS-1\n"
INFO = b"engage-openings/v1"
PUBLIC_PREFIX = "engage-auditor-key"
PRIVATE_PREFIX = "engage-auditor-private-key"
FORMAT = 1
_RAW = serialization.Encoding.Raw


class SealedOpeningsError(ValueError):
    """A key or a file that cannot be used; the message says why (in English: the CLI's)."""


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(_RAW, serialization.PublicFormat.Raw)


def public_key_text(key: X25519PublicKey) -> str:
    return f"{PUBLIC_PREFIX} {base64.b64encode(_raw_public(key)).decode()}"


def _decode(text: str, prefix: str, what: str) -> bytes:
    parts = text.strip().split()
    if len(parts) == 1:
        parts = [prefix, parts[0]]  # the base64 alone is accepted too
    if len(parts) != 2 or parts[0] != prefix:
        raise SealedOpeningsError(f"not an {what}: expected a line '{prefix} <base64>'")
    try:
        raw = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise SealedOpeningsError(f"not an {what}: invalid base64") from None
    if len(raw) != 32:
        raise SealedOpeningsError(f"not an {what}: an X25519 key is 32 bytes, this one {len(raw)}")
    return raw


def parse_public_key(text: str) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(_decode(text, PUBLIC_PREFIX, "auditor's public key"))


def parse_private_key(text: str) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(_decode(text, PRIVATE_PREFIX, "auditor's private key"))


def keygen(path: Path | str) -> tuple[Path, str]:
    """Write a new key pair: the private key at `path` (mode 0600, never overwritten), the
    public key beside it (`path`.pub). Returns the public key file and its line."""
    path = Path(path)
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public_path = path.with_name(path.name + ".pub")
    if public_path.exists():
        raise FileExistsError(public_path)
    write_new_secret(path, f"{PRIVATE_PREFIX} {base64.b64encode(raw).decode()}\n", prefix=".auditor-key-")
    line = public_key_text(private.public_key())
    public_path.write_text(line + "\n")
    return public_path, line


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=INFO).derive(shared)


def seal(document: dict[str, Any], recipient: X25519PublicKey) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_raw, recipient_raw = _raw_public(ephemeral.public_key()), _raw_public(recipient)
    key = _key(ephemeral.exchange(recipient), ephemeral_raw, recipient_raw)
    nonce = os.urandom(12)
    plaintext = gzip.compress(canonical_json(document), mtime=0)
    sealed = AESGCM(key).encrypt(nonce, plaintext, MAGIC + ephemeral_raw + recipient_raw)
    return MAGIC + ephemeral_raw + nonce + sealed


def unseal(data: bytes, private: X25519PrivateKey) -> dict[str, Any]:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 32 + 12 + 16:
        raise SealedOpeningsError("not an engage openings file (format 1)")
    body = data[len(MAGIC):]
    ephemeral_raw, nonce, sealed = body[:32], body[32:44], body[44:]
    recipient_raw = _raw_public(private.public_key())
    try:
        key = _key(private.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw)), ephemeral_raw,
                   recipient_raw)
        plaintext = AESGCM(key).decrypt(nonce, sealed, MAGIC + ephemeral_raw + recipient_raw)
    except (InvalidTag, ValueError):
        raise SealedOpeningsError(
            "the openings file does not decrypt with this key: it was made for another key, or altered"
        ) from None
    document = json.loads(gzip.decompress(plaintext))
    if document.get("format") != FORMAT:
        raise SealedOpeningsError(f"unknown openings format {document.get('format')!r}")
    return document
