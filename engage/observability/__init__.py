"""What operators watch: liveness and readiness (health.py), Prometheus metrics (metrics.py),
JSON log lines (logs.py). The HTTP side is engage/views/observability."""


def includeme(config) -> None:
    from engage.observability.metrics import Metrics

    config.registry.engage_metrics = Metrics.from_settings(config.get_settings(), config.registry)
    config.add_tween("engage.observability.metrics.latency_tween_factory")
