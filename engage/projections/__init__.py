"""Read models: plain SQL tables built from the event log, one owner projection each."""

# Each capability's lines of the resident's history register themselves on import.
import engage.projections.accounts.history  # noqa: F401
import engage.projections.charter.history  # noqa: F401
import engage.projections.consultations.history  # noqa: F401
import engage.projections.organizations.history  # noqa: F401
import engage.projections.workshops.history  # noqa: F401
from engage.domain.common import PersonalDataVault
from engage.projections.accounts.people import PeopleProjection
from engage.projections.accounts.staff import StaffProjection
from engage.projections.base import Projection
from engage.projections.cards.lifecycle import CardLifecycleProjection
from engage.projections.cards.projection import CardsProjection
from engage.projections.charter.projection import CharterProjection
from engage.projections.charter.provenance import CharterProvenanceProjection
from engage.projections.consultations.feed import ConsultationFeedProjection
from engage.projections.consultations.projection import ConsultationsProjection
from engage.projections.inclusion.projection import InclusionProjection
from engage.projections.members.projection import PBMembersProjection
from engage.projections.opendata.projection import opendata_projections
from engage.projections.organizations.projection import OrganizationsProjection
from engage.projections.participation.projection import ParticipationHistoryProjection
from engage.projections.questionnaires.projection import QuestionnairesProjection
from engage.projections.restitution.projection import RestitutionProjection
from engage.projections.seats.projection import SeatCallsProjection
from engage.projections.transparency.projection import TransparencyProjection
from engage.projections.workshops.projection import WorkshopsProjection


def all_projections(vault: PersonalDataVault, identifier_key: bytes = b"") -> list[Projection]:
    """Every projection of engage, in the order a rebuild runs them."""
    return [
        # First: the public log reaches an event before any published figure counts it,
        # so an auditor can always replay what a tally reflects.
        TransparencyProjection(identifier_key),  # opens sealed actors to commit to them
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
        ConsultationFeedProjection(),  # the consultations' Atom feeds
        CharterProvenanceProjection(),  # provenance: charter ↔ consultation contributions
        InclusionProjection(vault),  # residents: inclusion statistics
        # After the projections of the events it describes (see participation.py).
        ParticipationHistoryProjection(identifier_key),  # opens sealed actors (ballots...)
        # Open data last: its aggregates, then the change feed (engage/projections/opendata.py).
        *opendata_projections(),
    ]


__all__ = ["Projection", "all_projections"]
