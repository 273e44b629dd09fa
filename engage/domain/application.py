"""The use cases of engage, as one eventsourcing Application.

Each capability's use cases live in their own mixin module; this class only
composes them and holds what they share: the vault, the identifier key, randomness.
"""

from __future__ import annotations

import random
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from engage.domain import clock  # noqa: F401  (every event takes its time from engage.domain.clock)
from engage.domain.accounts.usecases import AccountUseCases, SignUpResult
from engage.domain.attribution import ActorSealing
from engage.domain.cards.usecases import CardIssueResult, CardLifecycleUseCases, CardUseCases
from engage.domain.charter.usecases import CharterUseCases
from engage.domain.common import PersonalDataVault
from engage.domain.consultations.usecases import ConsultationUseCases
from engage.domain.members.usecases import MemberUseCases
from engage.domain.organizations.usecases import OrganizationUseCases
from engage.domain.questionnaires.usecases import QuestionnaireUseCases
from engage.domain.restitution.usecases import RestitutionUseCases
from engage.domain.seats.usecases import SeatUseCases
from engage.domain.transparency.usecases import TransparencyUseCases
from engage.domain.workshops.usecases import WorkshopUseCases
from engage.domain.written import note as note_written
from engage.group_commit import GroupCommitter

__all__ = ["CardIssueResult", "EngageApplication", "SignUpResult"]


class EngageApplication(
    AccountUseCases,
    CardUseCases,
    CardLifecycleUseCases,
    WorkshopUseCases,
    MemberUseCases,
    OrganizationUseCases,
    SeatUseCases,
    ConsultationUseCases,
    QuestionnaireUseCases,
    CharterUseCases,
    RestitutionUseCases,
    TransparencyUseCases,
    ActorSealing,
    Application[UUID],
):
    # Also the table prefix on PostgreSQL: engage_events.
    name = "Engage"

    def __init__(
        self,
        env: dict[str, Any] | None = None,
        *,
        vault: PersonalDataVault,
        identifier_key: bytes,
        rng: random.Random | None = None,
    ):
        super().__init__(env)
        self.vault = vault
        if len(identifier_key) < 16:
            raise ValueError("the identifier key must be at least 16 bytes")
        # Keys the hashed lookups (card numbers, emails) so public ids can't be reversed.
        self.identifier_key = identifier_key
        self._rng = rng or random.SystemRandom()
        self.group_committer: GroupCommitter | None = None

    def enable_group_commit(self, *, max_batch: int = 200) -> None:
        """Let concurrent commands share transactions (the web process does; scripts need not)."""
        self.group_committer = GroupCommitter(lambda events: Application.save(self, *events), max_batch=max_batch)

    def save(self, *objs: Any, **kwargs: Any) -> list[Any]:
        if self.group_committer is None or kwargs:
            note_written(event for obj in objs if obj is not None
                         for event in getattr(obj, "pending_events", (obj,)))
            return super().save(*objs, **kwargs)
        # Take the aggregates' pending events now: a shared transaction that fails
        # must be able to retry this command's events alone.
        events: list[Any] = []
        for obj in objs:
            if obj is None:
                continue
            if hasattr(obj, "collect_events"):
                events.extend(obj.collect_events())
            else:
                events.append(obj)
        if not events:
            return []
        note_written(events)
        return self.group_committer.commit(events)
