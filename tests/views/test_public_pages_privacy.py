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


# -- Issue 15, item 8: no public output joins a display name with what a person is or did ----

DISPLAY = "Ysolde des Gobelins"
WORKSHOP = "Atelier singulier du square"


def _populated(testapp):
    """One resident who does everything: a card (13th, 65 and over), a contribution (public,
    signed with her display name), a vote, a workshop attended and its certificate."""
    from datetime import timedelta

    from tests.common.consultations import contribute, create_consultation
    from tests.common.workshops import make_session

    engage = services(testapp)
    app = engage.app
    signed = engage.accounts.sign_up(name="Ysolde Traçable", email="ysolde@exemple.fr", display_name=DISPLAY,
                                     password="un mot de passe bien long 42")
    person = signed.person_id
    app.confirm_email(person)
    card = app.issue_card(name="Ysolde Traçable", email="ysolde@exemple.fr", arrondissement=13,
                          age_band="65-plus", consent_to_consultation=True, person_id=person)
    consultation = create_consultation(app, slug="square")
    mine = contribute(app, consultation, person, text="Ouvrir le square le dimanche matin.").id
    other = contribute(app, consultation, text="Planter des arbres fruitiers.").id
    app.cast_vote(person_id=person, item_id=other, option="pas-d-accord", has_valid_card=True)
    session, facilitator = make_session(app, title=WORKSHOP, arrondissement=13)
    app.register_for_session(session, person, card_ids=[card.card_id])
    starts = app.get_session(session).starts_at
    app.record_attendance(session, {person: True}, by=facilitator, now=starts + timedelta(hours=1))
    code = app.certificate_code(session, person)
    workshop = app.get_session(session).workshop_id
    engage.engine.catch_up()
    values = {"ref": "square", "item": mine.hex, "session_id": session.hex, "workshop_id": workshop.hex}
    extra = [f"/ateliers/verifier?code={code}", f"/consultations/square/contributions/{other.hex}",
             "/transparency/entries?start=0&end=1000"]
    return values, extra


def _path(view, values, registry) -> str:
    import re

    from tests.common.routes import ROUTE_SAMPLES, SAMPLE_VALUES

    names = re.findall(r"\{(\w+)(?::[^}]*)?\}", view.pattern)
    if not names:
        return view.path
    route = registry.introspector.get("routes", view.route)["object"]
    return route.generate({n: values.get(n) or ROUTE_SAMPLES.get(view.route, {}).get(n) or SAMPLE_VALUES[n]
                           for n in names})


def test_no_public_output_joins_a_display_name_with_attributes_or_acts(testapp):
    """Her display name may sign her contribution; it never sits beside her card's
    arrondissement or age band, the workshop she attended, or her vote (item 8)."""
    from engage.opendata import REGISTRY

    values, extra = _populated(testapp)
    anonymous = webtest.TestApp(testapp.app)
    registry = testapp.app.registry
    public = [r for r in route_views(registry) if r.permission in (None, "view") and r.method == "GET"]
    paths = set(extra) | {_path(view, values, registry) for view in public}
    paths |= {f"/api/{d.name}?limit=1000" for d in REGISTRY} | {f"/opendata/{d.name}/{d.name}.csv" for d in REGISTRY}
    bodies = {path: anonymous.get(path, status="*", expect_errors=True).body.decode("utf-8", "replace")
              for path in sorted(paths)}
    signed = [path for path, text in bodies.items() if DISPLAY in text]
    assert signed, "her contribution is public, signed with her display name"
    beside = {"age band": ("65-plus", "65 ans et plus"), "workshop attended": (WORKSHOP,),
              "arrondissement": ("13e arrondissement", '"arrondissement": 13', "arrondissement=13"),
              "vote": ("pas-d-accord\"", "Pas d'accord :")}
    joins = [f"{path} shows {DISPLAY!r} with her {what}" for path in signed for what, needles in beside.items()
             if any(needle in bodies[path] for needle in needles)]
    assert not joins, joins
