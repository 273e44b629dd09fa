"""The resident's own acts in the public log (/compte/mes-actes): for each one, the leaf that
shows it, its commitment and the commitment's opening, checked on the server; the openings as
a file, and the script that checks them without trusting the server (static/verify_my_acts.py).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from pyramid.response import Response
from pyramid.view import view_config

from engage.i18n import _
from engage.projections.participation.projection import history_at
from engage.projections.transparency import queries as acts
from engage.public_url import public_base
from engage.security import Permission
from engage.views.extensions import extends
from engage.views.participation.pages import described
from engage.views.toolkit import query, signed_in_person, when

PAGE_SIZE = 20
SCRIPT = "engage:static/verify_my_acts.py"
OPENINGS_FORMAT = "engage openings, version 1"
#: The next page's key: "<position>.<field>" of the last act shown.
_AFTER = re.compile(r"^([0-9]{1,18})\.([a-z_]{1,64})$")

#: What kind of act a leaf shows, by its type; (type, field) when one event names two people.
ACT_LABELS = {
    "AccountRegistered": _("Création de votre compte"),
    "RoleGranted": _("Attribution d'un rôle"),
    "RoleRevoked": _("Retrait d'un rôle"),
    "CardIssued": _("Délivrance de votre Carte Citoyen·ne"),
    "CardSuspended": _("Suspension d'une carte"),
    "CardReinstated": _("Rétablissement d'une carte"),
    "CardRevoked": _("Révocation d'une carte"),
    "ConsultationCreated": _("Création d'une consultation"),
    "ConsultationRevised": _("Modification d'une consultation"),
    "ConsultationPhaseStarted": _("Ouverture d'une phase de consultation"),
    "ContributionPosted": _("Dépôt d'une contribution"),
    ("ContributionPosted", "transcriber"): _("Transcription d'une contribution"),
    "ContributionHidden": _("Masquage d'une contribution"),
    "ContributionRestored": _("Rétablissement d'une contribution"),
    "VoteCast": _("Vote sur une contribution"),
    "PublicMeetingScheduled": _("Animation d'une réunion publique"),
    "MeetingHeadcountRecorded": _("Relevé des participants d'une réunion publique"),
    "ShowOfHandsRecorded": _("Relevé d'un vote à main levée"),
    "AmendmentProposed": _("Proposition d'un amendement à la charte"),
    "AmendmentBallotCast": _("Vote sur un amendement à la charte"),
    "ContributionAnswered": _("Réponse à une contribution"),
    "ContributionQuoted": _("Citation d'une contribution"),
    "QuoteRemoved": _("Retrait d'une citation"),
    "RestitutionPublished": _("Publication d'une restitution"),
    "MembershipListImported": _("Import d'une liste de membres"),
    "OrganizationRegistered": _("Enregistrement d'une organisation"),
    "RepresentativeAttached": _("Désignation comme représentant·e d'une organisation"),
    ("RepresentativeAttached", "attached_by"): _("Désignation d'un·e représentant·e d'une organisation"),
    "RepresentativeDetached": _("Fin de votre rôle de représentant·e d'une organisation"),
    ("RepresentativeDetached", "detached_by"): _("Fin du rôle d'un·e représentant·e d'une organisation"),
    "OfferPublished": _("Publication d'une offre"),
    "OfferWithdrawn": _("Retrait d'une offre"),
    "SeatCallOpened": _("Ouverture d'un tirage au sort"),
    "SeedCommitted": _("Engagement sur la graine d'un tirage au sort"),
    "SeatCallClosed": _("Clôture d'un tirage au sort"),
    "SeedRevealed": _("Révélation de la graine d'un tirage au sort"),
    "VolunteerClaimed": _("Candidature à un tirage au sort"),
    "WorkshopCreated": _("Création d'un atelier"),
    "SessionScheduled": _("Animation d'une séance d'atelier"),
    ("SessionScheduled", "scheduled_by"): _("Programmation d'une séance d'atelier"),
    "SessionRegistered": _("Inscription à une séance"),
    "SessionWaitlisted": _("Inscription en liste d'attente d'une séance"),
    "RegistrationCancelled": _("Désinscription d'une séance"),
    "WaitlistPromoted": _("Place obtenue depuis la liste d'attente"),
    "SessionRescheduled": _("Report d'une séance"),
    "SessionCancelled": _("Annulation d'une séance"),
    "AttendanceRecorded": _("Présence à une séance"),
    ("AttendanceRecorded", "recorded_by"): _("Relevé des présences d'une séance"),
    "FeedbackGiven": _("Avis sur une séance"),
    "QuestionnaireCreated": _("Création d'un questionnaire"),
    "QuestionnaireOpened": _("Ouverture d'un questionnaire"),
    "QuestionnaireClosed": _("Clôture d'un questionnaire"),
    "QuestionnaireAnswered": _("Réponse à un questionnaire"),
}


def act_label(act: acts.OwnAct):
    found = ACT_LABELS.get((act.type, act.event_field)) or ACT_LABELS.get(act.type)
    return found or _("Acte enregistré (${type})", mapping={"type": act.type})


def _after(request) -> tuple[int, str] | None:
    """The page's starting key (the first page when absent); None when the link was tampered with."""
    raw = query(request).get("apres")
    if not raw:
        return acts.FIRST
    found = _AFTER.match(raw)
    return (int(found.group(1)), found.group(2)) if found else None


