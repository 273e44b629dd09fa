"""Cards read model: the holder's own card, and public counts per arrondissement."""

from __future__ import annotations

from typing import Any

from ..db import Cursor
from ..domain.cards import CitizenCard
from ..domain.personal import PersonalDataVault
from .base import Projection


class CardsProjection(Projection):
    """Unseals each card number with its holder's key: after erasure it reads "erased"."""

    name = "cards"
    follows = (CitizenCard.CardIssued,)
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
        if isinstance(event, CitizenCard.CardIssued):
            sealed = self.vault.unseal(event.person_id, event.sealed_number)
            cur.execute(
                "INSERT INTO rm_cards (card_id, person_id, number, arrondissement, age_band,"
                " status, issued_at, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    event.originator_id.hex,
                    event.person_id.hex,
                    sealed["card_number"] if sealed else None,
                    event.arrondissement,
                    event.age_band,
                    CitizenCard.STATUS_ACTIVE,
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
