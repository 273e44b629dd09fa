"""engage.public_url: required (production refuses to start without it), validated, and the
one base of every absolute URL built without trusting the request (issue 16)."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

from engage.public_url import PublicURLError, base_from, public_url
from engage.settings import apply_environment

ROOT = Path(__file__).resolve().parents[1]


def ini(name: str) -> dict:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / name)
    return dict(parser["app:main"])


def test_production_refuses_to_start_without_a_public_url(make_app):
    assert not ini("production.ini").get("engage.public_url")
    with pytest.raises(PublicURLError, match="ENGAGE_PUBLIC_URL"):
        make_app(**{"engage.public_url": ""})


@pytest.mark.parametrize("value", ["paris.example", "ftp://paris.example", "https://", "https://paris.example/?a=1",
                                   "https://paris.example/#x", "javascript:alert(1)", "https://user@paris.example"])
def test_a_malformed_public_url_is_refused(value):
    with pytest.raises(PublicURLError):
        base_from({"engage.public_url": value})


def test_the_environment_gives_the_public_url_and_development_has_one():
    settings = apply_environment({}, {"ENGAGE_PUBLIC_URL": "https://participez.paris.example/"})
    assert base_from(settings) == "https://participez.paris.example"
    assert base_from(ini("development.ini")) == "http://localhost:6543"


def test_public_url_joins_the_route_path_to_the_base(testapp):
    registry = testapp.app.registry
    registry.settings["engage.public_url"] = "https://participez.paris.example/engage/"
    url = public_url(registry, "reset_password", token="a b", _query={"x": "1"}, _anchor="fin")
    assert url == "https://participez.paris.example/engage/compte/mot-de-passe/a%20b?x=1#fin"
