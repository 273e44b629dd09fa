import pytest
import webtest

from engage import main
from tests.conftest import app_settings


@pytest.fixture
def make_app(database_url):
    """Build the WSGI app on this test's database; every app built is closed afterwards."""
    built = []

    def make(**overrides):
        wsgi = main({}, **app_settings(database_url, **overrides))
        built.append(wsgi)
        return webtest.TestApp(wsgi)

    yield make
    for wsgi in built:
        wsgi.registry.engage.close()


@pytest.fixture
def testapp(make_app):
    return make_app()
