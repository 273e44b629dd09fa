"""The restitution read model: counters per consultation and dimension, the City's answers
with their history, the quotes, the published versions.

Counters are maintained here, event by event, so the report reads a few dozen small rows
and never counts contributions or votes per request. Dimensions (`dimension`, `bucket`):
- total ('');
- arrondissement: the author's card's arrondissement for an online contribution (the card
  held when it was posted), the meeting's arrondissement for one collected in person;
- age_band: the author's card's age band (unknown for contributions collected in person);
- theme; week (Monday of the week, Paris time; a meeting's week for what was said there); answer (the City's answer's status).
Each counter is kept per channel (online, in person). Participants online are distinct
authors per bucket (rm_restitution_members, never published); participants in person are
the meetings' headcounts. Votes are counted by channel and theme only: a vote's event does
not name its voter, and nothing here tries to find them.
"""

from __future__ import annotations

import datetime
import json
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from engage.db import Cursor
from engage.domain.cards.model import CitizenCard
from engage.domain.common import PersonalDataVault
from engage.domain.consultations.model import AGREE, IN_PERSON, ONLINE, Contribution, PublicMeeting, Vote
from engage.domain.restitution.model import Restitution
from engage.domain.restitution.usecases import snapshot_key
from engage.projections.base import (
    Projection,
    append_rows,
    insert_rows,
    runs,
    select_in,
    update_rows,
)
from engage.projections.consultations.ballots import ballots_of, by_key, stored_ballots
from engage.projections.consultations.counters import room_to_update
from engage.projections.consultations.keyed import select_keyed

PARIS = ZoneInfo("Europe/Paris")
PUBLISHED, WITHDRAWN, HIDDEN = "publiee", "retiree", "masquee"
DIMENSIONS = ("total", "arrondissement", "age_band", "theme", "week", "answer")
_RUN_KINDS = {CitizenCard.CardIssued: "cards", Contribution.ContributionPosted: "posts",
              Vote.VoteCast: "votes", Vote.VoteChanged: "votes", Vote.VoteWithdrawn: "votes"}
_COUNTS = ("consultation_id", "dimension", "bucket", "channel", "participants", "contributions", "votes")


def week_of(moment: datetime.datetime) -> str:
    local = moment.astimezone(PARIS).date()
    return (local - datetime.timedelta(days=local.weekday())).isoformat()


