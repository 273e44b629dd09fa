"""Mail links are built from the configured public URL (engage.public_url), never from the
request's Host or a forwarded host: a forged Host must not receive a reset token (issue 16)."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
import webtest
from waitress.proxy_headers import proxy_headers_middleware

from tests.common.accounts import PASSWORD, outbox, services, start_sign_up

PUBLIC = "https://participez.paris.example"
ROOT = Path(__file__).resolve().parents[3]
LINKS = re.compile(r"https?://[^\s/]+/compte/[\w/-]+")


def production_proxy(wsgi):
    """The app behind waitress's proxy-header handling, set up as production.ini sets it."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "production.ini")
    server = parser["server:main"]
    wrapped = proxy_headers_middleware(
        wsgi, trusted_proxy=server.get("trusted_proxy"),
        trusted_proxy_headers=set(server.get("trusted_proxy_headers", "").split()))
    return webtest.TestApp(wrapped, extra_environ={"REMOTE_ADDR": "127.0.0.1"})


def forged(make_app, how):
    app = make_app(**{"engage.public_url": PUBLIC})
    if how == "host":
        app.extra_environ = {"HTTP_HOST": "evil.example"}
        return app, app
    proxied = production_proxy(app.app)
    proxied.extra_environ["HTTP_X_FORWARDED_HOST"] = "evil.example"
    return app, proxied


def links(app):
    return LINKS.findall(outbox(app)[-1].body)


@pytest.mark.parametrize("how", ["host", "x-forwarded-host"])
def test_the_reset_link_goes_to_the_public_url_whatever_the_host(make_app, how):
    app, client = forged(make_app, how)
    accounts = services(app).accounts
    accounts.confirm_email(accounts.sign_up(name="Camille Martin", email="camille@exemple.fr",
                                            display_name="Camille du 11e", password=PASSWORD).confirmation_token)
    form = client.get("/compte/mot-de-passe-oublie").forms["reset-request"]
    form["email"] = "camille@exemple.fr"
    form.submit("submit", status=303)
    found = links(app)
    assert found and all(link.startswith(f"{PUBLIC}/compte/mot-de-passe/") for link in found)
    assert "evil.example" not in outbox(app)[-1].body


@pytest.mark.parametrize("how", ["host", "x-forwarded-host"])
def test_the_confirmation_link_goes_to_the_public_url_whatever_the_host(make_app, how):
    app, client = forged(make_app, how)
    start_sign_up(client, "dominique@exemple.fr")
    found = links(app)
    assert found and all(link.startswith(f"{PUBLIC}/compte/confirmer/") for link in found)
    assert "evil.example" not in outbox(app)[-1].body


def test_production_does_not_trust_a_forwarded_host():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "production.ini")
    assert "x-forwarded-host" not in parser["server:main"]["trusted_proxy_headers"].lower().split()
