"""Prometheus metrics at /metrics (prometheus_client, text format).

- engage_request_duration_seconds{route, method, status}: a histogram, by route name (a
  bounded set: never the raw path, which holds ids);
- engage_events_appended_total: the log's head (its highest notification id);
- engage_projection_lag_events{projection}: events each read model is behind the head;
- engage_transparency_tree_size, engage_transparency_checkpoint_size and
  engage_transparency_checkpoint_age_seconds;
- engage_replica_fallbacks_total{reason="lagging"|"down"}: requests read from the primary
  although a read replica is configured;
- engage_mails_total{outcome="sent"|"failed"}: mails are sent while the request or the
  policy runs (no queue), so "waiting" is always zero and failures are what to watch.

The database figures are read when Prometheus scrapes (one short read transaction), not
kept in memory: every web node reports the same log, whichever answered. Each application
has its own registry, so two apps in one process (the tests) never collide.
"""

from __future__ import annotations

import time
from typing import Any, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

#: Seconds: fine where pages should answer (5-100 ms), coarse beyond.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self, registry_: Any = None, token: str | None = None):
        self.registry = CollectorRegistry(auto_describe=True)
        self.token = token or None
        self.requests = Histogram(
            "engage_request_duration_seconds", "Time to answer a request, by route.",
            ("route", "method", "status"), buckets=BUCKETS, registry=self.registry,
        )
        self.replica_fallbacks = Counter(
            "engage_replica_fallbacks", "Requests whose reads went to the primary instead of the read"
            " replica, by reason (lagging: it had not replayed the visitor's write in time; down).",
            ("reason",), registry=self.registry)
        self.mails = Counter("engage_mails", "Mails handed to the mail server, by outcome.",
                             ("outcome",), registry=self.registry)
        if registry_ is not None:
            self.registry.register(LogCollector(registry_))

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], registry_: Any) -> "Metrics":
        return cls(registry_, settings.get("engage.metrics.token"))


class LogCollector:
    """The event log's and the read models' figures, read at scrape time."""

    def __init__(self, registry_: Any):
        self.pyramid_registry = registry_

    def describe(self) -> list:
        return []  # collected lazily: the database may not be up when the app is built

    def collect(self):
        from engage.observability.health import status

        engage = getattr(self.pyramid_registry, "engage", None)
        if engage is None:
            return
        current = status(engage)
        yield CounterMetricFamily("engage_events_appended", "Events in the log (its head position).",
                                  value=current.head)
        lag = GaugeMetricFamily("engage_projection_lag_events", "Events a read model is behind the log.",
                                labels=("projection",))
        for name, behind in sorted(current.lag.items()):
            lag.add_metric((name,), behind)
        yield lag
        yield GaugeMetricFamily("engage_transparency_tree_size", "Leaves in the transparency log.",
                                value=current.tree_size)
        yield GaugeMetricFamily("engage_transparency_checkpoint_size", "Leaves the latest signed checkpoint covers.",
                                value=current.checkpoint_size or 0)
        if current.checkpoint_age is not None:
            yield GaugeMetricFamily("engage_transparency_checkpoint_age_seconds",
                                    "Seconds since the latest checkpoint was signed.", value=current.checkpoint_age)


def metrics_of(registry_: Any) -> Metrics | None:
    return getattr(registry_, "engage_metrics", None)


def latency_tween_factory(handler, registry_):
    metrics = metrics_of(registry_)

    def tween(request):
        started = time.perf_counter()
        status = "500"
        try:
            response = handler(request)
            status = str(response.status_int)
            return response
        finally:
            route = request.matched_route.name if request.matched_route else "none"
            metrics.requests.labels(route, request.method, status).observe(time.perf_counter() - started)

    return tween
