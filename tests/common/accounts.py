"""Helpers for functional tests: residents and staff, signed in through the real pages."""

from __future__ import annotations

import re

from pyramid_mailer import get_mailer

from engage.domain.accounts.model import Role

PASSWORD = "une phrase longue et unique 2017"
LINK = re.compile(r"http://localhost(/compte/[\w/-]+/[\w-]+)")
CARD_NUMBER = re.compile(r"75 \d{4} \d{4} \d")
CARD = {"arrondissement": "11", "age_band": "25-34", "consent": "oui", "newsletter": "non"}


def services(app):
    return app.app.registry.engage


def sign_up(app, email, *, name="Camille Martin", display_name="Camille du 11e"):
    form = app.get("/compte/inscription").forms["signup"]
    form["name"], form["email"], form["display_name"] = name, email, display_name
    form["password"] = form["password_again"] = PASSWORD
    form.submit("submit", status=303)
    link = LINK.findall(get_mailer(app.app.registry).outbox[-1].body)[-1]
    app.get(link).forms["confirm"].submit("submit", status=303)
    return services(app).app.find_person_by_email(email)


def log_in(app, email, password=PASSWORD):
    form = app.get("/compte/connexion").forms["login"]
    form["email"], form["password"] = email, password
    return form.submit("submit", status=303)


def log_out(app):
    token = app.get("/compte/connexion").forms["login"]["csrf_token"].value
    app.post("/compte/deconnexion", {"csrf_token": token})


def resident(app, email="camille@exemple.fr", **kwargs):
    """A confirmed resident, signed in; returns their person id."""
    person_id = sign_up(app, email, **kwargs)
    log_in(app, email)
    return person_id


def staff(app, role: Role, email=None):
    """A confirmed staff member with `role`, signed in; returns their person id."""
    email = email or f"{role.value}@ville.exemple"
    person_id = sign_up(app, email, name=f"Agent {role.value}", display_name=f"Agent {role.value}")
    engage = services(app)
    engage.wait_for(engage.app.grant_role(person_id, role, granted_by=person_id))
    log_in(app, email)
    return person_id


def request_card(app, **values):
    form = app.get("/carte").forms["card-request"]
    for name, value in {**CARD, **values}.items():
        form[name] = value
    return form.submit("submit", status=303).follow()
