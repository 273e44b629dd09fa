"""The console scripts, run as real processes against a real database."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engage.scripts.demo import load_demo

BIN = Path(sys.executable).parent


def write_ini(tmp_path, database_url):
    ini = tmp_path / "test.ini"
    ini.write_text(
        "[app:main]\nuse = egg:engage\n"
        f"engage.database_url = {database_url}\n"
        "engage.session_secret = test-only\n"
        "engage.identifier_key = test-card-number-key-0123456789\n"
        # engage-projections wires the web application's mailer and routes: it needs them too.
        "engage.public_url = http://localhost\n"
        "engage.mailer = outbox\n"
    )
    return str(ini)


@pytest.fixture
def ini(tmp_path, database_url):
    return write_ini(tmp_path, database_url)


def test_demo_loads_once(ini):
    first = subprocess.run([BIN / "engage-demo", ini], capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([BIN / "engage-demo", ini], capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and "already present" in second.stdout


def test_rebuild_replays_with_a_progress_bar(ini, engage_services):
    load_demo(engage_services, cards=25)
    before = engage_services.engine.positions()
    result = subprocess.run([BIN / "engage-rebuild", ini, "cards"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "cards" in result.stderr and "event" in result.stderr
    assert engage_services.engine.positions() == before


def test_rebuild_refuses_an_unknown_read_model(ini):
    result = subprocess.run([BIN / "engage-rebuild", ini, "nothing"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "unknown read model" in result.stderr


def test_projection_process_follows_the_log_and_stops_cleanly(ini, engage_services):
    engage_services.app.issue_card(name="A B", email="a@exemple.fr", arrondissement=4,
                                   age_band="18-24", consent_to_consultation=True)
    worker = subprocess.Popen([BIN / "engage-projections", ini], stderr=subprocess.PIPE, text=True)
    try:
        head = engage_services.engine.head()
        engage_services.engine.wait_for(head, timeout=30)
        # It keeps following: a card issued now reaches the read model without a restart.
        issued = engage_services.app.issue_card(name="C D", email="c@exemple.fr", arrondissement=4,
                                                age_band="18-24", consent_to_consultation=True)
        engage_services.engine.wait_for(issued.position, timeout=30)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 0, stderr


def test_the_projections_refuse_to_start_without_a_public_url_in_one_line(tmp_path, database_url):
    """Its mails link to pages: like the web application, it names the missing setting and exits 2."""
    ini = tmp_path / "no-url.ini"
    ini.write_text(write_ini(tmp_path, database_url) and (tmp_path / "test.ini").read_text()
                   .replace("engage.public_url = http://localhost\n", ""))
    result = subprocess.run([BIN / "engage-projections", str(ini)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "ENGAGE_PUBLIC_URL" in result.stderr and "Traceback" not in result.stderr


def test_scripts_print_usage_without_arguments():
    for script in ("engage-demo", "engage-projections", "engage-rebuild"):
        result = subprocess.run([BIN / script], capture_output=True, text=True, timeout=60)
        assert result.returncode == 2 and "usage" in result.stderr
