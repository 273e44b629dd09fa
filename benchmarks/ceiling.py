"""The framework's ceiling: the least a Pyramid request that writes can cost here.

    python -m benchmarks.ceiling PORT DATABASE_URL TABLE

One view, no session, no CSRF, no template: one INSERT per request into a table of its own,
on a pooled autocommit psycopg connection, answered with the 303 a vote gets; served by
waitress with the settings engage's web process has (ENGAGE_BENCH_WAITRESS, from
benchmarks/servers.py). B1 divided by its rate says how much of the framework's room engage
uses.
"""

from __future__ import annotations

import json
import os
import sys
import uuid

from psycopg_pool import ConnectionPool
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPSeeOther
from waitress import serve

from .environment import conninfo

PATH = "/vote"
# One connection per connection the client keeps open: no request waits for the pool.
POOL_SIZE = 16


def create_table(pool: ConnectionPool, table: str) -> None:
    with pool.connection() as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (id bigserial PRIMARY KEY, voter uuid NOT NULL,"
                     " item uuid NOT NULL, choice text NOT NULL, cast_at timestamptz NOT NULL DEFAULT now(),"
                     " UNIQUE (voter, item))")


def make_pool(database_url: str, size: int) -> ConnectionPool:
    return ConnectionPool(kwargs={**conninfo(database_url), "autocommit": True}, min_size=size, max_size=size,
                          open=True, name="bench-ceiling")


def make_app(pool: ConnectionPool, table: str):
    def vote(request):
        with pool.connection() as conn:
            conn.execute(f"INSERT INTO {table} (voter, item, choice) VALUES (%s, %s, %s)",
                         [uuid.uuid4(), uuid.uuid4(), "d-accord"])
        return HTTPSeeOther(PATH)

    with Configurator() as config:
        config.add_route("vote", PATH)
        config.add_view(vote, route_name="vote", request_method="POST")
        return config.make_wsgi_app()


def main(argv=None) -> int:
    port, database_url, table = argv or sys.argv[1:]
    waitress = json.loads(os.environ.get("ENGAGE_BENCH_WAITRESS", "{}"))
    pool = make_pool(database_url, size=POOL_SIZE)
    create_table(pool, table)
    try:
        serve(make_app(pool, table), host="127.0.0.1", port=int(port), _quiet=True, **waitress)
    finally:
        pool.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
