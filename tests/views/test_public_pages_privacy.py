"""Every public page and public output shows a pseudonymous display name at most: never a
name, an email or a card number. The routes come from the registry, so new public pages
are scanned too."""

from __future__ import annotations

import io
import zipfile

import webtest

from tests.common.accounts import CARD_NUMBER, log_out, request_card, resident, services
from tests.common.routes import route_views

NAME = "Yolande Pseudoclair"
EMAIL = "yolande.pseudoclair@exemple.fr"


def test_no_public_page_shows_seeded_personal_data(testapp):
    resident(testapp, email=EMAIL, name=NAME, display_name="Yolande du 20e")
    page = request_card(testapp, category="5")
    number = CARD_NUMBER.search(page.text).group(0)
    services(testapp).engine.catch_up()
    log_out(testapp)
    anonymous = webtest.TestApp(testapp.app)
    public = [r for r in route_views(testapp.app.registry) if r.permission in (None, "view") and r.method == "GET"]
    assert len(public) >= 10
    extra = ["/transparency/entries?start=0&end=100", "/transparency/proof/inclusion?index=0&size=2"]
    leaks = []
    for path in [r.path for r in public] + extra:
        body = anonymous.get(path, status="*", expect_errors=True).body
        if body.startswith(b"PK"):  # a zip (open-data package): scan every member
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                body = b"\n".join(archive.read(name) for name in archive.namelist())
        text = body.decode("utf-8", "replace").lower()
        for label, needle in (("name", NAME), ("name", "Pseudoclair"), ("email", EMAIL),
                              ("card number", number), ("card number", number.replace(" ", ""))):
            if needle.lower() in text:
                leaks.append(f"{path} shows the {label}")
    assert not leaks, leaks
