"""Shared set-up for the workshop tests: a workshop, a session, card holders."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID, uuid4

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def soon(hours: float = 48) -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=hours)


def make_session(app, *, capacity=10, facilitator=None, starts_at=None, arrondissement=11,
                 theme="construire-son-projet", title="Construire son projet associatif"):
    facilitator = facilitator or uuid4()
    workshop = app.create_workshop(title=title, theme=theme, description="Des outils pour passer de l'idée au projet.",
                                   language="fr", accessibility="Salle de plain-pied, boucle magnétique.",
                                   created_by=facilitator)
    starts_at = starts_at or soon()
    session = app.schedule_session(workshop_id=workshop.id, starts_at=starts_at,
                                   ends_at=starts_at + timedelta(hours=2), arrondissement=arrondissement,
                                   place="Maison de la vie associative, 8 rue du Général Renault",
                                   online_link="", capacity=capacity, facilitator_id=facilitator,
                                   scheduled_by=facilitator)
    return session.id, facilitator


def card_holder(app, i=0, arrondissement=11, age_band="25-34") -> tuple[UUID, UUID, str]:
    issued = app.issue_card(name=f"Personne {i}", email=f"p{i}@exemple.fr", arrondissement=arrondissement,
                            age_band=age_band, consent_to_consultation=True, person_id=uuid4())
    return issued.person_id, issued.card_id, issued.number
