"""Personal data is sealed per person before it enters an event.

The vault holds one key per person outside the event store. Destroying the key
(erasure) leaves every event intact and every sealed field unreadable.
"""

from __future__ import annotations

from typing import Mapping, Protocol
from uuid import UUID


class PersonalDataVault(Protocol):
    def seal(self, person_id: UUID, fields: Mapping[str, str]) -> str:
        """Encrypt fields with the person's key (created on first use)."""

    def unseal(self, person_id: UUID, sealed: str) -> dict[str, str] | None:
        """The fields, or None once the person's key has been destroyed."""

    def erased_among(self, ids: list[UUID]) -> set[UUID]:
        """Which of these ids were erased: no key will ever be created for them again."""
