"""The browser suite's server (the real app behind waitress, with a copy of the demo loaded),
its people and its login form.

(tests/browser/conftest.py serves it per test; journeys that need their own demo use demo_server.)"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from tests.common.accounts import PASSWORD
from tests.common.demo_templates import KEY_SETTINGS, copy_demo
from tests.conftest import CONFIGURED_APPS, app_settings

DEMO_CARDS = 30


class LiveServer:
    """The WSGI app served by waitress on a free loopback port, in a daemon thread."""

    def __init__(self, app):
        from waitress import create_server

        self.app = app
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4,
                                    clear_untrusted_proxy_headers=True)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self._stopping = False
        self.thread = threading.Thread(target=self._run, name="waitress-browser-tests", daemon=True)

    def _run(self):
        try:
            self.server.run()
        except (OSError, ValueError):
            # Closing the sockets from another thread may wake the loop on a dead descriptor.
            if not self._stopping:
                raise

    def start(self) -> "LiveServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        from waitress import wasyncore

        self._stopping = True
        self.server.task_dispatcher.shutdown()
        wasyncore.close_all(self.server._map)
        self.thread.join(timeout=5)


def _load_demo_into(database_url, **demo) -> None:
    from engage.scripts.demo import load_demo
    from engage.services import Engage

    services = Engage.from_settings(app_settings(database_url, **KEY_SETTINGS), run_projections=False)
    try:
        load_demo(services, cards=DEMO_CARDS, **demo)
    finally:
        services.close()


@contextmanager
def demo_server(database_url, setup=None, **demo):
    """engage with the demo (`demo`: load_demo's options), then `setup(services)`, served over HTTP.

    The demo is a copy of one loaded once per worker (tests/common/demo_templates.py)."""
    copy_demo(database_url, lambda url: _load_demo_into(url, **demo), **demo)
    app = CONFIGURED_APPS.acquire(database_url, **KEY_SETTINGS)  # configured once per worker
    services = app.registry.engage
    try:
        if setup is not None:
            setup(services)
        server = LiveServer(app).start()
    except Exception:
        services.close()
        CONFIGURED_APPS.release(app)
        raise
    try:
        yield server
    finally:
        server.stop()
        services.close()
        CONFIGURED_APPS.release(app)


def log_in(page, email, password=PASSWORD, check=None):
    """Sign in through the login form the page shows (`check`: check_accessibility, run first)."""
    if check:
        check(page)
    form = page.locator("form#login")
    form.get_by_label("Adresse électronique").fill(email)
    form.get_by_label("Mot de passe").fill(password)
    form.get_by_role("button", name="Me connecter").click()


def resident(services, email, display_name, *, card=True):
    """A confirmed person (and their card), made through the application; returns their id."""
    person_id = services.accounts.sign_up(name=display_name, email=email, display_name=display_name,
                                          password=PASSWORD).person_id
    services.app.confirm_email(person_id)
    if card:
        services.app.issue_card(name=display_name, email=email, arrondissement=12, age_band="35-49",
                                consent_to_consultation=True, person_id=person_id)
    services.engine.catch_up()
    return person_id


def follow_nav_link(page, name):
    """Follow a link of the main navigation as a visitor does: open its group (a <details>,
    and on a phone the "Menu" around them), then click the link named `name` (exact)."""
    nav = page.get_by_role("navigation", name="Navigation principale")
    link = page.get_by_role("link", name=name, exact=True, include_hidden=True)
    for details in (nav.locator("details.nav-menu"), nav.locator("li.nav-group > details").filter(has=link)):
        if details.count() and details.locator("> summary").is_visible() and details.get_attribute("open") is None:
            details.locator("> summary").click()
    nav.get_by_role("link", name=name, exact=True).click()
