"""/healthz, /readyz and /metrics: what an operator's probes and Prometheus read."""

from __future__ import annotations

import json
import logging

from prometheus_client.parser import text_string_to_metric_families

from engage.observability.logs import JsonFormatter
from tests.common.accounts import PASSWORD, resident


def samples(testapp, **headers) -> dict[tuple[str, tuple], float]:
    text = testapp.get("/metrics", headers=headers).text
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_liveness_answers_without_a_session(testapp):
    response = testapp.get("/healthz")
    assert response.text == "ok\n"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_caught_up_node_is_ready(signed_app):
    resident(signed_app)  # some events, projected at once
    # The checkpoint is signed after the batches, by the in-process worker's thread: a page's
    # wait ends with the batches, so the readiness probe could come first (it did, under load).
    # The worker's loop here, in this thread: projections, then the checkpoint.
    signed_app.app.registry.engage.engine.catch_up()
    response = signed_app.get("/readyz")
    assert response.json["ready"] is True
    assert set(response.json["checks"]) == {"database", "projections", "transparency"}
    assert all(check["ok"] for check in response.json["checks"].values())


def test_a_node_whose_read_models_lag_is_not_ready_and_says_why(make_app):
    app = make_app(**{"engage.readyz.max_projection_lag": "0", "engage.projections.in_process": "false"})
    engage = app.app.registry.engage
    engage.accounts.sign_up(name="Lou Retard", email="lou@exemple.fr", display_name="Lou", password=PASSWORD)
    response = app.get("/readyz", status=503)
    check = response.json["checks"]["projections"]
    assert check["ok"] is False and "events behind" in check["detail"]
    engage.engine.catch_up()  # the worker's loop: projections, then the checkpoint
    assert app.get("/readyz").json["ready"] is True


def test_metrics_count_requests_by_route_and_read_the_log(signed_app):
    resident(signed_app)
    signed_app.get("/consultations")
    found = samples(signed_app)
    count = ("engage_request_duration_seconds_count",
             (("method", "GET"), ("route", "consultations"), ("status", "200")))
    assert found[count] >= 1
    head = signed_app.app.registry.engage.engine.head()
    assert found[("engage_events_appended_total", ())] == head
    assert found[("engage_projection_lag_events", (("projection", "transparency"),))] == 0
    assert found[("engage_transparency_tree_size", ())] > 0
    assert found[("engage_mails_total", (("outcome", "sent"),))] >= 1  # the sign-up's confirmation


def test_metrics_need_the_token_when_one_is_set(make_app):
    app = make_app(**{"engage.metrics.token": "s3cret-token"})
    app.get("/metrics", status=404)
    app.get("/metrics", headers={"Authorization": "Bearer wrong"}, status=404)
    assert "engage_events_appended_total" in app.get(
        "/metrics", headers={"Authorization": "Bearer s3cret-token"}).text


def test_json_log_lines_carry_time_level_logger_message_and_extras():
    record = logging.LogRecord("engage.test", logging.WARNING, __file__, 1, "lag %s", (3,), None)
    record.projection = "transparency"
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "engage.test"
    assert line["message"] == "lag 3" and line["projection"] == "transparency"
    assert line["time"].endswith("Z")


def test_a_grown_tree_without_a_recent_checkpoint_is_not_ready(make_app):
    """The signer runs beside the projections: a tree that grew while no checkpoint was
    signed for longer than allowed means that process is stuck or down."""
    app = make_app(**{"engage.readyz.max_checkpoint_age": "0", "engage.projections.in_process": "false"})
    engage = app.app.registry.engage
    engage.accounts.sign_up(name="Lou Retard", email="lou@exemple.fr", display_name="Lou", password=PASSWORD)
    engage.engine.process_shared_batch(list(engage.engine.projections))  # projected, not signed
    check = app.get("/readyz", status=503).json["checks"]["transparency"]
    assert check["ok"] is False and "unsigned, never signed" in check["detail"]