@view_config(route_name="my_acts", renderer="engage:templates/participation_acts.pt",
             permission=Permission.OWN_ACCOUNT, request_method="GET")
def my_acts(request):
    after = _after(request)
    if after is None:
        request.override_renderer = "engage:templates/error.pt"
        request.response.status_int = 400
        return {"status": 400, "title": _("Lien de page invalide"),
                "explanation": _("Ce lien vers la suite de vos actes n'est pas valide : "
                                 "repartez de la première page de vos actes.")}
    person_id = signed_in_person(request)
    services = request.engage
    found = acts.acts_of(services.db, person_id, after=after, limit=PAGE_SIZE + 1)
    more, found = len(found) > PAGE_SIZE, found[:PAGE_SIZE]
    checked = acts.checked_acts(services.db, person_id, found, services.checkpoints.verifier_key)
    lines = history_at(services.db, person_id, [act.position for act in found])
    translate = request.localizer.translate
    shown = [{
        "what": translate(act_label(v.act)),
        "detail": described(request, lines[v.act.position]) if v.act.position in lines else "",
        "when": when(v.act.leaf.get("timestamp"), request.locale_name, time=True),
        "index": v.act.leaf_index,
        "field": v.act.field,
        "commitment": v.act.commitment,
        "salt": v.act.salt,
        "opens": v.opens,
        "included": v.included,
    } for v in checked.acts]
    latest = checked.checkpoint
    return {
        "acts": shown,
        "first_page": after != acts.FIRST,
        "next": request.current_route_path(_query={"apres": "%d.%s" % found[-1].key}) if more else None,
        "checkpoint_size": latest.size if latest else None,
        "checkpoint_signed_at": when(latest.signed_at, request.locale_name, time=True) if latest else "",
        "checkpoint_verifies": checked.signed,
        "person_id": str(person_id),
        "verifier_key": services.checkpoints.verifier_key,
        "script_url": request.static_url(SCRIPT),
        "openings_url": request.route_url("my_acts_openings"),
    }


def openings(request, person_id) -> dict:
    """Everything the resident's script needs, and nothing the public endpoints do not give."""
    services = request.engage
    return {
        "format": OPENINGS_FORMAT,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "person_id": str(person_id),
        "site": public_base(request),
        "origin": services.checkpoints.origin,
        "acts": [{"index": act.leaf_index, "position": act.position, "field": act.field,
                  "commitment": act.commitment, "salt": act.salt}
                 for act in acts.all_acts_of(services.db, person_id)],
    }


@view_config(route_name="my_acts_openings", permission=Permission.OWN_ACCOUNT, request_method="GET")
def download_openings(request):
    document = openings(request, signed_in_person(request))
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json",
                        charset="utf-8")
    response.content_disposition = 'attachment; filename="mes-actes.json"'
    response.cache_control = "no-store"
    return response


@extends("engage:templates/account.pt")
def link_on_the_account_page(request, values) -> dict:
    if signed_in_person(request) is None:
        return {}
    return {"my_acts_url": request.route_url("my_acts")}
