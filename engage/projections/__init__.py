"""Read models: plain SQL tables built from the event log, one owner projection each."""

from .base import Projection
from .cards import CardsProjection

ALL_PROJECTIONS: tuple[type[Projection], ...] = (CardsProjection,)

__all__ = ["ALL_PROJECTIONS", "Projection"]
