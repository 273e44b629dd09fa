"""The use cases of engage, as one eventsourcing Application.

Each capability's use cases live in their own mixin module; this class only
composes them and holds what they share: the vault, the identifier key, randomness.
"""

from __future__ import annotations

import random
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from .account_usecases import AccountUseCases, Registered
from .card_usecases import CardIssued, CardUseCases
from .charter_usecases import CharterUseCases
from .personal import PersonalDataVault

__all__ = ["CardIssued", "EngageApplication", "Registered"]


class EngageApplication(AccountUseCases, CardUseCases, CharterUseCases, Application[UUID]):
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
