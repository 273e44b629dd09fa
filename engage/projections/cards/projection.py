"""Cards read model: the holder's own card, and public counts per arrondissement."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from engage.db import Cursor
from engage.domain.accounts.model import Account
from engage.domain.cards.model import (
    STATUS_ACTIVE,
    STATUS_CLOSED,
    STATUS_REVOKED,
    STATUS_SUSPENDED,
    CitizenCard,
)
from engage.domain.common import PersonalDataVault
from engage.projections.base import Projection


class CardsProjection(Projection):
    """Unseals each card number with its holder's key: after erasure it reads "erased"."""

    name = "cards"
    follows = (
        CitizenCard.CardIssued,
        CitizenCard.CardReplaced,
        CitizenCard.CardSuspended,
        CitizenCard.CardReinstated,
        CitizenCard.CardRevoked,
        CitizenCard.CardClosed,
        Account.PersonalDataErased,
    )
    STATUS_AFTER = {
        CitizenCard.CardSuspended: STATUS_SUSPENDED,
        CitizenCard.CardReinstated: STATUS_ACTIVE,
        CitizenCard.CardRevoked: STATUS_REVOKED,
        CitizenCard.CardClosed: STATUS_CLOSED,
    }
    tables = ("rm_cards", "rm_card_holders_by_arrondissement")

    def __init__(self, vault: PersonalDataVault):
        self.vault = vault

    def create_tables(self, cur: Cursor) -> None:
        # Not public: the number is shown to its holder only.
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_cards (
                card_id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL,
                number TEXT UNIQUE,
                arrondissement INTEGER NOT NULL,
                age_band TEXT NOT NULL,
                status TEXT NOT NULL,
                issued_at TEXT NOT NULL,
                position BIGINT NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_cards_person ON rm_cards (person_id)")
        # Public: one small row per arrondissement, read by the home page.
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_card_holders_by_arrondissement (
                arrondissement INTEGER PRIMARY KEY,
                holders INTEGER NOT NULL
            )"""
        )

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        if isinstance(event, CitizenCard.CardReplaced):
            card_id = event.originator_id.hex
            person_id = cur.scalar("SELECT person_id FROM rm_cards WHERE card_id = %s", [card_id])
            sealed = self.vault.unseal(UUID(person_id), event.sealed_number, cur=cur) if person_id else None
            cur.execute("UPDATE rm_cards SET number = %s WHERE card_id = %s",
                        [sealed["card_number"] if sealed else None, card_id])
        elif type(event) in self.STATUS_AFTER:
            cur.execute("UPDATE rm_cards SET status = %s WHERE card_id = %s",
                        [self.STATUS_AFTER[type(event)], event.originator_id.hex])
        elif isinstance(event, Account.PersonalDataErased):
            # The number was personal: gone with the key (a rebuild finds it unreadable too).
            cur.execute("UPDATE rm_cards SET number = NULL WHERE person_id = %s", [event.originator_id.hex])
        elif isinstance(event, CitizenCard.CardIssued):
            sealed = self.vault.unseal(event.person_id, event.sealed_number, cur=cur)
            cur.execute(
                "INSERT INTO rm_cards (card_id, person_id, number, arrondissement, age_band,"
                " status, issued_at, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    event.originator_id.hex,
                    event.person_id.hex,
                    sealed["card_number"] if sealed else None,
                    event.arrondissement,
                    event.age_band,
                    STATUS_ACTIVE,
                    event.timestamp.isoformat(),
                    position,
                ],
            )
            cur.execute(
                "INSERT INTO rm_card_holders_by_arrondissement (arrondissement, holders)"
                " VALUES (%s, 1) ON CONFLICT (arrondissement)"
                " DO UPDATE SET holders = rm_card_holders_by_arrondissement.holders + 1",
                [event.arrondissement],
            )

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        issued = [(e, p) for e, p in events if isinstance(e, CitizenCard.CardIssued)]
        if len(issued) != len(events) or not hasattr(self.vault, "unseal_many"):
            return super().apply_batch(cur, events)
        # Card issuance in bulk: one query for the keys, one executemany, one upsert per arrondissement.
        numbers = self.vault.unseal_many([(e.person_id, e.sealed_number) for e, _ in issued], cur=cur)
        cur.executemany(
            "INSERT INTO rm_cards (card_id, person_id, number, arrondissement, age_band,"
            " status, issued_at, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (e.originator_id.hex, e.person_id.hex, sealed["card_number"] if sealed else None,
                 e.arrondissement, e.age_band, STATUS_ACTIVE, e.timestamp.isoformat(), p)
                for (e, p), sealed in zip(issued, numbers)
            ],
        )
        per_arrondissement: dict[int, int] = {}
        for e, _ in issued:
            per_arrondissement[e.arrondissement] = per_arrondissement.get(e.arrondissement, 0) + 1
        cur.executemany(
            "INSERT INTO rm_card_holders_by_arrondissement (arrondissement, holders)"
            " VALUES (%s, %s) ON CONFLICT (arrondissement)"
            " DO UPDATE SET holders = rm_card_holders_by_arrondissement.holders + excluded.holders",
            sorted(per_arrondissement.items()),
        )
