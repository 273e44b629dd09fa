"""The vault's key-encryption keys (KEK): held outside the database, like the log's signing key.

Each person's key is stored wrapped (AES-256-GCM) by a KEK, with the person id and the
KEK's id as associated data, and the KEK's id beside it: a database dump without the KEK
opens nothing, and several KEKs can coexist while one replaces another
(`engage-rotate-kek`).

Settings:
- ``ENGAGE_VAULT_KEK`` (environment only): the current KEK itself, base64 (32 bytes);
  it wins over the file;
- ``engage.vault.kek_path`` (or ENGAGE_VAULT_KEK_PATH): the current KEK's file (mode 0600);
  new keys are wrapped by the current KEK;
- ``engage.vault.previous_kek_paths``: earlier KEKs' files, read only, while a rotation
  rewraps their rows (space-separated);
- ``engage.vault.create_kek``: create a missing KEK file (development only; production.ini
  says false, so production refuses to start without its KEK). No KEK at all: no start.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from engage.secretfile import write_new_secret

log = logging.getLogger(__name__)

KEK_ENVIRONMENT = "ENGAGE_VAULT_KEK"
KEK_PATH = "engage.vault.kek_path"
PREVIOUS_KEK_PATHS = "engage.vault.previous_kek_paths"
CREATE_KEK = "engage.vault.create_kek"


class KekError(RuntimeError):
    """A KEK is missing, malformed, or does not open a wrapped key."""


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on", "y"}


@dataclass(frozen=True)
class Kek:
    key: bytes = field(repr=False)

    @property
    def id(self) -> str:
        """Derived from the key: a row's KEK id can never name the wrong key."""
        return hashlib.sha256(b"engage-vault-kek\x00" + self.key).hexdigest()[:16]

    @classmethod
    def generate(cls) -> "Kek":
        return cls(AESGCM.generate_key(bit_length=256))

    @classmethod
    def parse(cls, text: str) -> "Kek":
        try:
            key = base64.b64decode(text.strip(), validate=True)
        except (binascii.Error, ValueError) as error:
            raise KekError(f"not a base64 key: {error}") from error
        if len(key) != 32:
            raise KekError(f"a KEK is 32 bytes, this one is {len(key)}")
        return cls(key)

    def __str__(self) -> str:
        return base64.b64encode(self.key).decode()


def _associated_data(person: str, kek_id: str) -> bytes:
    return f"engage-vault-key:{person}:{kek_id}".encode()


class Keyring:
    """The current KEK (wraps new keys) and earlier ones (open rows not yet rewrapped)."""

    def __init__(self, current: Kek, previous: Iterable[Kek] = ()):
        self.current = current
        self.by_id = {kek.id: kek for kek in [*previous, current]}

    def wrap(self, person: str, key: bytes) -> tuple[str, str]:
        """(kek id, wrapped key in base64) for the person whose id (hex) is `person`."""
        kek = self.current
        nonce = os.urandom(12)
        wrapped = AESGCM(kek.key).encrypt(nonce, key, _associated_data(person, kek.id))
        return kek.id, base64.b64encode(nonce + wrapped).decode()

    def unwrap(self, person: str, kek_id: str, wrapped_b64: str) -> bytes:
        kek = self.by_id.get(kek_id)
        if kek is None:
            raise KekError(
                f"a personal key is wrapped by the KEK {kek_id}, which is not configured: add its file"
                f" to {PREVIOUS_KEK_PATHS} (or finish the rotation that replaced it)"
            )
        raw = base64.b64decode(wrapped_b64)
        try:
            return AESGCM(kek.key).decrypt(raw[:12], raw[12:], _associated_data(person, kek_id))
        except InvalidTag as error:
            raise KekError(f"the key of {person} does not open with the KEK {kek_id}: altered row") from error


def read_kek(path: Path) -> Kek:
    try:
        return Kek.parse(Path(path).read_text())
    except KekError as error:
        raise KekError(f"{path} is not a vault KEK: {error}") from error


def write_kek(path: Path, kek: Kek) -> None:
    """Write a new KEK file, readable by its owner only; never overwrite one."""
    write_new_secret(path, f"{kek}\n", prefix=".vault-kek-")


def ensure_kek(path: Path) -> Kek:
    """The KEK in `path`, created first if the file does not exist."""
    path = Path(path)
    if not path.exists():
        try:
            write_kek(path, Kek.generate())
            log.warning("created the vault's key-encryption key %s", path)
        except FileExistsError:
            pass  # another process created it meanwhile: use theirs
    return read_kek(path)


def keyring_from_settings(settings: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> Keyring:
    previous = [read_kek(Path(p)) for p in str(settings.get(PREVIOUS_KEK_PATHS) or "").split()]
    if environ.get(KEK_ENVIRONMENT):
        try:
            return Keyring(Kek.parse(environ[KEK_ENVIRONMENT]), previous)
        except KekError as error:
            raise KekError(f"{KEK_ENVIRONMENT} is not a vault KEK: {error}") from error
    path = settings.get(KEK_PATH)
    create = _truthy(settings.get(CREATE_KEK, "false"))
    if not path:
        raise KekError(
            f"set {KEK_PATH} (or ENGAGE_VAULT_KEK_PATH) to the vault's key-encryption key file, or"
            f" {KEK_ENVIRONMENT} to the key itself: personal keys are never stored unwrapped"
        )
    path = Path(path)
    if not path.exists() and not create:
        raise KekError(
            f"the vault's key-encryption key {path} does not exist: create it once with"
            f" `engage-rotate-kek <ini> --new {path}`, and keep it apart from the database backups"
        )
    return Keyring(ensure_kek(path) if create else read_kek(path), previous)
