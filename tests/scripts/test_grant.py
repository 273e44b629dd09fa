"""engage-grant, the console script that makes the first admin, run as a real process."""

import subprocess
import sys
from pathlib import Path

from engage.services import Engage
from tests.conftest import app_settings

BIN = Path(sys.executable).parent


def write_ini(tmp_path, database_url):
    settings = app_settings(database_url)
    ini = tmp_path / "test.ini"
    ini.write_text("[app:main]\nuse = egg:engage\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
    return ini


def test_engage_grant_makes_an_admin(database_url, tmp_path):
    engage = Engage.from_settings(app_settings(database_url), run_projections=False)
    try:
        signed_up = engage.accounts.sign_up(name="Alix Admin", email="alix@exemple.fr",
                                            display_name="Alix", password="une phrase longue et unique 2017")
        engage.app.confirm_email(signed_up.person_id)
    finally:
        engage.close()
    ini = write_ini(tmp_path, database_url)
    run = subprocess.run([BIN / "engage-grant", str(ini), "alix@exemple.fr", "admin"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "alix@exemple.fr is now admin" in run.stdout
    unknown = subprocess.run([BIN / "engage-grant", str(ini), "nobody@exemple.fr", "admin"], capture_output=True, text=True)
    assert unknown.returncode == 1 and "no account" in unknown.stderr
    bad_role = subprocess.run([BIN / "engage-grant", str(ini), "alix@exemple.fr", "king"], capture_output=True, text=True)
    assert bad_role.returncode == 2 and "unknown role" in bad_role.stderr
    engage = Engage.from_settings(app_settings(database_url), run_projections=False)
    try:
        engage.engine.catch_up()
        from engage.projections.accounts import queries as account_queries
        assert account_queries.person(engage.db, signed_up.person_id).roles == {"admin"}
    finally:
        engage.close()


def test_engage_demo_prints_the_demo_staff_accounts(database_url, tmp_path):
    ini = write_ini(tmp_path, database_url)
    run = subprocess.run([BIN / "engage-demo", str(ini)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "DEMO ONLY" in run.stdout and "admin@exemple.fr" in run.stdout and "resident@exemple.fr" in run.stdout
    engage = Engage.from_settings(app_settings(database_url), run_projections=False)
    try:
        engage.engine.catch_up()
        from engage.projections.accounts import queries as account_queries
        from engage.scripts.demo import DEMO_STAFF
        for role, (email, _) in DEMO_STAFF.items():
            assert account_queries.person(engage.db, engage.app.find_person_by_email(email)).roles == {role}
    finally:
        engage.close()
