"""The OpenAPI 3.1 document: generated from the registry, valid, and true to the API.

The schemathesis run is bounded (BUDGET examples in all, shared between the operations and
the two generation modes, at least MINIMUM each; no deadline: a count, not a timing) and
runs against the WSGI app in process.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from engage.opendata import REGISTRY
from tests.common.opendata import issue_cards, services

BUDGET = 300
MINIMUM = 8


def test_document_is_valid_openapi_3_1(testapp):
    from openapi_spec_validator import validate

    document = testapp.get("/api/openapi.json").json
    assert document["openapi"] == "3.1.0"
    validate(document)
    for dataset in REGISTRY:
        assert f"/api/{dataset.name}" in document["paths"]
    assert "/opendata/changes" in document["paths"]
    assert document["info"]["license"]["name"] == "ODbL-1.0"


def test_schemathesis_finds_no_server_error_and_no_schema_break(make_app):
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis.checks import (
        content_type_conformance,
        negative_data_rejection,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    testapp = make_app(**{"engage.transparency.checkpoint_interval": "0"})
    issue_cards(services(testapp), {(11, "25-34"): 5, (12, "18-24"): 1, (3, "65-plus"): 6})
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", testapp.app)
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance,
              content_type_conformance]
    document = testapp.get("/api/openapi.json").json
    operations, calls = 0, []
    examples = max(MINIMUM, BUDGET // (2 * len(document["paths"])))
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        modes = [(GenerationMode.POSITIVE, [])]
        if document["paths"][operation.path]["get"].get("parameters"):
            # Invalid parameters must be refused with a 4xx (never a 5xx, never accepted).
            modes.append((GenerationMode.NEGATIVE, [negative_data_rejection]))
        for mode, extra in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def run(case):
                calls.append(case.call_and_validate(checks=checks + extra).status_code)

            run()
    assert operations == len(REGISTRY) + 5
    # The run really exercised the API, both ways: answers and refusals.
    assert len(calls) > 4 * examples and 200 in calls and 400 in calls
    print(len(calls), "calls", sorted(set(calls)))
