"""The benchmark code runs, at a tiny scale (figures are not checked: speed is not a test)."""

import pytest

from benchmarks import environment, measure, suite
from benchmarks.generator import generate


@pytest.fixture
def bench_schema():
    schema = "t_bench_smoke"
    environment.drop_schema(schema)
    yield schema
    environment.drop_schema(schema)


def test_generator_resumes_and_the_suite_reports(bench_schema):
    with environment.services(bench_schema) as engage:
        counts = generate(engage, 0.0005)  # 54 card holders
        assert generate(engage, 0.0005) == counts  # resumed: nothing more to do
        engage.engine.catch_up()
        with engage.db.reading() as cur:
            assert cur.scalar("SELECT COUNT(*) FROM rm_cards") == counts["card_holders"]
        lines = suite.projections_and_rebuild(engage) + suite.transparency(engage)
    assert any("B2 ratio" in line for line in lines)
    assert any("inclusion proof" in line for line in lines)
    assert measure.raw_insert_rate(rows=32, clients=4) > 0
