"""Card lifecycle read models: validity and consents per card, and each card's history.

Clear personal data here (the staff reason of a decision, the declared socio-professional
category) is unsealed with the holder's key and removed when their data is erased; a
rebuild after erasure finds it unreadable and writes NULL.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from engage.db import Cursor
from engage.domain.accounts.model import Account
from engage.domain.cards.model import CONSULTATION, NEWSLETTER, VALIDITY_YEARS, CitizenCard, years_later
from engage.domain.common import PersonalDataVault
from engage.projections.base import Projection, insert_rows, runs

C = CitizenCard
DECISIONS = (C.CardSuspended, C.CardReinstated, C.CardRevoked)


class CardLifecycleProjection(Projection):
    name = "card_lifecycle"
    follows = (
        C.CardIssued, C.CardRenewed, C.CardReplaced, C.CardSuspended, C.CardReinstated,
        C.CardRevoked, C.CardClosed, C.ConsentGiven, C.ConsentWithdrawn,
        C.SocioProfessionalCategoryDeclared, Account.PersonalDataErased,
    )
    tables = ("rm_card_details", "rm_card_history")

    def __init__(self, vault: PersonalDataVault):
        self.vault = vault

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_card_details (
                card_id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL,
                valid_until TEXT NOT NULL,
                consent_consultation BOOLEAN NOT NULL,
                consent_newsletter BOOLEAN NOT NULL,
                category TEXT,
                replacements INTEGER NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_card_details_person ON rm_card_details (person_id)")
        # Staff see it on the card's page: every event of the card, newest first.
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_card_history (
                card_id TEXT NOT NULL,
                position BIGINT NOT NULL,
                event TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                actor_id TEXT,
                detail TEXT,
                PRIMARY KEY (card_id, position)
            )"""
        )

    def _person(self, cur: Cursor, card_id: str) -> UUID | None:
        found = cur.scalar("SELECT person_id FROM rm_card_details WHERE card_id = %s", [card_id])
        return UUID(found) if found else None

    def _unseal(self, cur: Cursor, person: UUID | None, sealed: str, key: str) -> str | None:
        if person is None:
            return None
        fields = self.vault.unseal(person, sealed, cur=cur)
        return fields.get(key) if fields else None

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        """Runs of card issues in two statements (details, history); anything else one by one."""
        for kind, run in runs(events, {C.CardIssued: "issued"}):
            if kind is None:
                self.apply(cur, *run[0])
                continue
            insert_rows(cur, "rm_card_details", ("card_id", "person_id", "valid_until", "consent_consultation",
                                                 "consent_newsletter", "category", "replacements"),
                        [(e.originator_id.hex, e.person_id.hex,
                          years_later(e.timestamp.date(), VALIDITY_YEARS).isoformat(),
                          bool(e.consent_to_consultation), False, None, 0) for e, _ in run])
            insert_rows(cur, "rm_card_history", ("card_id", "position", "event", "occurred_at", "actor_id", "detail"),
                        [(e.originator_id.hex, position, type(e).__name__, e.timestamp.isoformat(), None, None)
                         for e, position in run])

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        if isinstance(event, Account.PersonalDataErased):
            person = event.originator_id.hex
            cur.execute("UPDATE rm_card_details SET category = NULL WHERE person_id = %s", [person])
            cur.execute(
                "UPDATE rm_card_history SET detail = NULL WHERE card_id IN"
                " (SELECT card_id FROM rm_card_details WHERE person_id = %s)", [person])
            return
        card_id = event.originator_id.hex
        detail = actor = None
        if isinstance(event, C.CardIssued):
            valid_until = years_later(event.timestamp.date(), VALIDITY_YEARS).isoformat()
            cur.execute(
                "INSERT INTO rm_card_details (card_id, person_id, valid_until, consent_consultation,"
                " consent_newsletter, category, replacements) VALUES (%s, %s, %s, %s, %s, NULL, 0)",
                [card_id, event.person_id.hex, valid_until, bool(event.consent_to_consultation), False],
            )
        elif isinstance(event, C.CardRenewed):
            detail = event.valid_until
            cur.execute("UPDATE rm_card_details SET valid_until = %s WHERE card_id = %s", [detail, card_id])
        elif isinstance(event, C.CardReplaced):
            detail = event.reason
            cur.execute("UPDATE rm_card_details SET replacements = replacements + 1 WHERE card_id = %s", [card_id])
        elif isinstance(event, DECISIONS):
            actor = event.by.hex
            detail = self._unseal(cur, self._person(cur, card_id), event.sealed_reason, "reason")
        elif isinstance(event, C.CardClosed):
            detail = event.reason
        elif isinstance(event, (C.ConsentGiven, C.ConsentWithdrawn)):
            column = {CONSULTATION: "consent_consultation", NEWSLETTER: "consent_newsletter"}[event.purpose]
            cur.execute(f"UPDATE rm_card_details SET {column} = %s WHERE card_id = %s",
                        [isinstance(event, C.ConsentGiven), card_id])
            detail = event.purpose
        elif isinstance(event, C.SocioProfessionalCategoryDeclared):
            category = self._unseal(cur, self._person(cur, card_id), event.sealed_category, "category")
            cur.execute("UPDATE rm_card_details SET category = %s WHERE card_id = %s", [category, card_id])
            return  # private: not part of the card's staff history
        cur.execute(
            "INSERT INTO rm_card_history (card_id, position, event, occurred_at, actor_id, detail)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            [card_id, position, type(event).__name__, event.timestamp.isoformat(), actor, detail],
        )
