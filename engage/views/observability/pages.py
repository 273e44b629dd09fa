"""/healthz (the process answers), /readyz (it can answer correctly: engage.observability.
health) and /metrics (Prometheus). No session, no cookie, never cached.

/metrics shows counts of the log and of the requests, nothing personal; still, when
engage.metrics.token is set it answers only to `Authorization: Bearer <token>` (the reverse
proxy should not route it from outside anyway: docs/DEPLOY.md)."""

from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from engage.observability.health import Limits, readiness
from engage.observability.metrics import metrics_of

NOT_CACHED = {"Cache-Control": "no-store"}


@view_config(route_name="healthz", permission=NO_PERMISSION_REQUIRED)
def healthz(request):
    return Response("ok\n", content_type="text/plain", charset="utf-8", headers=NOT_CACHED)


@view_config(route_name="readyz", permission=NO_PERMISSION_REQUIRED, renderer="json")
def readyz(request):
    checks = readiness(request.registry.engage, Limits.from_settings(request.registry.settings))
    ready = all(check.ok for check in checks)
    request.response.status_int = 200 if ready else 503
    request.response.headers.update(NOT_CACHED)
    return {"ready": ready, "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks}}


@view_config(route_name="metrics", permission=NO_PERMISSION_REQUIRED)
def metrics(request):
    found = metrics_of(request.registry)
    if found.token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {found.token}".encode()):
            raise HTTPNotFound()  # nothing to see here for whoever lacks the token
    return Response(generate_latest(found.registry), content_type=CONTENT_TYPE_LATEST.split(";")[0],
                    charset="utf-8", headers=NOT_CACHED)
