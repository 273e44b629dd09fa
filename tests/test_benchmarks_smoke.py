"""The benchmark code runs, at a tiny scale (figures are not checked: speed is not a test)."""

import pytest

from benchmarks import environment, generator, measure, suite
from benchmarks.generator import generate


@pytest.fixture
def bench_schema():
    schema = "t_bench_smoke"
    environment.drop_schema(schema)
    yield schema
    environment.drop_schema(schema)


class Interrupted(Exception):
    pass


def test_generator_resumes_after_an_interruption_and_the_suite_reports(bench_schema, monkeypatch):
    scale = 0.0005  # 54 card holders, 32 members, 1 session, 100 contributions, 1,000 votes
    monkeypatch.setattr(generator, "VOTE_BATCH", 300)
    monkeypatch.setattr(generator, "BATCH", 40)
    real_advance = generator.Progress.advance
    calls = {"votes": 0, "contributions": 0}

    def interrupted(self, step, done):
        # Stop twice: once between a batch's save and its mark (the batch is written again and
        # collides), once after a mark (the next batch starts where it stopped).
        if step in calls:
            calls[step] += 1
            if step == "contributions" and calls[step] == 2:
                raise Interrupted("after the save, before the mark")
            if step == "votes" and calls[step] == 2:
                real_advance(self, step, done)
                raise Interrupted("after the mark")
        real_advance(self, step, done)

    with environment.services(bench_schema) as engage:
        monkeypatch.setattr(generator.Progress, "advance", interrupted)
        for _ in range(2):
            with pytest.raises(Interrupted):
                generate(engage, scale, quiet=True)
        monkeypatch.setattr(generator.Progress, "advance", real_advance)
        result = generate(engage, scale, quiet=True)
        counts = result.counts
        assert generate(engage, scale, quiet=True).rate()[0] == 0  # resumed to the end: nothing more to do
        engage.engine.catch_up()
        with engage.db.reading() as cur:
            assert cur.scalar("SELECT COUNT(*) FROM rm_cards") == counts["card_holders"]
            assert cur.scalar("SELECT COUNT(*) FROM rm_pb_members") == counts["pb_members"]
            assert cur.scalar("SELECT COUNT(*) FROM rm_contributions") == counts["contributions"] == 100
            assert cur.scalar("SELECT COUNT(*) FROM rm_contributions WHERE channel = 'en présentiel'") == 20
            assert cur.scalar("SELECT COUNT(*) FROM rm_meetings") == 20
            assert cur.scalar("SELECT COUNT(*) FROM rm_votes") == counts["votes"] == 1000
            assert cur.scalar("SELECT SUM(votes) FROM rm_vote_counts") == 1000
            assert cur.scalar("SELECT COUNT(*) FROM rm_workshop_sessions") == counts["workshop_sessions"]
        lines = suite.projections_and_rebuild(engage) + suite.transparency(engage)
    assert any("B2 ratio" in line for line in lines)
    assert any("inclusion proof" in line for line in lines)
    assert measure.raw_insert_rate(rows=32, clients=4) > 0
