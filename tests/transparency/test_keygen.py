"""engage-keygen, and a web process that refuses to start without its log's key."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from engage.transparency.keyfile import KeyFileError, read_key, signer_from_settings
from engage.transparency.note import Verifier

BIN = Path(sys.executable).parent


def keygen(*args, env=None):
    return subprocess.run(
        [BIN / "engage-keygen", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_keygen_creates_a_private_key_file_and_prints_the_verifier_key(tmp_path):
    path = tmp_path / "keys" / "transparency.key"
    created = keygen(path, "--origin", "paris.engage.example/log")
    assert created.returncode == 0, created.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("PRIVATE+KEY+paris.engage.example/log+")
    verifier = Verifier.parse(created.stdout)
    assert verifier == read_key(path).verifier

    again = keygen(path, "--origin", "paris.engage.example/log")
    assert again.returncode == 1 and "never replaced" in again.stderr
    assert Verifier.parse(again.stdout) == verifier  # the same key, untouched


def test_keygen_reads_the_ini_and_the_environment(tmp_path):
    ini = tmp_path / "site.ini"
    ini.write_text(
        "[app:main]\nuse = egg:engage\nengage.transparency.origin = ville.example/log\n"
        "engage.transparency.key_path = %(here)s/from-ini.key\n"
    )
    assert keygen(ini).returncode == 0
    assert read_key(tmp_path / "from-ini.key").name == "ville.example/log"
    moved = keygen(ini, env={"ENGAGE_TRANSPARENCY_KEY_PATH": str(tmp_path / "from-env.key")})
    assert moved.returncode == 0 and (tmp_path / "from-env.key").exists()


def test_keygen_usage_errors(tmp_path):
    assert keygen().returncode == 2
    assert keygen(tmp_path / "k").returncode == 2  # a path needs --origin
    assert keygen(tmp_path / "k", "--origin", "has space").returncode == 2


def test_production_refuses_to_start_without_its_key(tmp_path):
    settings = {
        "engage.transparency.origin": "paris.engage.example/log",
        "engage.transparency.key_path": str(tmp_path / "missing.key"),
        "engage.transparency.create_key": "false",
    }
    with pytest.raises(KeyFileError, match="engage-keygen"):
        signer_from_settings(settings)
    with pytest.raises(KeyFileError):
        signer_from_settings({"engage.transparency.create_key": "false"})
    assert not (tmp_path / "missing.key").exists()


def test_development_creates_its_key_once_and_checks_its_name(tmp_path):
    settings = {
        "engage.transparency.origin": "localhost/engage",
        "engage.transparency.key_path": str(tmp_path / "var" / "transparency.key"),
    }
    first = signer_from_settings(settings)
    assert stat.S_IMODE((tmp_path / "var" / "transparency.key").stat().st_mode) == 0o600
    assert signer_from_settings(settings).verifier == first.verifier
    with pytest.raises(KeyFileError, match="named"):
        signer_from_settings({**settings, "engage.transparency.origin": "another.example/log"})


def test_the_web_application_does_not_start_without_its_key(database_url, tmp_path):
    from engage import main
    from tests.common.transparency import log_settings

    with pytest.raises(KeyFileError):
        main(
            {},
            **log_settings(
                database_url, tmp_path / "none.key", **{"engage.transparency.create_key": "false"}
            ),
        )
