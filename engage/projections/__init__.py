"""Read models: plain SQL tables built from the event log, one owner projection each."""

from ..domain.personal import PersonalDataVault
from .base import Projection
from .cards import CardsProjection
from .consultations import ConsultationsProjection
from .questionnaires import QuestionnairesProjection
from .charter import CharterProjection
from .restitution import RestitutionProjection
from .people import PeopleProjection
from . import participation_residents, participation_workshops  # noqa: F401  (history describers)
from . import participation_charter, participation_consultations, participation_organizations  # noqa: F401
from .card_lifecycle import CardLifecycleProjection
from .participation import ParticipationHistoryProjection
from .staff import StaffProjection
from .opendata import opendata_projections
from .transparency import TransparencyProjection
from .workshops import WorkshopsProjection
from .members import PBMembersProjection
from .organizations import OrganizationsProjection
from .seats import SeatCallsProjection
from .charter_provenance import CharterProvenanceProjection
from .inclusion import InclusionProjection


def all_projections(vault: PersonalDataVault, identifier_key: bytes = b"") -> list[Projection]:
    """Every projection of engage, in the order a rebuild runs them."""
    return [
        # First: the public log reaches an event before any published figure counts it,
        # so an auditor can always replay what a tally reflects.
        TransparencyProjection(),
        CardsProjection(vault),
        PeopleProjection(),
        ConsultationsProjection(vault),
        QuestionnairesProjection(vault),
        CardLifecycleProjection(vault),
        StaffProjection(),
        WorkshopsProjection(vault, identifier_key),  # certificate codes are keyed
        PBMembersProjection(vault),  # residents-orgs
        OrganizationsProjection(),
        SeatCallsProjection(),
        CharterProjection(),
        RestitutionProjection(vault),  # restitution: counters, answers, quotes, versions
        CharterProvenanceProjection(),  # provenance: charter ↔ consultation contributions
        InclusionProjection(vault),  # residents: inclusion statistics
        # After the projections of the events it describes (see participation.py).
        ParticipationHistoryProjection(identifier_key),  # opens sealed actors (ballots...)
        # Open data last: its aggregates, then the change feed (engage/projections/opendata.py).
        *opendata_projections(),
    ]


__all__ = ["Projection", "all_projections"]
