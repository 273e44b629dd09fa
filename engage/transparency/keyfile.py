"""The log's signing key: a file of its own, outside the repository and the database.

Settings:
- ``engage.transparency.origin``: the log's name, first line of every checkpoint and
  name of the key (e.g. ``paris.engage.example/log``);
- ``engage.transparency.key_path`` (or ENGAGE_TRANSPARENCY_KEY_PATH): the key file
  `engage-keygen` writes (mode 0600);
- ``engage.transparency.create_key``: create a missing key file (development and
  tests; production.ini says false, so production refuses to start without its key).
  With no key path at all it signs with a throwaway key, fit only for tests.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

from engage.secretfile import write_new_secret
from engage.transparency.note import NoteError, Signer

log = logging.getLogger(__name__)

ORIGIN = "engage.transparency.origin"
KEY_PATH = "engage.transparency.key_path"
CREATE_KEY = "engage.transparency.create_key"
CHECKPOINT_INTERVAL = "engage.transparency.checkpoint_interval"
DEFAULT_ORIGIN = "localhost/engage"
DEFAULT_CHECKPOINT_INTERVAL = 60.0


class KeyFileError(RuntimeError):
    """The signing key is missing or does not belong to this log."""


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on", "y"}


def origin_from(settings: Mapping[str, Any]) -> str:
    return str(settings.get(ORIGIN) or DEFAULT_ORIGIN).strip()


def checkpoint_interval_from(settings: Mapping[str, Any]) -> float:
    return float(settings.get(CHECKPOINT_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL))


def signer_from_settings(settings: Mapping[str, Any]) -> Signer:
    origin = origin_from(settings)
    create = _truthy(settings.get(CREATE_KEY, "true"))
    path = settings.get(KEY_PATH)
    if not path:
        if not create:
            raise KeyFileError(
                f"set {KEY_PATH} (or ENGAGE_TRANSPARENCY_KEY_PATH)"
                " to the key `engage-keygen <ini>` created"
            )
        log.warning("no %s: checkpoints are signed with a throwaway key (tests only)", KEY_PATH)
        return Signer.generate(origin)
    path = Path(path)
    if not path.exists():
        if not create:
            raise KeyFileError(
                f"the transparency log's key {path} does not exist: create it once with"
                " `engage-keygen <ini>` and publish the verifier key it prints"
            )
        try:
            write_key(path, Signer.generate(origin))
            log.warning("created the transparency log's signing key %s", path)
        except FileExistsError:
            pass  # another process created it meanwhile: use theirs
    signer = read_key(path)
    if signer.name != origin:
        raise KeyFileError(f"the key {path} is named {signer.name!r}, but {ORIGIN} is {origin!r}")
    return signer


def read_key(path: Path) -> Signer:
    try:
        return Signer.parse(path.read_text())
    except NoteError as error:
        raise KeyFileError(f"{path} is not a signer key: {error}") from error


def write_key(path: Path, signer: Signer) -> None:
    """Write a new key file, readable by its owner only; never overwrite one."""
    write_new_secret(path, f"{signer}\n", prefix=".transparency-key-")
