"""Consultations and their phases, contributions, vote counts (Popolo), public meetings."""

from __future__ import annotations

from typing import Any

from engage.db import Cursor
from engage.domain.consultations.model import Consultation, Contribution, PublicMeeting, Vote
from engage.domain.restitution.model import Restitution
from engage.i18n import _
from engage.opendata.aggregates import agree_blanks, published_agree, vote_blanks
from engage.opendata.registry import (
    UPSERT,
    Dataset,
    Field,
    ForeignKey,
    Suppression,
    register,
    register_projection,
)
from engage.opendata.registry import own_record as own
from engage.opendata.registry import small_count as small
from engage.projections.base import Projection

CONSULTATION = Field("consultation_id", "string", _("Identifiant de la consultation."), required=True)

register(Dataset(
    name="consultations",
    title=_("Consultations"),
    description=_("Une ligne par consultation : son titre, sa présentation, ses thèmes et la phase en cours."),
    fields=(
        CONSULTATION,
        Field("slug", "string", _("Nom court, dans l'adresse de la page de la consultation."), required=True),
        Field("title", "string", _("Titre."), required=True),
        Field("description", "string", _("Présentation.")),
        Field("themes", "string", _("Thèmes proposés aux contributeurs (liste JSON).")),
        Field("current_phase", "string", _("Phase en cours ; vide avant l'ouverture."),
              enum=("consultation", "restitution", "redaction", "adoption")),
        Field("card_required", "boolean", _("La Carte Citoyen·ne est-elle demandée pour participer ?")),
        Field("support_threshold", "integer", _("Nombre de soutiens qui fait étudier une proposition.")),
        Field("created_at", "datetime", _("Date de création (temps universel)."), required=True),
    ),
    primary_key=("consultation_id",),
    table="rm_consultations",
    projection="consultations",
    filters={"consultation": "consultation_id", "date": "created_at"},
    keywords=("consultation", "participation"),
    changes={Consultation.ConsultationCreated: own, Consultation.ConsultationRevised: own,
             Consultation.ConsultationPhaseStarted: own},
))


