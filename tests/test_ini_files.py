"""The ini files: waitress lets through exactly the largest upload engage accepts."""

import pytest

from engage.headers import max_body_bytes, max_upload_bytes
from tests.common.server import ini_sections


@pytest.mark.parametrize("name", ["development.ini", "production.ini"])
def test_waitress_caps_bodies_at_the_upload_limit(name):
    ini = ini_sections(name)
    app = ini["app:main"]
    assert "engage.max_upload_bytes" in app and "engage.max_body_bytes" in app
    assert int(ini["server:main"]["max_request_body_size"]) == max_upload_bytes(app)
    assert max_body_bytes(app) < max_upload_bytes(app)
    # The documented 65,000-row membership list (about 5 MB) fits.
    assert max_upload_bytes(app) >= 10_000_000


def test_production_names_its_vault_kek_and_never_creates_one():
    app = ini_sections("production.ini")["app:main"]
    assert app["engage.vault.kek_path"] and app["engage.vault.create_kek"] == "false"


def test_production_logs_one_json_object_per_line():
    """Read the ini as logging.config.fileConfig would, without reconfiguring this process's
    logging (pytest's own capture lives there)."""
    import json
    import logging

    from pyramid.path import DottedNameResolver

    ini = ini_sections("production.ini")
    formatter_name = ini["handler_console"]["formatter"]
    formatter = DottedNameResolver().resolve(ini[f"formatter_{formatter_name}"]["class"])()
    record = logging.LogRecord("engage.test", logging.INFO, __file__, 1, "démarré", None, None)
    record.port = 6543
    line = json.loads(formatter.format(record))
    assert line["message"] == "démarré" and line["port"] == 6543 and line["logger"] == "engage.test"
