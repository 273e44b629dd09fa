"""eventsourcing's PostgreSQL persistence, with fewer round trips and no check on checkout.

engage/db.py names this module as PERSISTENCE_MODULE on PostgreSQL. Two changes to
eventsourcing 9.5.6's recorder and datastore, everything else as it is:

- A write is one round trip: BEGIN, the lock on the events table, NOTIFY, the INSERT and
  COMMIT go in one pipeline with one Sync (eventsourcing sends BEGIN, the statements, COMMIT
  and two more Syncs: five). The lock and the commit order it guarantees are unchanged. A
  refused INSERT (a second first version of an aggregate) aborts the rest of the pipeline, the
  COMMIT included: nothing is written, and it is the IntegrityError the domain expects.
- Connections are not checked with a round trip each time they are taken from the pool
  (eventsourcing's POSTGRES_PRE_PING): engage.db.locally_checked only looks, locally, whether
  the server closed the socket (pg_terminate_backend, a restart), and then replaces every
  dead connection of the pool at once. One the server closes while it is in use fails at its first statement, before
  anything is committed; the pool is then checked once, so every other dead connection goes
  too, and eventsourcing's retry decorator runs the read or write again on a live one: one
  failed attempt, not one per dead connection.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import retry
from psycopg import pq

from engage.db import locally_checked


class CheckedOnErrorDatastore(PostgresDatastore):
    @contextmanager
    def get_connection(self) -> Iterator[Any]:
        conn = None
        try:
            with super().get_connection() as conn:
                yield conn
        except (InterfaceError, OperationalError):
            if conn is not None and conn.broken:
                self.pool.check()  # the dead ones a restart left in the pool go now, not one per retry
            raise


class OneTripRecorder(PostgresApplicationRecorder):
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return None
        with self.datastore.get_connection() as conn, conn.cursor() as curs, conn.cursor() as insert:
            assert conn.autocommit
            try:
                # Sent as they come; the pipeline's end sends the one Sync and waits for every answer.
                with conn.pipeline():
                    curs.execute("BEGIN")
                    self._lock_table(curs)
                    self._notify_channel(curs)
                    PostgresAggregateRecorder._insert_stored_events(self, insert, stored_events)
                    curs.execute("COMMIT")
            except Exception:
                # A refused statement skipped the rest, the COMMIT included: end the transaction.
                if conn.pgconn.transaction_status in (pq.TransactionStatus.INERROR, pq.TransactionStatus.INTRANS):
                    conn.rollback()
                raise
            return self._fetch_ids_after_insert_events(insert, stored_events)


class Factory(PostgresFactory):
    application_recorder_class = OneTripRecorder

    def __init__(self, env: Any):
        super().__init__(env)
        # The datastore eventsourcing built from the environment, with the check-on-error above.
        self.datastore.__class__ = CheckedOnErrorDatastore
        # eventsourcing gives its pool no check without PRE_PING: this one costs no round trip,
        # and after a restart drops every dead connection at once (engage.db.locally_checked).
        pool = self.datastore.pool
        pool.__class__ = locally_checked(type(pool))

