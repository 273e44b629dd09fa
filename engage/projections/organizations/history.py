"""History lines for organizations and seats by lot: representation, volunteering, the draw.

A representative is public (the organization's page names them by display name). A
volunteer's id in a call is keyed (the published list is pseudonymous): the claim carries
the person sealed (`sealed_volunteer`), so the draw can tell each selected volunteer.
"""

from __future__ import annotations

from uuid import UUID

from engage.domain.organizations.model import Organization
from engage.domain.seats.model import SeatCall, VolunteerClaim
from engage.i18n import _
from engage.projections.participation.projection import Entry, describes, sealed_actor_line


@describes(Organization.OrganizationRegistered)
def organization_registered(event, ctx):
    ctx.name(event.originator_id, event.name)


@describes(Organization.RepresentativeAttached)
def attached(event, ctx):
    return Entry(event.person_id, "organization", _("Désigné·e représentant·e de « ${organization} »"),
                 {"organization": ctx.title_of(event.originator_id)})


@describes(Organization.RepresentativeDetached)
def detached(event, ctx):
    return Entry(event.person_id, "organization", _("N'est plus représentant·e de « ${organization} »"),
                 {"organization": ctx.title_of(event.originator_id)})


@describes(SeatCall.SeatCallOpened)
def call_opened(event, ctx):
    ctx.name(event.originator_id, event.title)


describes(VolunteerClaim.VolunteerClaimed)(sealed_actor_line(
    "sealed_volunteer", "seat", _("Candidature au tirage au sort « ${call} »"),
    lambda e, ctx: {"call": ctx.title_of(e.call_id)}, remember=True))


@describes(SeatCall.SeatsDrawn)
def drawn(event, ctx):
    entries = []
    for volunteer_id in event.selected:
        person = ctx.person_of(UUID(volunteer_id))
        if person is not None:
            entries.append(Entry(person, "seat", _("Tiré·e au sort pour siéger : « ${call} »"),
                                 {"call": ctx.title_of(event.originator_id)}))
    return entries