@register_projection
class ConsultationPhasesProjection(Projection):
    """The plan of each consultation, one row per phase (the capability keeps it as JSON)."""

    name = "opendata_consultation_phases"
    follows = (Consultation.ConsultationCreated, Consultation.ConsultationRevised,
               Consultation.ConsultationPhaseStarted)
    tables = ("rm_opendata_consultation_phases",)

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_opendata_consultation_phases (
                consultation_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                phase TEXT NOT NULL,
                starts_on TEXT NOT NULL,
                ends_on TEXT NOT NULL,
                started_at TEXT,
                PRIMARY KEY (consultation_id, seq)
            )"""
        )

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        consultation_id = event.originator_id.hex
        if isinstance(event, Consultation.ConsultationPhaseStarted):
            cur.execute(
                "UPDATE rm_opendata_consultation_phases SET started_at = %s"
                " WHERE consultation_id = %s AND phase = %s",
                [event.timestamp.isoformat(), consultation_id, event.phase],
            )
            return
        started = dict(cur.execute(
            "SELECT phase, started_at FROM rm_opendata_consultation_phases WHERE consultation_id = %s",
            [consultation_id]).fetchall())
        cur.execute("DELETE FROM rm_opendata_consultation_phases WHERE consultation_id = %s", [consultation_id])
        cur.executemany(
            "INSERT INTO rm_opendata_consultation_phases (consultation_id, seq, phase, starts_on, ends_on,"
            " started_at) VALUES (%s, %s, %s, %s, %s, %s)",
            [(consultation_id, seq, step["phase"], step["starts_on"], step["ends_on"], started.get(step["phase"]))
             for seq, step in enumerate(event.plan, 1)],
        )


register(Dataset(
    name="consultation-phases",
    title=_("Phases des consultations"),
    description=_(
        "Le calendrier de chaque consultation : consultation, restitution, rédaction, adoption,"
        " avec les dates prévues et la date où chaque phase a réellement commencé."
    ),
    fields=(
        CONSULTATION,
        Field("seq", "integer", _("Rang de la phase, de 1 à 4."), required=True, minimum=1, maximum=4),
        Field("phase", "string", _("Phase."), required=True,
              enum=("consultation", "restitution", "redaction", "adoption")),
        Field("starts_on", "date", _("Début prévu."), required=True),
        Field("ends_on", "date", _("Fin prévue."), required=True),
        Field("started_at", "datetime", _("Début réel (temps universel) ; vide si la phase n'a pas commencé.")),
    ),
    primary_key=("consultation_id", "seq"),
    table="rm_opendata_consultation_phases",
    projection="opendata_consultation_phases",
    filters={"consultation": "consultation_id"},
    foreign_keys=(ForeignKey(("consultation_id",), "consultations", ("consultation_id",)),),
    keywords=("consultation", "calendrier"),
    changes={Consultation.ConsultationCreated: own, Consultation.ConsultationRevised: own,
             Consultation.ConsultationPhaseStarted: own},
))

register(Dataset(
    name="public-meetings",
    title=_("Réunions publiques des consultations"),
    description=_(
        "Les réunions publiques organisées pendant les consultations : date, lieu ou lien en ligne,"
        " nombre de participants (vide sous 5) et nombre de contributions recueillies."
    ),
    fields=(
        Field("meeting_id", "string", _("Identifiant de la réunion."), required=True),
        CONSULTATION,
        Field("title", "string", _("Titre."), required=True),
        Field("starts_at", "datetime", _("Début (temps universel)."), required=True),
        Field("place", "string", _("Lieu ; vide pour une réunion en ligne.")),
        Field("arrondissement", "integer", _("Arrondissement du lieu."), minimum=1, maximum=20),
        Field("online_url", "string", _("Lien de la réunion en ligne.")),
        Field("headcount", "integer", _("Nombre de participants comptés ; vide sous 5 ou s'il n'a pas été compté."),
              column=small("headcount")),
        Field("contributions", "integer", _("Contributions recueillies pendant la réunion."), required=True),
    ),
    primary_key=("meeting_id",),
    table="rm_meetings",
    projection="consultations",
    filters={"consultation": "consultation_id", "arrondissement": "arrondissement", "date": "starts_at"},
    foreign_keys=(ForeignKey(("consultation_id",), "consultations", ("consultation_id",)),),
    indexes=(("rm_meetings", ("arrondissement", "meeting_id")),),
    keywords=("réunion publique", "consultation"),
    changes={
        PublicMeeting.PublicMeetingScheduled: own,
        PublicMeeting.MeetingHeadcountRecorded: own,
        Contribution.ContributionPosted: lambda e: [(e.meeting_id.hex, UPSERT)] if e.meeting_id else [],
    },
))

def _voted_item(event, cur) -> list:
    """The item whose counts changed (a prefix of the key: every channel and option of it)."""
    item = getattr(event, "item_id", None)
    if item is not None:
        return [(item.hex, UPSERT)]
    found = cur.scalar("SELECT item_id FROM rm_votes WHERE vote_id = %s", [event.originator_id.hex])
    return [(found, UPSERT)] if found else []


# Hidden or withdrawn: the text is never published, only the state and the public reason.
# The arrondissement and the City's answer come from the restitution read model (joined):
# the answer of a hidden or withdrawn contribution drops out with its text.
_PUBLISHED = "c.status = 'publiee'"
# A live counter of the contribution (votes d'accord, replies), looked up per row: a scalar
# subquery is an index probe per exported row, where a join is planned as a merge join that
# reads its whole index from the start at every keyset page (quadratic over an export).
_COUNTER = ("COALESCE((SELECT k.{0} FROM rm_contribution_counts k"
            " WHERE k.contribution_id = c.contribution_id), 0)")
register(Dataset(
    name="contributions",
    title=_("Contributions aux consultations"),
    description=_(
        "Chaque contribution publiée en ligne ou recueillie en réunion : sa nature, son thème,"
        " son canal, son état de modération et, si elle a été masquée, la raison publique. Le"
        " texte d'une contribution masquée ou retirée n'est jamais publié ; l'auteur n'est pas"
        " indiqué."
    ),
    fields=(
        Field("contribution_id", "string", _("Identifiant de la contribution."), required=True,
              column="c.contribution_id"),
        Field("consultation_id", "string", _("Identifiant de la consultation."), required=True,
              column="c.consultation_id"),
        Field("parent_id", "string", _("La contribution à laquelle celle-ci répond ; vide sinon."), column="c.parent_id"),
        Field("kind", "string", _("Nature : proposition, avis, argument pour ou contre, question."), required=True,
              column="c.kind"),
        Field("theme", "string", _("Thème."), required=True, column="c.theme"),
        Field("channel", "string", _("Canal : en ligne ou en présentiel."), required=True,
              enum=("en ligne", "en présentiel"), column="c.channel"),
        Field("meeting_id", "string", _("La réunion publique où elle a été recueillie ; vide sinon."),
              column="c.meeting_id"),
        Field("sheet", "string", _(
            "Recueillie en réunion sur une feuille de contribution numérotée : son numéro tel qu'il est imprimé,"
            " clé de contrôle (Luhn) comprise après le tiret ; vide sinon."), column="c.sheet"),
        Field("scan_sha256", "string", _(
            "Empreinte SHA-256 du scan de la feuille ou du formulaire papier transcrit ; vide sinon."),
              column="c.scan_sha256"),
        Field("organization_id", "string", _("L'organisation au nom de laquelle elle est publiée ; vide sinon."),
              column="c.organization_id"),
        Field("arrondissement", "integer", _(
            "Arrondissement : celui de la Carte Citoyen·ne de l'auteur quand il a contribué en ligne, celui de la"
            " réunion publique pour une contribution recueillie en présentiel ; vide s'il n'est pas connu."),
              minimum=1, maximum=20, column="r.arrondissement"),
        Field("status", "string", _("État : publiee, retiree (par son auteur) ou masquee (par la modération)."),
              required=True, enum=("publiee", "retiree", "masquee"), column="c.status"),
        Field("hidden_reason", "string", _("Raison publique du masquage."), column="c.hidden_reason"),
        Field("text", "string", _("Texte ; vide si la contribution est masquée ou retirée."),
              column=f"CASE WHEN {_PUBLISHED} THEN c.body ELSE NULL END"),
        Field("posted_at", "datetime", _("Date de publication (temps universel)."), required=True,
              column="c.posted_at"),
        Field("edited_at", "datetime", _("Dernière modification (temps universel)."), column="c.edited_at"),
        Field("replies", "integer", _("Nombre de réponses."), required=True, column=_COUNTER.format("replies")),
        Field("agree", "integer", _(
            "Nombre de soutiens « d'accord » ; vide quand le décompte des votes de la contribution le masque"
            " (moins de 5, ou case complémentaire : voir le jeu vote-counts)."), column=_COUNTER.format("agree")),
        Field("flagged_for_study", "boolean", _("Assez soutenue pour être étudiée par la Ville."), required=True,
              column="c.flagged_for_study"),
        Field("answer_status", "string", _(
            "Suite donnée par la Ville : retenue, partiellement-retenue, non-retenue ou hors-champ ; vide tant"
            " qu'elle n'a pas répondu, ou si la contribution est masquée ou retirée."),
              enum=("retenue", "partiellement-retenue", "non-retenue", "hors-champ"),
              column=f"CASE WHEN {_PUBLISHED} THEN r.answer_status ELSE NULL END"),
        Field("answer_justification", "string", _("Justification de la suite donnée, telle que publiée par la Ville."),
              column=f"CASE WHEN {_PUBLISHED} THEN r.answer_justification ELSE NULL END"),
        Field("answered_at", "datetime", _("Date de la réponse en vigueur (temps universel)."),
              column=f"CASE WHEN {_PUBLISHED} THEN r.answered_at ELSE NULL END"),
    ),
    primary_key=("contribution_id",),
    table="rm_contributions c LEFT JOIN rm_restitution_items r ON r.contribution_id = c.contribution_id",
    projection="consultations",
    filters={"consultation": "consultation_id", "arrondissement": "arrondissement", "date": "posted_at"},
    foreign_keys=(ForeignKey(("consultation_id",), "consultations", ("consultation_id",)),),
    indexes=(("rm_contributions", ("consultation_id", "contribution_id")),),
    # `agree` is the d'accord total of the item's vote table: the same cell, by the same rule.
    suppression=Suppression(("contribution_id",), agree_blanks, ("agree",),
                            context=lambda cur, rows: published_agree(
                                cur, {r["contribution_id"]: r["agree"] for r in rows})),
    keywords=("contribution", "consultation", "modération", "restitution"),
    changes={
        Contribution.ContributionPosted: lambda e: [(e.originator_id.hex, UPSERT)]
        + ([(e.parent_id.hex, UPSERT)] if e.parent_id else []),
        Contribution.ContributionEdited: own,
        Contribution.ContributionWithdrawn: own,
        Contribution.ContributionHidden: own,
        Contribution.ContributionRestored: own,
        Contribution.ContributionFlaggedForStudy: own,
        Restitution.ContributionAnswered: lambda e: [(e.contribution_id.hex, UPSERT)],
        # A vote changes the item's `agree` (and may blank or unblank it): its row changes.
        **{event_class: _voted_item for event_class in (Vote.VoteCast, Vote.VoteChanged, Vote.VoteWithdrawn,
                                                         PublicMeeting.ShowOfHandsRecorded)},
    },
))


register(Dataset(
    name="vote-counts",
    title=_("Décomptes des votes sur les contributions"),
    description=_(
        "Pour chaque contribution soumise au vote, le nombre de votes par option (d'accord,"
        " mitigé, pas d'accord) et par canal (en ligne, ou à main levée en réunion), au format"
        " Popolo des décomptes (option, value). Un nombre de 1 à 4 n'est pas publié. Aucun vote"
        " individuel n'est publié."
    ),
    fields=(
        Field("item_id", "string", _("La contribution soumise au vote."), required=True, column="v.item_id"),
        Field("consultation_id", "string", _("Identifiant de la consultation."), column="c.consultation_id"),
        Field("channel", "string", _("Canal : en ligne ou en présentiel."), required=True, column="v.channel"),
        Field("option", "string", _("Option (Popolo : option)."), required=True, column="v.option",
              enum=("d-accord", "mitige", "pas-d-accord")),
        Field("value", "integer", _("Nombre de votes (Popolo : value) ; vide de 1 à 4."), column="v.votes"),
    ),
    primary_key=("item_id", "channel", "option"),
    table="rm_vote_counts v LEFT JOIN rm_contributions c ON c.contribution_id = v.item_id",
    suppression=Suppression(("item_id",), vote_blanks, ("value",)),
    projection="consultations",
    filters={"consultation": "consultation_id"},
    keywords=("vote", "décompte", "Popolo"),
    changes={Vote.VoteCast: _voted_item, Vote.VoteChanged: _voted_item, Vote.VoteWithdrawn: _voted_item,
             PublicMeeting.ShowOfHandsRecorded: _voted_item},
))