class RestitutionProjection(Projection):
    name = "restitution"
    follows = (
        CitizenCard.CardIssued,
        PublicMeeting.PublicMeetingScheduled,
        PublicMeeting.MeetingHeadcountRecorded,
        PublicMeeting.ShowOfHandsRecorded,
        Contribution.ContributionPosted,
        Contribution.ContributionWithdrawn,
        Contribution.ContributionHidden,
        Contribution.ContributionRestored,
        Vote.VoteCast,
        Vote.VoteChanged,
        Vote.VoteWithdrawn,
        Restitution.RestitutionOpened,
        Restitution.ContributionAnswered,
        Restitution.ContributionQuoted,
        Restitution.QuoteRemoved,
        Restitution.RestitutionPublished,
    )
    tables = (
        "rm_restitution_people",
        "rm_restitution_meetings",
        "rm_restitution_items",
        "rm_restitution_support",
        "rm_restitution_answers",
        "rm_restitution_votes",
        "rm_restitution_hands",
        "rm_restitution_members",
        "rm_restitution_counts",
        "rm_restitution_reports",
        "rm_restitution_versions",
    )
    # Looked up by key only while the log is replayed (here and by the change feed): a full
    # rebuild builds the other indexes at its end (engage/projections/deferred_indexes.py).
    rebuild_defers_indexes = True

    def __init__(self, vault: PersonalDataVault):
        self.vault = vault

    # -- schema --------------------------------------------------------------------------
    def create_tables(self, cur: Cursor) -> None:
        # Public facts of the log (CardIssued carries them), kept to attribute contributions.
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_people (
            person_id TEXT PRIMARY KEY, arrondissement INTEGER NOT NULL, age_band TEXT NOT NULL)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_meetings (
            meeting_id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL, arrondissement INTEGER,
            week TEXT NOT NULL, headcount INTEGER NOT NULL)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_items (
            contribution_id TEXT PRIMARY KEY,
            consultation_id TEXT NOT NULL,
            position BIGINT NOT NULL,
            channel TEXT NOT NULL,
            theme TEXT NOT NULL,
            week TEXT NOT NULL,
            arrondissement INTEGER,
            age_band TEXT,
            status TEXT NOT NULL,
            withdrawn BOOLEAN NOT NULL,
            answer_status TEXT,
            answer_justification TEXT,
            answer_revision INTEGER,
            answered_at TEXT,
            answer_position BIGINT,
            quoted_position BIGINT
        )""")
        for name, columns in (
            ("answers", "consultation_id, answer_position"),
            ("quotes", "consultation_id, quoted_position"),
            ("arrondissement", "arrondissement, contribution_id"),
        ):
            cur.execute(f"CREATE INDEX IF NOT EXISTS rm_restitution_items_{name} ON rm_restitution_items ({columns})")
        # Votes and d'accord per item in their own narrow table, indexed for "most supported":
        # a vote rewrites this short row and its two index entries, not the wide item row and
        # its five indexes.
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_support (
            contribution_id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL, position BIGINT NOT NULL,
            agree INTEGER NOT NULL, votes INTEGER NOT NULL)""" + room_to_update(cur))
        cur.execute("CREATE INDEX IF NOT EXISTS rm_restitution_support_rank"
                    " ON rm_restitution_support (consultation_id, agree, position)")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_answers (
            contribution_id TEXT NOT NULL, revision INTEGER NOT NULL, status TEXT NOT NULL,
            justification TEXT NOT NULL, answered_at TEXT NOT NULL,
            PRIMARY KEY (contribution_id, revision))""")
        # Not public: which keyed vote holds which option, to apply changes as deltas.
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_votes (
            vote_id TEXT PRIMARY KEY, item_id TEXT NOT NULL, option TEXT)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_hands (
            meeting_id TEXT NOT NULL, item_id TEXT NOT NULL, votes INTEGER NOT NULL, agree INTEGER NOT NULL,
            PRIMARY KEY (meeting_id, item_id))""")
        # Not public: who already counts as a participant of a bucket (distinct people).
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_members (
            consultation_id TEXT NOT NULL, dimension TEXT NOT NULL, bucket TEXT NOT NULL, person_id TEXT NOT NULL,
            PRIMARY KEY (consultation_id, dimension, bucket, person_id))""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_counts (
            consultation_id TEXT NOT NULL, dimension TEXT NOT NULL, bucket TEXT NOT NULL, channel TEXT NOT NULL,
            participants INTEGER NOT NULL, contributions INTEGER NOT NULL, votes INTEGER NOT NULL,
            PRIMARY KEY (consultation_id, dimension, bucket, channel))""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_reports (
            restitution_id TEXT PRIMARY KEY, consultation_id TEXT NOT NULL UNIQUE)""")
        cur.execute("""CREATE TABLE IF NOT EXISTS rm_restitution_versions (
            consultation_id TEXT NOT NULL, number INTEGER NOT NULL, snapshot_sha256 TEXT NOT NULL,
            snapshot TEXT, answered INTEGER NOT NULL, contributions INTEGER NOT NULL,
            published_at TEXT NOT NULL, position BIGINT NOT NULL,
            PRIMARY KEY (consultation_id, number))""")
        cur.execute("CREATE INDEX IF NOT EXISTS rm_restitution_versions_published"
                    " ON rm_restitution_versions (published_at, consultation_id, number)")

    # -- helpers -------------------------------------------------------------------------
    def _add(self, cur, consultation_id: str, dimension: str, bucket: str, channel: str, *,
             participants: int = 0, contributions: int = 0, votes: int = 0) -> None:
        if not (participants or contributions or votes):
            return
        cur.execute(
            "INSERT INTO rm_restitution_counts (consultation_id, dimension, bucket, channel, participants,"
            " contributions, votes) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (consultation_id, dimension, bucket, channel) DO UPDATE SET"
            " participants = rm_restitution_counts.participants + excluded.participants,"
            " contributions = rm_restitution_counts.contributions + excluded.contributions,"
            " votes = rm_restitution_counts.votes + excluded.votes",
            [consultation_id, dimension, bucket, channel, participants, contributions, votes])

    _ITEM = ("SELECT consultation_id, channel, theme, week, arrondissement, age_band, status, answer_status"
             " FROM rm_restitution_items WHERE contribution_id = %s")

    @staticmethod
    def _buckets(arrondissement, age_band, theme, week) -> list[tuple[str, str]]:
        return [("total", ""), ("arrondissement", str(arrondissement or "")), ("age_band", age_band or ""),
                ("theme", theme), ("week", week)]

    def _bump(self, cur, row, sign: int) -> None:
        """Count a contribution in (or out of) every bucket it belongs to."""
        consultation_id, channel, theme, week, arrondissement, age_band, _status, answer = row
        for dimension, bucket in self._buckets(arrondissement, age_band, theme, week):
            self._add(cur, consultation_id, dimension, bucket, channel, contributions=sign)
        if answer:
            self._add(cur, consultation_id, "answer", answer, channel, contributions=sign)

    # -- events --------------------------------------------------------------------------
    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        getattr(self, "_" + type(event).__name__)(cur, event, position)

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        """Runs of card issues, new contributions and votes (nearly the whole log at scale)
        are written with a few statements per run, their counters added up in memory first;
        anything else one event at a time, in log order. The tables end exactly as `apply`
        one by one would leave them (tests/projections/test_consultations_batch.py)."""
        for kind, run in runs(events, _RUN_KINDS):
            if kind is None:
                self.apply(cur, *run[0])
            else:
                getattr(self, "_apply_" + kind)(cur, run)

    @staticmethod
    def _add_all(cur, counts: dict[tuple[str, str, str, str], list[int]]) -> None:
        """`_add` for many counters at once (one statement). Callers enter a key only for a
        non-zero delta, as `_add` would have touched it (deltas may then add up to zero)."""
        insert_rows(
            cur, "rm_restitution_counts", _COUNTS, [(*key, *values) for key, values in counts.items()],
            "ON CONFLICT (consultation_id, dimension, bucket, channel) DO UPDATE SET"
            " participants = rm_restitution_counts.participants + excluded.participants,"
            " contributions = rm_restitution_counts.contributions + excluded.contributions,"
            " votes = rm_restitution_counts.votes + excluded.votes")

    def _apply_cards(self, cur, run) -> None:
        insert_rows(cur, "rm_restitution_people", ("person_id", "arrondissement", "age_band"),
                    [(e.person_id.hex, e.arrondissement, e.age_band) for e, _ in run],
                    "ON CONFLICT (person_id) DO NOTHING")

    def _apply_posts(self, cur, run) -> None:
        people = {p: (a, b) for p, a, b in select_in(
            cur, "SELECT person_id, arrondissement, age_band FROM rm_restitution_people WHERE person_id IN ({marks})",
            list({e.author_id.hex for e, _ in run if e.channel == ONLINE and e.author_id}))}
        meetings = {m: (a, w) for m, a, w in select_in(
            cur, "SELECT meeting_id, arrondissement, week FROM rm_restitution_meetings WHERE meeting_id IN ({marks})",
            list({e.meeting_id.hex for e, _ in run if not (e.channel == ONLINE and e.author_id) and e.meeting_id}))}
        items, counts, wanted = [], {}, {}
        for e, position in run:
            consultation_id = e.consultation_id.hex
            arrondissement = age_band = None
            week = week_of(e.timestamp)
            if e.channel == ONLINE and e.author_id:
                arrondissement, age_band = people.get(e.author_id.hex, (None, None))
            elif e.meeting_id and e.meeting_id.hex in meetings:
                arrondissement, week = meetings[e.meeting_id.hex]
            items.append((e.originator_id.hex, consultation_id, position, e.channel, e.theme, week, arrondissement,
                          age_band, PUBLISHED, False))
            for dimension, bucket in self._buckets(arrondissement, age_band, e.theme, week):
                counts.setdefault((consultation_id, dimension, bucket, e.channel), [0, 0, 0])[1] += 1
                if e.channel == ONLINE and e.author_id:
                    wanted.setdefault((consultation_id, dimension, bucket, e.author_id.hex), None)
        # An item's rows are created by its one ContributionPosted: new by construction.
        for table, columns, rows in (
                ("rm_restitution_items", ("contribution_id", "consultation_id", "position", "channel", "theme", "week",
                                          "arrondissement", "age_band", "status", "withdrawn"), items),
                ("rm_restitution_support", ("contribution_id", "consultation_id", "position", "agree", "votes"),
                 [(item[0], item[1], item[2], 0, 0) for item in items])):
            if not append_rows(cur, table, columns, rows):
                insert_rows(cur, table, columns, rows)
        # Distinct participants: the (bucket, person) pairs not yet members count once each.
        new = self._new_members(cur, sorted(wanted))  # in key order, as the votes (_apply_votes)
        for consultation_id, dimension, bucket in new:
            counts.setdefault((consultation_id, dimension, bucket, ONLINE), [0, 0, 0])[0] += 1
        self._add_all(cur, counts)

    @staticmethod
    def _new_members(cur, keys: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str]]:
        """Insert (consultation, dimension, bucket, person) members, distinct keys; returns the
        (consultation, dimension, bucket) of each one that was not a member yet."""
        if not keys:
            return []
        columns = ("consultation_id", "dimension", "bucket", "person_id")
        if cur.backend == "postgresql":
            return [tuple(row) for row in cur.execute(
                "INSERT INTO rm_restitution_members SELECT * FROM json_populate_recordset("
                "NULL::rm_restitution_members, %s) ON CONFLICT DO NOTHING RETURNING consultation_id, dimension, bucket",
                [json.dumps([dict(zip(columns, key)) for key in keys])]).fetchall()]
        new = []
        for key in keys:  # in process: one statement per row costs no round trip
            cur.execute("INSERT INTO rm_restitution_members (consultation_id, dimension, bucket, person_id)"
                        " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING", list(key))
            if cur.rowcount == 1:
                new.append(key[:3])
        return new

    def _apply_votes(self, cur, run) -> None:
        """The stored votes' options are read once, the run replayed in memory as `_vote` would,
        and the results written once, each table's rows in key order (as in the consultations
        projection); the items' support rows move by what the run adds (`_add_support`)."""
        ballots = ballots_of(run)
        votes = {vote: (item, option) for vote, item, option in select_keyed(
            cur, "SELECT vote_id, item_id, option FROM rm_restitution_votes WHERE vote_id {in_keys}",
            stored_ballots(ballots))}
        stored = set(votes)
        for vote, item, _, cast in ballots:
            if vote not in votes:
                if not cast:
                    for event, position in run:  # a change without its vote: the one-by-one path decides
                        self.apply(cur, event, position)
                    return
                votes[vote] = (item, None)
        # Per item: the votes and d'accord the run adds, and whether a vote moved its number of
        # votes (the counters of its buckets are then touched, as `_add` would, even if the run's
        # moves add up to zero). Items no vote moved are not written (as `_count_vote`).
        current = {vote: option for vote, (_, option) in votes.items()}
        moved: dict[str, list] = {}
        for vote, _, option, _ in ballots:
            item, old = votes[vote][0], current[vote]
            current[vote] = option
            n, a = (option is not None) - (old is not None), (option == AGREE) - (old == AGREE)
            if n or a:
                added = moved.setdefault(item, [0, 0, False])
                added[0] += n
                added[1] += a
                added[2] = added[2] or n != 0
        # New ballots a plain INSERT (a COPY when many, before the pipeline), stored ones an
        # UPDATE (as in the consultations projection).
        new_ballots = sorted(((vote, votes[vote][0], option) for vote, option in current.items() if vote not in stored),
                             key=by_key)
        if append_rows(cur, "rm_restitution_votes", ("vote_id", "item_id", "option"), new_ballots):
            new_ballots = []
        with cur.writes():
            insert_rows(cur, "rm_restitution_votes", ("vote_id", "item_id", "option"), new_ballots)
            update_rows(cur, "rm_restitution_votes", "vote_id", ("option",),
                        sorted(((vote, option) for vote, option in current.items() if vote in stored), key=by_key))
        self._add_support(cur, moved)

    # On PostgreSQL one statement moves the support rows and adds their votes to the counters
    # (the restitution's "total" and the item's theme), so nothing comes back to Python and the
    # statement rides with the batch's next one. The counters are written in key order.
    _ADD_SUPPORT_AND_COUNTS = (
        "WITH moved AS ("
        " UPDATE rm_restitution_support AS s SET votes = s.votes + v.votes, agree = s.agree + v.agree"
        " FROM json_to_recordset(%s) AS v(contribution_id TEXT, votes INTEGER, agree INTEGER, counted BOOLEAN),"
        " rm_restitution_items AS r"
        " WHERE s.contribution_id = v.contribution_id AND r.contribution_id = v.contribution_id"
        " RETURNING r.consultation_id, r.theme, v.votes, v.counted)"
        " INSERT INTO rm_restitution_counts (consultation_id, dimension, bucket, channel, participants,"
        " contributions, votes)"
        " SELECT consultation_id, b.dimension, b.bucket, %s, 0, 0, sum(votes)"
        " FROM moved CROSS JOIN LATERAL (VALUES ('total', ''), ('theme', theme)) AS b(dimension, bucket)"
        " WHERE counted GROUP BY consultation_id, b.dimension, b.bucket"
        " ORDER BY consultation_id, b.dimension, b.bucket"
        " ON CONFLICT (consultation_id, dimension, bucket, channel) DO UPDATE SET"
        " votes = rm_restitution_counts.votes + excluded.votes")

    def _add_support(self, cur, moved: dict[str, list]) -> None:
        """Add the votes and d'accord of `moved` (item: [votes, agree, counted]) to the support
        rows this read model holds, in key order (the batch's items are not read first: the rows
        move by what the run adds); and, for an item whose number of votes a vote of the run
        moved (`counted`, even if the moves add up to zero, as `_add` would have touched it), its
        votes to its consultation's counters."""
        if not moved:
            return
        items = sorted(moved)
        if cur.backend == "postgresql":
            rows = [{"contribution_id": item, "votes": moved[item][0], "agree": moved[item][1],
                     "counted": moved[item][2]} for item in items]
            with cur.writes():  # nothing read back: it goes with the batch's next statement
                cur.execute(self._ADD_SUPPORT_AND_COUNTS, [json.dumps(rows), ONLINE])
            return
        held = select_in(cur, "SELECT r.contribution_id, r.consultation_id, r.theme FROM rm_restitution_items r"
                              " JOIN rm_restitution_support s ON s.contribution_id = r.contribution_id"
                              " WHERE r.contribution_id IN ({marks})", items)
        cur.executemany("UPDATE rm_restitution_support SET votes = votes + %s, agree = agree + %s"
                        " WHERE contribution_id = %s", [(moved[item][0], moved[item][1], item) for item, _, _ in held])
        counts: dict[tuple[str, str, str, str], list[int]] = {}
        for item, consultation_id, theme in held:
            n, _, counted = moved[item]
            for dimension, bucket in (("total", ""), ("theme", theme)) if counted else ():
                counts.setdefault((consultation_id, dimension, bucket, ONLINE), [0, 0, 0])[2] += n
        with cur.writes():
            self._add_all(cur, counts)

    def _CardIssued(self, cur, e, position):
        cur.execute("INSERT INTO rm_restitution_people (person_id, arrondissement, age_band) VALUES (%s, %s, %s)"
                    " ON CONFLICT (person_id) DO NOTHING", [e.person_id.hex, e.arrondissement, e.age_band])

    def _PublicMeetingScheduled(self, cur, e, position):
        starts = datetime.datetime.fromisoformat(e.starts_at)
        cur.execute("INSERT INTO rm_restitution_meetings (meeting_id, consultation_id, arrondissement, week, headcount)"
                    " VALUES (%s, %s, %s, %s, 0)",
                    [e.originator_id.hex, e.consultation_id.hex, e.arrondissement, week_of(starts)])

    def _MeetingHeadcountRecorded(self, cur, e, position):
        row = cur.execute("SELECT consultation_id, arrondissement, week, headcount FROM rm_restitution_meetings"
                          " WHERE meeting_id = %s", [e.originator_id.hex]).fetchone()
        if row is None:
            return
        consultation_id, arrondissement, week, old = row
        cur.execute("UPDATE rm_restitution_meetings SET headcount = %s WHERE meeting_id = %s",
                    [e.headcount, e.originator_id.hex])
        delta = e.headcount - old
        for dimension, bucket in (("total", ""), ("arrondissement", str(arrondissement or "")),
                                  ("age_band", ""), ("week", week)):
            self._add(cur, consultation_id, dimension, bucket, IN_PERSON, participants=delta)

    def _ContributionPosted(self, cur, e, position):
        cid, consultation_id = e.originator_id.hex, e.consultation_id.hex
        arrondissement = age_band = None
        week = week_of(e.timestamp)
        if e.channel == ONLINE and e.author_id:
            found = cur.execute("SELECT arrondissement, age_band FROM rm_restitution_people WHERE person_id = %s",
                                [e.author_id.hex]).fetchone()
            if found:
                arrondissement, age_band = found
        elif e.meeting_id:
            # Said at the meeting: its place and its week, whenever it was typed in.
            found = cur.execute("SELECT arrondissement, week FROM rm_restitution_meetings WHERE meeting_id = %s",
                                [e.meeting_id.hex]).fetchone()
            if found:
                arrondissement, week = found
        cur.execute(
            "INSERT INTO rm_restitution_items (contribution_id, consultation_id, position, channel, theme, week,"
            " arrondissement, age_band, status, withdrawn) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [cid, consultation_id, position, e.channel, e.theme, week, arrondissement, age_band, PUBLISHED, False])
        cur.execute("INSERT INTO rm_restitution_support (contribution_id, consultation_id, position, agree, votes)"
                    " VALUES (%s, %s, %s, 0, 0)", [cid, consultation_id, position])
        buckets = self._buckets(arrondissement, age_band, e.theme, week)
        for dimension, bucket in buckets:
            self._add(cur, consultation_id, dimension, bucket, e.channel, contributions=1)
        if e.channel == ONLINE and e.author_id:
            for dimension, bucket in buckets:
                cur.execute(
                    "INSERT INTO rm_restitution_members (consultation_id, dimension, bucket, person_id)"
                    " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    [consultation_id, dimension, bucket, e.author_id.hex])
                if cur.rowcount == 1:
                    self._add(cur, consultation_id, dimension, bucket, ONLINE, participants=1)

    def _leave(self, cur, cid: str, new_status: str, *, withdrawn: bool | None = None) -> None:
        row = cur.execute(self._ITEM, [cid]).fetchone()
        if row is None:
            return
        if row[6] == PUBLISHED and new_status != PUBLISHED:
            self._bump(cur, row, -1)
        elif row[6] != PUBLISHED and new_status == PUBLISHED:
            self._bump(cur, row, +1)
        cur.execute("UPDATE rm_restitution_items SET status = %s, withdrawn = COALESCE(%s, withdrawn)"
                    " WHERE contribution_id = %s", [new_status, withdrawn, cid])

    def _ContributionWithdrawn(self, cur, e, position):
        self._leave(cur, e.originator_id.hex, WITHDRAWN, withdrawn=True)

    def _ContributionHidden(self, cur, e, position):
        self._leave(cur, e.originator_id.hex, HIDDEN)

    def _ContributionRestored(self, cur, e, position):
        cid = e.originator_id.hex
        withdrawn = cur.scalar("SELECT withdrawn FROM rm_restitution_items WHERE contribution_id = %s", [cid])
        self._leave(cur, cid, WITHDRAWN if withdrawn else PUBLISHED)

    # -- votes ---------------------------------------------------------------------------
    def _count_vote(self, cur, item_id: str, channel: str, votes: int, agree: int) -> None:
        row = cur.execute("SELECT consultation_id, theme FROM rm_restitution_items WHERE contribution_id = %s",
                          [item_id]).fetchone()
        if row is None or not (votes or agree):
            return
        cur.execute("UPDATE rm_restitution_support SET votes = votes + %s, agree = agree + %s WHERE contribution_id = %s",
                    [votes, agree, item_id])
        self._add(cur, row[0], "total", "", channel, votes=votes)
        self._add(cur, row[0], "theme", row[1], channel, votes=votes)

    def _vote(self, cur, vote_id: str, option: str | None, item_id: str | None = None) -> None:
        row = cur.execute("SELECT item_id, option FROM rm_restitution_votes WHERE vote_id = %s", [vote_id]).fetchone()
        if row is None:
            cur.execute("INSERT INTO rm_restitution_votes (vote_id, item_id, option) VALUES (%s, %s, %s)",
                        [vote_id, item_id, option])
            item, old = item_id, None
        else:
            item, old = row
            cur.execute("UPDATE rm_restitution_votes SET option = %s WHERE vote_id = %s", [option, vote_id])
        self._count_vote(cur, item, ONLINE, (option is not None) - (old is not None),
                         (option == AGREE) - (old == AGREE))

    def _VoteCast(self, cur, e, position):
        self._vote(cur, e.originator_id.hex, e.option, e.item_id.hex)

    def _VoteChanged(self, cur, e, position):
        self._vote(cur, e.originator_id.hex, e.option)

    def _VoteWithdrawn(self, cur, e, position):
        self._vote(cur, e.originator_id.hex, None)

    def _ShowOfHandsRecorded(self, cur, e, position):
        meeting, item = e.originator_id.hex, e.item_id.hex
        votes, agree = sum(e.counts.values()), e.counts.get(AGREE, 0)
        old = cur.execute("SELECT votes, agree FROM rm_restitution_hands WHERE meeting_id = %s AND item_id = %s",
                          [meeting, item]).fetchone() or (0, 0)
        cur.execute("INSERT INTO rm_restitution_hands (meeting_id, item_id, votes, agree) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (meeting_id, item_id) DO UPDATE SET votes = excluded.votes, agree = excluded.agree",
                    [meeting, item, votes, agree])
        self._count_vote(cur, item, IN_PERSON, votes - old[0], agree - old[1])

    # -- the restitution's own events ----------------------------------------------------
    def _RestitutionOpened(self, cur, e, position):
        cur.execute("INSERT INTO rm_restitution_reports (restitution_id, consultation_id) VALUES (%s, %s)",
                    [e.originator_id.hex, e.consultation_id.hex])

    def _ContributionAnswered(self, cur, e, position):
        cid = e.contribution_id.hex
        row = cur.execute(self._ITEM, [cid]).fetchone()
        if row is None:
            return
        if row[6] == PUBLISHED:
            if row[7]:
                self._add(cur, row[0], "answer", row[7], row[1], contributions=-1)
            self._add(cur, row[0], "answer", e.status, row[1], contributions=1)
        at = e.timestamp.isoformat()
        cur.execute("UPDATE rm_restitution_items SET answer_status = %s, answer_justification = %s,"
                    " answer_revision = %s, answered_at = %s, answer_position = %s WHERE contribution_id = %s",
                    [e.status, e.justification, e.revision, at, position, cid])
        cur.execute("INSERT INTO rm_restitution_answers (contribution_id, revision, status, justification, answered_at)"
                    " VALUES (%s, %s, %s, %s, %s)", [cid, e.revision, e.status, e.justification, at])

    def _ContributionQuoted(self, cur, e, position):
        cur.execute("UPDATE rm_restitution_items SET quoted_position = %s WHERE contribution_id = %s",
                    [position, e.contribution_id.hex])

    def _QuoteRemoved(self, cur, e, position):
        cur.execute("UPDATE rm_restitution_items SET quoted_position = NULL WHERE contribution_id = %s",
                    [e.contribution_id.hex])

    def _RestitutionPublished(self, cur, e, position):
        consultation_id = cur.scalar("SELECT consultation_id FROM rm_restitution_reports WHERE restitution_id = %s",
                                     [e.originator_id.hex])
        opened = self.vault.unseal(snapshot_key(UUID(consultation_id), e.snapshot_sha256), e.sealed_snapshot, cur=cur)
        cur.execute(
            "INSERT INTO rm_restitution_versions (consultation_id, number, snapshot_sha256, snapshot, answered,"
            " contributions, published_at, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [consultation_id, e.number, e.snapshot_sha256, opened["snapshot"] if opened else None, e.answered,
             e.contributions, e.timestamp.isoformat(), position])
