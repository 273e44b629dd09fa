"""eventsourcing's PostgreSQL persistence, with fewer round trips and no check on checkout.

engage/db.py names this module as PERSISTENCE_MODULE on PostgreSQL. Two changes to
eventsourcing 9.5.6's recorder and datastore, everything else as it is:

- A write is one statement, in one round trip: a function of ours, `engage_append_events`,
  takes the lock on the events table, NOTIFYs and INSERTs, in the statement's own transaction
  (autocommit). eventsourcing sends BEGIN, SET LOCAL, LOCK, NOTIFY, INSERT and COMMIT, with
  three Syncs; sent in one pipeline they were still six statements to build, convert and send,
  ~0.8 ms of the web process's CPU on the path of every vote. The lock and the commit order it
  guarantees are unchanged: the lock is held until the statement's transaction commits. A
  refused INSERT (a second first version of an aggregate) fails the statement: nothing is
  written, and it is the IntegrityError the domain expects. The function is created (CREATE
  OR REPLACE) with eventsourcing's own tables and functions, at every start.
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
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

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
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any):
        super().__init__(datastore, **kwargs)
        schema, table = Identifier(datastore.schema), Identifier(self.events_table_name)
        function = SQL("{schema}.engage_append_events").format(schema=schema)
        self.sql_create_statements.append(SQL(
            "CREATE OR REPLACE FUNCTION {function}(events {schema}.{event}[]) RETURNS SETOF bigint"
            " LANGUAGE plpgsql AS $BODY$ BEGIN"
            " SET LOCAL lock_timeout = '{lock_timeout}s';"
            " LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;"
            " NOTIFY {channel};"
            " RETURN QUERY INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)"
            " SELECT originator_id, originator_version, topic, state FROM unnest(events)"
            " RETURNING notification_id;"
            " END; $BODY$"
        ).format(function=function, schema=schema, table=table, event=Identifier(self.stored_event_type_name),
                 lock_timeout=datastore.lock_timeout, channel=Identifier(self.channel_name)))
        # A plain string, converted once by psycopg and prepared after a few runs (a Composed
        # statement is built again at every execute).
        self._append = SQL("SELECT engage_append_events FROM {function}(%s)").format(function=function).as_string(None)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return None
        events = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                  for e in stored_events]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            assert conn.autocommit  # the statement is its own transaction
            curs.execute(self._append, (events,))
            return [row["engage_append_events"] for row in curs.fetchall()]


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

