"""Console scripts: engage-demo, engage-projections, engage-rebuild."""

import datetime
import logging
import sys
from zoneinfo import ZoneInfo

from pyramid.paster import get_appsettings, setup_logging

from engage.kek import KekError
from engage.public_url import PublicURLError
from engage.services import Engage
from engage.settings import apply_environment
from engage.transparency.keyfile import KeyFileError

# What the application raises when a setting or a key is missing or wrong: the operator's to fix.
REFUSALS = (ValueError, KekError, KeyFileError, PublicURLError)


def load(ini: str, *, run_projections: bool = False) -> Engage:
    setup_logging(ini)
    settings = apply_environment(dict(get_appsettings(ini)))
    return Engage.from_settings(settings, run_projections=run_projections)


def load_with_web_services(ini: str) -> Engage:
    """The services as the web application wires them: its mailer, and its routes for the links
    in mails. For processes that act without a request and write to people (the projection
    groups, whose support policy mails an author). Never runs the projections in this process,
    whatever the ini or the environment says: the caller does."""
    from engage import main

    setup_logging(ini)
    settings = apply_environment(dict(get_appsettings(ini)))
    try:
        engage = main({}, **settings).registry.engage
    except REFUSALS as error:  # "set ENGAGE_PUBLIC_URL...": one line, not a traceback
        usage(f"{ini}: engage refused to start: {error}")
    if engage.worker is not None:
        engage.worker.stop()
        engage.worker = None
    return engage


def usage(text: str) -> None:
    print(text, file=sys.stderr)
    raise SystemExit(2)


log = logging.getLogger("engage.scripts")


PARIS = ZoneInfo("Europe/Paris")


def paris_time(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A date and time in Paris, as the demo's reconstructed historical acts are dated."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)
