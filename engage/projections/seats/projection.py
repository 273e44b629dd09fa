"""Seats by lot: each call's public record (commitment, seed, volunteers, result)."""

from __future__ import annotations

import json
from typing import Any

from engage.db import Cursor
from engage.domain.seats.model import SeatCall
from engage.projections.base import Projection


class SeatCallsProjection(Projection):
    name = "seat_calls"
    follows = (SeatCall.SeatCallOpened, SeatCall.VolunteerRegistered, SeatCall.SeedCommitted,
               SeatCall.SeatCallClosed, SeatCall.SeedRevealed, SeatCall.SeatsDrawn)
    tables = ("rm_seat_calls", "rm_seat_volunteers")

    def create_tables(self, cur: Cursor) -> None:
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_seat_calls (
                call_id TEXT PRIMARY KEY,
                organization_id TEXT NOT NULL,
                title TEXT NOT NULL,
                seats INTEGER NOT NULL,
                strata TEXT NOT NULL,
                volunteers INTEGER NOT NULL,
                commitment TEXT,
                committed_at TEXT,
                closed BOOLEAN NOT NULL,
                seed TEXT,
                selected TEXT,
                opened_at TEXT NOT NULL
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_seat_calls_org ON rm_seat_calls (organization_id, opened_at)")
        cur.execute(
            """CREATE TABLE IF NOT EXISTS rm_seat_volunteers (
                call_id TEXT NOT NULL,
                volunteer_id TEXT NOT NULL,
                arrondissement INTEGER NOT NULL,
                age_band TEXT NOT NULL,
                position BIGINT NOT NULL,
                PRIMARY KEY (call_id, volunteer_id)
            )"""
        )
        cur.execute("CREATE INDEX IF NOT EXISTS rm_seat_volunteers_order ON rm_seat_volunteers (call_id, position)")

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        cid = event.originator_id.hex
        if isinstance(event, SeatCall.SeatCallOpened):
            cur.execute(
                "INSERT INTO rm_seat_calls (call_id, organization_id, title, seats, strata, volunteers, closed,"
                " opened_at) VALUES (%s, %s, %s, %s, %s, 0, %s, %s)",
                [cid, event.organization_id.hex, event.title, event.seats, json.dumps(event.strata), False,
                 event.timestamp.isoformat()],
            )
        elif isinstance(event, SeatCall.VolunteerRegistered):
            cur.execute(
                "INSERT INTO rm_seat_volunteers (call_id, volunteer_id, arrondissement, age_band, position)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [cid, event.volunteer_id, event.arrondissement, event.age_band, position])
            cur.execute("UPDATE rm_seat_calls SET volunteers = volunteers + 1 WHERE call_id = %s", [cid])
        elif isinstance(event, SeatCall.SeedCommitted):
            cur.execute("UPDATE rm_seat_calls SET commitment = %s, committed_at = %s WHERE call_id = %s",
                        [event.seed_sha256, event.timestamp.isoformat(), cid])
        elif isinstance(event, SeatCall.SeatCallClosed):
            cur.execute("UPDATE rm_seat_calls SET closed = %s WHERE call_id = %s", [True, cid])
        elif isinstance(event, SeatCall.SeedRevealed):
            cur.execute("UPDATE rm_seat_calls SET seed = %s WHERE call_id = %s", [event.seed, cid])
        elif isinstance(event, SeatCall.SeatsDrawn):
            cur.execute("UPDATE rm_seat_calls SET selected = %s WHERE call_id = %s", [json.dumps(event.selected), cid])
