"""Reads from a PostgreSQL hot standby, with read-your-writes (engage.database_url_read).

A tween routes each web request's reads (pages, the API, open data) through a ReadRoute
(engage/db.py): the replica when it has replayed the visitor's last write, waiting for it at
most engage.read_replica.max_wait_ms (200 ms); the primary otherwise, and whenever the replica
is down. Writes, sessions, credentials, keys and the projections always use the primary.

The visitor's last write is its position in the primary's WAL, read once the request wrote
(after its read-your-writes wait: the read models then hold the write) and kept in the
`engage_lsn` cookie: a number, the same for everyone who wrote at that moment, tied to no
identity, HttpOnly, SameSite=Lax, gone after five minutes. A visitor without it reads the
replica at once. Without a replica configured the tween is not installed.
"""

from __future__ import annotations

import re

from engage.db import ReadRoute, routed_reads
from engage.observability.metrics import metrics_of
from engage.services import as_bool

LSN_COOKIE = "engage_lsn"
LSN_COOKIE_MAX_AGE = 300  # seconds: far beyond any lag the replica is waited for
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NUMBER = re.compile(r"^[0-9]{1,20}$")


def remembered_position(request) -> int | None:
    """The visitor's last write position, from its cookie; None when absent or malformed."""
    value = request.cookies.get(LSN_COOKIE) or ""
    return int(value) if _NUMBER.match(value) else None


def replica_tween_factory(handler, registry):
    engage = registry.engage
    if engage.db.replica is None:
        return handler
    secure = as_bool(registry.settings.get("engage.secure_cookies", "false"))

    def replica_tween(request):
        remembered = remembered_position(request)
        with routed_reads(ReadRoute(lsn=remembered)) as route:
            response = handler(request)
        if route.fallback:
            metrics = metrics_of(request.registry)
            if metrics is not None:
                metrics.replica_fallbacks.labels(route.fallback).inc()
        if route.wrote or request.method not in SAFE_METHODS:
            position = engage.db.wal_position()
            if position is not None and (remembered is None or position > remembered):
                response.set_cookie(LSN_COOKIE, str(position), max_age=LSN_COOKIE_MAX_AGE, path="/",
                                    httponly=True, samesite="Lax", secure=secure)
        return response

    return replica_tween


def includeme(config) -> None:
    config.add_tween("engage.replica.replica_tween_factory")
