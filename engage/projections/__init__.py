"""Read models: plain SQL tables built from the event log, one owner projection each."""

from ..domain.personal import PersonalDataVault
from .base import Projection
from .cards import CardsProjection


def all_projections(vault: PersonalDataVault) -> list[Projection]:
    """Every projection of engage, in the order a rebuild runs them."""
    return [CardsProjection(vault)]


__all__ = ["Projection", "all_projections"]
