"""Workshops, their sessions (with attendance counts) and attendance aggregates."""

from __future__ import annotations

from engage.domain.workshops.model import Workshop, WorkshopFeedback, WorkshopSession
from engage.i18n import _
from engage.opendata.aggregates import attendance_blanks, session_blanks, session_figures
from engage.opendata.registry import UPSERT, Dataset, Field, ForeignKey, Suppression, register
from engage.opendata.registry import own_record as own
from engage.projections.workshops.queries import held_sessions

S = WorkshopSession


register(Dataset(
    name="workshops",
    title=_("Ateliers"),
    description=_("Le catalogue des ateliers de la Ville : titre, thème, présentation, langue, accessibilité."),
    fields=(
        Field("workshop_id", "string", _("Identifiant de l'atelier."), required=True),
        Field("title", "string", _("Titre."), required=True),
        Field("theme", "string", _("Thème."), required=True),
        Field("description", "string", _("Présentation.")),
        Field("language", "string", _("Langue de l'atelier.")),
        Field("accessibility", "string", _("Accessibilité annoncée.")),
        Field("created_at", "datetime", _("Date de création (temps universel)."), required=True),
    ),
    primary_key=("workshop_id",),
    table="rm_workshops",
    projection="workshops",
    filters={"date": "created_at"},
    keywords=("atelier", "formation"),
    changes={Workshop.WorkshopCreated: own},
))

register(Dataset(
    name="workshop-sessions",
    title=_("Sessions des ateliers"),
    description=_(
        "Chaque session d'atelier : date, lieu, capacité, et le nombre d'inscrits, de personnes en"
        " liste d'attente et de présents (vide de 1 à 4). Aucune personne n'y est nommée."
    ),
    fields=(
        Field("session_id", "string", _("Identifiant de la session."), required=True),
        Field("workshop_id", "string", _("L'atelier."), required=True),
        Field("title", "string", _("Titre."), required=True),
        Field("theme", "string", _("Thème."), required=True),
        Field("starts_at", "datetime", _("Début (temps universel)."), required=True),
        Field("ends_at", "datetime", _("Fin (temps universel)."), required=True),
        Field("arrondissement", "integer", _("Arrondissement du lieu ; vide pour une session en ligne."),
              minimum=1, maximum=20),
        Field("place", "string", _("Lieu.")),
        Field("capacity", "integer", _("Nombre de places."), required=True),
        Field("registered", "integer", _(
            "Inscrits ; vide de 1 à 4, ou quand il permettrait de retrouver un petit nombre à partir du"
            " total des inscriptions publié."), column="registered"),
        Field("waitlisted", "integer", _("En liste d'attente ; vide de 1 à 4."), column="waitlisted"),
        Field("present", "integer", _(
            "Présents ; vide de 1 à 4, ou quand il permettrait de retrouver un petit nombre à partir des"
            " présences publiées par lieu (jeu workshop-attendance)."), column="present"),
        Field("cancelled", "boolean", _("Session annulée."), required=True),
        Field("roll_marked", "boolean", _("Les présences ont été relevées."), required=True),
    ),
    primary_key=("session_id",),
    table="rm_workshop_sessions",
    projection="workshops",
    filters={"arrondissement": "arrondissement", "date": "starts_at"},
    foreign_keys=(ForeignKey(("workshop_id",), "workshops", ("workshop_id",)),),
    indexes=(("rm_workshop_sessions", ("arrondissement", "session_id")),),
    # The sessions of a place add up to its published attendance, the sessions not cancelled
    # to the published registrations: one table with the attendance figures' blanks.
    suppression=Suppression((), session_blanks, ("registered", "waitlisted", "present"),
                            context=lambda cur, rows: session_figures(cur)),
    keywords=("atelier", "session", "présence"),
    changes={event_class: own for event_class in (
        S.SessionScheduled, S.SessionRescheduled, S.SessionCancelled, S.SessionRegistered,
        S.SessionWaitlisted, S.RegistrationCancelled, S.WaitlistPromoted, S.AttendanceRecorded)},
))

ATTENDANCE_METRICS = ("total", "place", "arrondissement", "age_band", "feedback")

register(Dataset(
    name="workshop-attendance",
    title=_("Fréquentation des ateliers"),
    description=_(
        "Les chiffres d'ensemble des ateliers : sessions programmées et tenues, inscriptions,"
        " présences par lieu, par arrondissement et par tranche d'âge des participants, notes"
        " données en retour. Un nombre de 1 à 4 n'est pas publié."
    ),
    fields=(
        Field("metric", "string", _("Ce qui est compté : total, place (lieu), arrondissement, age_band"
                                    " (tranche d'âge) ou feedback (note de 1 à 5)."), required=True,
              enum=ATTENDANCE_METRICS),
        Field("key", "string", _("Le détail : le nom du total, le lieu, l'arrondissement, la tranche"
                                 " d'âge ou la note."), required=True),
        Field("value", "integer", _("Le nombre ; vide de 1 à 4."), column="value"),
    ),
    primary_key=("metric", "key"),
    table="rm_workshop_stats",
    projection="workshops",
    where="metric IN ('total', 'place', 'arrondissement', 'age_band', 'feedback')",
    # Present in all and by place are the public attendance table's (per session, recomputed
    # by engage-audit from the public log); the breakdowns by arrondissement and age band
    # are suppressed around it.
    suppression=Suppression((), attendance_blanks, ("value",), context=lambda cur, rows: held_sessions(cur)),
    keywords=("atelier", "fréquentation", "statistiques"),
    changes={
        **{event_class: (lambda e: [("total", UPSERT)]) for event_class in (
            S.SessionScheduled, S.SessionCancelled, S.SessionRegistered, S.RegistrationCancelled,
            S.WaitlistPromoted)},
        S.AttendanceRecorded: lambda e: [(metric, UPSERT) for metric in ("total", "place", "arrondissement",
                                                                         "age_band")],
        WorkshopFeedback.FeedbackGiven: lambda e: [(f"feedback,{e.rating}", UPSERT)],
    },
))
