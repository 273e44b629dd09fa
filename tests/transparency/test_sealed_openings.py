"""The openings file: X25519 + HKDF-SHA256 + AES-256-GCM to the auditor's key. No app, no database."""

from __future__ import annotations

import pytest

from engage.transparency.sealed_openings import (
    MAGIC,
    SealedOpeningsError,
    keygen,
    parse_private_key,
    parse_public_key,
    seal,
    unseal,
)

DOCUMENT = {"format": 1, "origin": "test/log", "tree_size": 2, "erased": 0,
            "openings": [{"leaf_index": 0, "position": 1, "field": "person", "commitment": "ab" * 32,
                          "person_id": "12345678-1234-5678-1234-567812345678", "salt": "00" * 16}]}


@pytest.fixture
def keys(tmp_path):
    public_path, line = keygen(tmp_path / "auditor.key")
    assert public_path.read_text().strip() == line
    assert oct((tmp_path / "auditor.key").stat().st_mode & 0o777) == "0o600"
    return parse_private_key((tmp_path / "auditor.key").read_text()), parse_public_key(line)


def test_only_the_auditors_key_opens_the_file(keys, tmp_path):
    private, public = keys
    sealed = seal(DOCUMENT, public)
    assert sealed.startswith(MAGIC) and b"12345678" not in sealed
    assert unseal(sealed, private) == DOCUMENT
    assert seal(DOCUMENT, public) != sealed  # a fresh ephemeral key and nonce every time
    keygen(tmp_path / "other.key")
    other = parse_private_key((tmp_path / "other.key").read_text())
    with pytest.raises(SealedOpeningsError, match="does not decrypt with this key"):
        unseal(sealed, other)
    altered = bytearray(sealed)
    altered[-1] ^= 1
    with pytest.raises(SealedOpeningsError, match="does not decrypt"):
        unseal(bytes(altered), private)
    with pytest.raises(SealedOpeningsError, match="not an engage openings file"):
        unseal(b"something else", private)


def test_keys_are_checked_and_never_overwritten(keys, tmp_path):
    for text in ("", "engage-auditor-key", "engage-auditor-key !!!", "engage-auditor-key c2hvcnQ=",
                 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"):
        with pytest.raises(SealedOpeningsError):
            parse_public_key(text)
    with pytest.raises(SealedOpeningsError):
        parse_private_key((tmp_path / "auditor.key.pub").read_text())  # the public half is not the private one
    with pytest.raises(FileExistsError):
        keygen(tmp_path / "auditor.key")
