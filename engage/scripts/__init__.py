"""Console scripts: engage-demo, engage-projections, engage-rebuild."""

import datetime
import logging
import sys
from zoneinfo import ZoneInfo

from pyramid.paster import get_appsettings, setup_logging

from engage.services import Engage
from engage.settings import apply_environment


def load(ini: str, *, run_projections: bool = False) -> Engage:
    setup_logging(ini)
    settings = apply_environment(dict(get_appsettings(ini)))
    return Engage.from_settings(settings, run_projections=run_projections)


def usage(text: str) -> None:
    print(text, file=sys.stderr)
    raise SystemExit(2)


log = logging.getLogger("engage.scripts")


PARIS = ZoneInfo("Europe/Paris")


def paris_time(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A date and time in Paris, as the demo's reconstructed historical acts are dated."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)
