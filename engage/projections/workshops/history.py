"""History lines for the Ateliers Citoyens: a resident's registrations and attendance."""

from __future__ import annotations

from engage.domain.workshops.model import Workshop, WorkshopFeedback
from engage.domain.workshops.model import WorkshopSession as S
from engage.i18n import _
from engage.projections.participation.projection import Entry, describes, sealed_actor_line


def _line(summary):
    def describe(event, ctx):
        return Entry(event.person_id, "workshop", summary)

    return describe


describes(S.SessionRegistered)(_line(_("Inscription à une séance d'atelier")))
describes(S.SessionWaitlisted)(_line(_("Inscription en liste d'attente d'une séance d'atelier")))
describes(S.WaitlistPromoted)(_line(_("Place obtenue depuis la liste d'attente")))
describes(S.RegistrationCancelled)(_line(_("Désinscription d'une séance d'atelier")))


@describes(S.AttendanceRecorded)
def attended(event, ctx):
    if not event.present:
        return None
    return Entry(event.person_id, "workshop", _("Présence à une séance d'atelier"))


@describes(Workshop.WorkshopCreated)
def workshop_created(event, ctx):
    ctx.name(event.originator_id, event.title)


@describes(S.SessionScheduled)
def session_scheduled(event, ctx):
    ctx.name(event.originator_id, ctx.title_of(event.workshop_id))


# The feedback's id is keyed and its event names nobody: the author is sealed.
describes(WorkshopFeedback.FeedbackGiven)(sealed_actor_line(
    "sealed_author", "workshop", _("Avis donné sur l'atelier « ${title} » (note ${rating} sur 5)"),
    lambda e, ctx: {"title": ctx.title_of(e.session_id), "rating": e.rating}))
