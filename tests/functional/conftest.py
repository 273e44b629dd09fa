"""The web fixtures (make_app, testapp) live in tests/conftest.py, for every test directory."""

from tests.conftest import make_app, testapp  # noqa: F401  (older imports of this module)
