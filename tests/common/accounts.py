"""Accounts for the web tests: residents and staff, signed up and signed in through the real pages.

sign_up() goes all the way (confirmed, returns the person id); start_sign_up() and confirm()
are its two steps, for the tests of those pages; person() is a second browser signed in."""

from __future__ import annotations

import re
from uuid import UUID

import webtest
from pyramid_mailer import get_mailer

from engage.domain.accounts.model import Role

PASSWORD = "une phrase longue et unique 2017"
LINK = re.compile(r"http://localhost(/compte/[\w/-]+/[\w-]+)")
CARD_NUMBER = re.compile(r"75 \d{4} \d{4} \d")
CARD = {"arrondissement": "11", "age_band": "25-34", "consent": "oui", "newsletter": "non"}
# Who the permission and CSRF tests sign in as: nobody, a resident, and each staff role.
PERSONAS = ["anonymous", "resident", *[role.value for role in Role]]
ADMIN = UUID(int=7)  # who grants roles in with_roles()


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


def outbox(app):
    return get_mailer(app.app.registry).outbox


def last_link(app):
    return LINK.findall(outbox(app)[-1].body)[-1]


def start_sign_up(app, email="camille@exemple.fr", display_name="Camille du 11e", password=PASSWORD, status=303):
    """The sign-up form only (the address still to confirm): returns the response."""
    form = app.get("/compte/inscription").forms["signup"]
    form["name"] = "Camille Martin"
    form["email"] = email
    form["display_name"] = display_name
    form["password"] = password
    form["password_again"] = password
    return form.submit("submit", status=status)


def confirm(app):
    """Follow the last confirmation link sent, and confirm."""
    page = app.get(last_link(app))
    return page.forms["confirm"].submit("submit", status=303)


def log_in(app, email="camille@exemple.fr", password=PASSWORD, status=303):
    form = app.get("/compte/connexion").forms["login"]
    form["email"], form["password"] = email, password
    return form.submit("submit", status=status)


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


def csrf_of(page) -> str:
    """The CSRF token of a page a signed-in visitor sees (the layout's sign-out form carries one)."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def request_card(app, **values):
    form = app.get("/carte").forms["card-request"]
    for name, value in {**CARD, **values}.items():
        form[name] = value
    return form.submit("submit", status=303).follow()


def confirmed(app, email, display_name, role=None):
    """A signed-up, confirmed person (not signed in), with `role` if given (self-granted); returns their id."""
    start_sign_up(app, email=email, display_name=display_name)
    confirm(app)
    engage = services(app)
    person_id = engage.app.find_person_by_email(email)
    if role:
        engage.app.grant_role(person_id, role, granted_by=person_id)
        engage.engine.catch_up()
    return person_id


def with_roles(app, email, display_name, *roles):
    """A signed-up, confirmed resident with these roles, signed in on `app`; returns their person id."""
    start_sign_up(app, email=email, display_name=display_name)
    confirm(app)
    engage = services(app)
    person_id = engage.app.find_person_by_email(email)
    for role in roles:
        engage.app.grant_role(person_id, role, granted_by=ADMIN)
    engage.engine.catch_up()
    log_in(app, email=email)
    return person_id


def person(app: webtest.TestApp, email: str, display_name: str, *, role: Role | None = None) -> webtest.TestApp:
    """A new browser (cookie jar) on the same app, signed in as a new confirmed person."""
    engage = services(app)
    signed = engage.accounts.sign_up(name="Test " + display_name, email=email, display_name=display_name,
                                     password=PASSWORD)
    engage.wait_for(engage.accounts.confirm_email(signed.confirmation_token))  # the people read model knows them
    if role:
        engage.wait_for(engage.app.grant_role(signed.person_id, role, granted_by=signed.person_id))
    browser = webtest.TestApp(app.app)
    log_in(browser, email)
    browser.person_id = signed.person_id
    return browser


def another_browser(app: webtest.TestApp, email: str = "camille@exemple.fr") -> webtest.TestApp:
    """A second browser of the same person, signed in on its own (a second session)."""
    browser = webtest.TestApp(app.app)
    log_in(browser, email)
    return browser


def copied_cookies(app: webtest.TestApp, into=None) -> webtest.TestApp:
    """A browser holding a copy of every cookie of `app` (a stolen cookie jar), on `into`'s WSGI
    application if given (another web process), else on the same one."""
    thief = webtest.TestApp((into or app).app)
    for name, value in app.cookies.items():
        thief.set_cookie(name, value)
    return thief
