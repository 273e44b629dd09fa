"""The benchmark code runs, at a tiny scale (figures are not checked: speed is not a test)."""

import collections
import configparser
import datetime
import random
import shutil
import sys
import types
from urllib.parse import parse_qs, parse_qsl, urlsplit
from uuid import UUID, uuid4

import psycopg
import pytest
import webtest

from benchmarks import (
    ceiling,
    cpu_budget,
    environment,
    generator,
    lag,
    measure,
    profile,
    servers,
    suite,
    votes,
    writes,
    wrk,
)
from benchmarks.generator import generate
from engage.domain.common import AGE_BANDS
from engage.domain.workshops.model import THEMES as WORKSHOP_THEMES
from engage.opendata.aggregates import card_holders
from engage.projections.workshops.queries import PAGE_SIZE as CATALOGUE_PAGE


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
    # B4's floors (300 sessions, 15,000 card holders) would multiply this test's time.
    monkeypatch.setattr(generator, "MIN_WORKSHOP_SESSIONS", 1)
    monkeypatch.setattr(generator, "MIN_CARD_HOLDERS", 1)
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
        lines = suite.projections_and_rebuild(engage, bench_schema) + suite.transparency(engage)
    assert any("B2 ratio" in line for line in lines)
    assert any("inclusion proof" in line for line in lines)
    assert measure.raw_insert_rate(rows=32, clients=4) > 0


def test_the_small_dataset_fills_b4s_workshop_catalogue_pages_and_the_2017_scale_is_unchanged():
    """B4 compares a page on the 1 % dataset with the 2017 one: both must show a full page (and a
    next one), or the ratio measures rendering 0 rows against 10. Drawn as the generator draws them,
    without a database (the draws do not depend on one)."""
    counts = generator.scaled(0.01)
    now = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)
    workshops = [str(uuid4()) for _ in WORKSHOP_THEMES]
    upcoming = [s for s in generator.drawn_sessions(workshops, now, counts["card_holders"], 2017, 0,
                                                    counts["workshop_sessions"])
                if s.starts_at > now + datetime.timedelta(days=1)]
    catalogues = [dict(parse_qsl(urlsplit(path).query)) for _, path in suite.READ_PAGES
                  if urlsplit(path).path == "/ateliers"]
    assert {} in catalogues and len(catalogues) > 1
    for filters in catalogues:
        shown = [s for s in upcoming if str(s.arrondissement) == filters.get("arrondissement", str(s.arrondissement))]
        assert len(shown) > CATALOGUE_PAGE, filters
    assert generator.scaled(1.0)["workshop_sessions"] == generator.PARIS_2017["workshop_sessions"] == 500


def test_the_small_dataset_publishes_every_card_holder_cell_as_the_2017_one_does():
    """B4's home page and card-holders API blank the cells under 5 and then search for what would
    give them away: the 1 % dataset must not run that search when the 2017 one does not."""
    counts = generator.scaled(0.01)
    rng, bands, cells = random.Random(2017), list(AGE_BANDS), collections.Counter()
    for start in range(0, counts["card_holders"], generator.BATCH):  # as _card_holders draws them
        size = min(generator.BATCH, counts["card_holders"] - start)
        cells.update((d.arrondissement, d.age_band) for d in generator.card_draws(rng, bands, 2017, start, size))
    table = card_holders(cells)
    assert None not in table.cells.values() and table.total == counts["card_holders"]
    assert generator.scaled(1.0)["card_holders"] == generator.PARIS_2017["card_holders"] == 108_000


def test_the_small_datasets_items_get_their_d_accord_votes_as_the_2017_ones_do():
    """B4's contribution lists look an item's vote table up when its d'accord total is 5 or more
    (to publish it): at 1 % every kind of item (its number mod 5 decides its channel and kind)
    must get its share of d'accord, or the 1 % lists skip lookups the 2017 ones make."""
    counts = generator.scaled(0.01)
    agree, votes = collections.Counter(), collections.Counter()
    for k in range(counts["votes"]):
        _, number, option = generator.vote_draw(k, counts["voters"], counts["contributions"])
        votes[number % 5] += 1
        agree[number % 5] += option == "d-accord"
    assert all(0.5 < agree[r] / votes[r] < 0.7 for r in range(5)), {r: agree[r] / votes[r] for r in range(5)}
    full = generator.scaled(1.0)
    assert full["voters"] == full["card_holders"]  # the 2017 votes as they were drawn


# --- B1's tools: the framework's ceiling, wrk's prepared requests and its output, the lag, the profile

CEILING_TABLE = "t_bench_smoke_ceiling"


@pytest.fixture
def ceiling_pool():
    environment.drop_table(CEILING_TABLE)
    pool = ceiling.make_pool(environment.base_url(), size=2)
    ceiling.create_table(pool, CEILING_TABLE)
    yield pool
    pool.close()
    environment.drop_table(CEILING_TABLE)


def ceiling_rows(pool) -> int:
    with pool.connection() as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {CEILING_TABLE}").fetchone()[0]


def test_the_ceiling_answers_a_vote_with_303_and_one_insert(ceiling_pool):
    app = webtest.TestApp(ceiling.make_app(ceiling_pool, CEILING_TABLE))
    for expected in (1, 2):
        assert app.post(ceiling.PATH, {"csrf_token": "x", "option": "d-accord"}).status_int == 303
        assert ceiling_rows(ceiling_pool) == expected
    app.get(ceiling.PATH, status=404)  # one view, for POST only


def ballot_of(count: int) -> votes.Ballot:
    return votes.Ballot("bench-smoke", [UUID(int=n + 1) for n in range(count)], [])


def test_every_prepared_vote_is_a_distinct_first_vote_each_thread_walking_its_own(tmp_path):
    ballot = ballot_of(3)
    sessions = [votes.Session(f"session=s{k}; other=o{k}", f"token{k}") for k in range(4)]
    prepared = votes.vote_requests(ballot, ballot.items, sessions)
    script = wrk.write_script(tmp_path, wrk.deal(prepared))

    lines = (tmp_path / "requests.tsv").read_text().splitlines()
    assert len(lines) == 12
    rows = [line.split("\t") for line in lines]
    assert len({(path, cookie) for _, path, cookie, _ in rows}) == 12  # every (person, item) once
    assert {thread for thread, *_ in rows} == {"0", "1"}
    for _, path, cookie, body in rows:
        k = cookie.split("=s")[1][0]
        assert parse_qs(body) == {"csrf_token": [f"token{k}"], "option": ["d-accord"], "submit": ["submit"]}
        assert path.startswith("/consultations/bench-smoke/contributions/") and path.endswith("/voter")
    # the sessions take turns: the first requests of a thread come from different people
    first = [cookie for thread, _, cookie, _ in rows if thread == "0"][:2]
    assert first[0] != first[1]
    lua = script.read_text()
    assert str((tmp_path / "requests.tsv").resolve()) in lua
    for hook in ("function setup(thread)", "function init(args)", "function request()",
                 "function response(status, headers, body)", "function done(summary, latency, requests)"):
        assert hook in lua
    with pytest.raises(ValueError):
        wrk.write_script(tmp_path, [prepared, []])  # a thread with nothing to send


# What `wrk --latency -t2 -c16 -d15s -s walk.lua` printed against engage's vote route.
WRK_OUTPUT = """\
Running 15s test @ http://127.0.0.1:41234
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   163.52ms   58.41ms 412.07ms   70.12%
    Req/Sec    49.33     15.02    90.00     68.00%
  Latency Distribution
     50%  157.20ms
     75%  198.33ms
     90%  241.87ms
     99%  272.41ms
  1476 requests in 15.04s, 1.23MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
Requests/sec:     98.13
Transfer/sec:     83.69KB
bench-status 303 1470
bench-status 409 4
bench-wrapped 0
bench-duration-us 15041233
bench-latency-us 50 157203
bench-latency-us 90 241870
bench-latency-us 95 255102
bench-latency-us 99 272410
"""


def test_wrk_output_is_parsed_with_the_scripts_statuses_and_p95():
    result = wrk.parse(WRK_OUTPUT)
    assert result.requests == 1476 and result.requests_per_s == 98.13
    assert result.seconds == pytest.approx(15.041233)
    assert result.latency_ms == {50: 157.203, 75: 198.33, 90: 241.87, 95: 255.102, 99: 272.41}
    assert result.statuses == {303: 1470, 409: 4}
    assert result.unexpected(303) == 4 + 2  # the 409s and the timeouts
    assert result.rate(303) == pytest.approx(1470 / 15.041233)
    assert "6 errors" in result.summary(303)
    # wrk's own table alone (no script): seconds from its summary line, units converted
    plain = wrk.parse(WRK_OUTPUT.split("bench-status")[0].replace("157.20ms", "1.50s"))
    assert plain.seconds == pytest.approx(15.04) and plain.latency_ms[50] == 1500.0 and plain.statuses == {}
    with pytest.raises(ValueError):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused")


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (scripts/ensure-wrk.sh; make bench)")
def test_wrk_drives_the_ceiling_for_one_second(tmp_path):
    environment.drop_table(CEILING_TABLE)
    port = servers.free_port()
    script = wrk.write_script(tmp_path, [[wrk.Request(ceiling.PATH, "", "option=d-accord")]] * wrk.THREADS)
    try:
        with servers.ceiling(environment.base_url(), CEILING_TABLE, port):
            result = wrk.run(f"http://127.0.0.1:{port}", script, 1, connections=4)
        with psycopg.connect(**environment.conninfo(environment.base_url())) as conn:
            rows = conn.execute(f"SELECT COUNT(*) FROM {CEILING_TABLE}").fetchone()[0]
    finally:
        environment.drop_table(CEILING_TABLE)
    assert result.count(303) > 0 and result.unexpected(303) == 0
    assert rows >= result.count(303)  # a request in flight at the end inserted without being counted
    assert 95 in result.latency_ms


def test_the_catch_up_lag_of_each_head_is_the_time_until_every_projection_reached_it():
    samples = [(0.0, 10, 10), (0.05, 12, 10), (0.10, 15, 12), (0.15, 15, 14), (0.20, 15, 15), (0.25, 18, 15)]
    lags, unreached = lag.catch_up_lags(samples)
    assert lags == pytest.approx([0.0, 0.05, 0.10])  # 10 at once, 12 after 50 ms, 15 after 100 ms
    assert unreached == 1  # 18, never reached within the samples
    assert "1 heads never reached" in lag.summary(samples)


RAW_PROFILE = """\
Thread._bootstrap (threading.py:1002);handler_thread (waitress/task.py:84);wait (threading.py:320) 500
Thread._bootstrap (threading.py:1002);handler_thread (waitress/task.py:84);HTTPChannel.service (waitress/channel.py:428);WSGITask.execute (waitress/task.py:543);Router.__call__ (pyramid/router.py:270);contribution_vote (engage/views/consultations/pages.py:314);wait_for_write (engage/views/toolkit.py:62);ProjectionEngine.wait_for (engage/projections/engine.py:225);Condition.wait (threading.py:324) 30
Thread._bootstrap (threading.py:1002);handler_thread (waitress/task.py:84);HTTPChannel.service (waitress/channel.py:428);WSGITask.execute (waitress/task.py:543);Router.__call__ (pyramid/router.py:270);contribution_vote (engage/views/consultations/pages.py:311);Repository.get (eventsourcing/application.py:201);ConnectionPool.getconn (psycopg_pool/pool.py:190);ConnectionPool._check_connection (psycopg_pool/pool.py:310) 10
Thread._bootstrap (threading.py:1002);handler_thread (waitress/task.py:84);HTTPChannel.service (waitress/channel.py:428);WSGITask.execute (waitress/task.py:543);Router.__call__ (pyramid/router.py:270);contribution_vote (engage/views/consultations/pages.py:311);Repository.get (eventsourcing/application.py:201);PostgresDatastore.select (eventsourcing/postgres.py:400) 20
Thread._bootstrap (threading.py:1002);handler_thread (waitress/task.py:84);HTTPChannel.service (waitress/channel.py:428);WSGITask.execute (waitress/task.py:543);Router.__call__ (pyramid/router.py:270);Condition.wait (threading.py:324) 40
"""


def test_a_profile_counts_only_threads_serving_a_request_and_buckets_them():
    spied = profile.aggregate(RAW_PROFILE)
    assert spied.all_samples == 600 and spied.samples == 100  # the idle worker is left out
    assert spied.buckets == {"read-your-writes wait": 30, "pool check": 10, "aggregate load": 20,
                             profile.OTHER: 40}
    assert spied.self_counts["Condition.wait (threading.py)"] == 70
    assert spied.self_buckets["Condition.wait (threading.py)"].most_common(1)[0][0] == profile.OTHER
    assert spied.inclusive_counts["Repository.get (eventsourcing/application.py)"] == 30
    text = "\n".join(profile.report(spied, top=5))
    assert "| read-your-writes wait | 30.0 % |" in text
    assert "| 30.0 % | `Repository.get (eventsourcing/application.py)` |" in text
    assert profile.frame_name("get (/x/.venv/lib/python3.11/site-packages/eventsourcing/application.py:201)") \
        == "get (eventsourcing/application.py)"


def test_the_ini_for_engage_serve_says_how_many_processes(tmp_path):
    ini = servers.write_ini(tmp_path / "bench.ini", {"engage.database_url": "postgresql://u@h/d?x=%41"}, 6544,
                            processes=2)
    parser = configparser.ConfigParser()
    parser.read(ini)
    assert parser["app:main"][servers.PROCESSES_KEY] == "2"
    assert parser["server:main"]["listen"] == "127.0.0.1:6544"
    assert parser["server:main"]["threads"] == str(servers.WAITRESS["threads"])
    assert parser["app:main"]["engage.database_url"] == "postgresql://u@h/d?x=%41"  # % escaped for the ini


def test_a_missing_engage_serve_fails_the_measurement_instead_of_skipping_it(tmp_path, monkeypatch):
    monkeypatch.setattr(servers, "BIN", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="engage-serve"):
        with servers.engage_serve(tmp_path / "bench.ini", servers.free_port()):
            pass


def test_the_round_trips_of_a_vote_are_printed_and_their_absence_is_a_failure(monkeypatch):
    from benchmarks import roundtrips

    module = types.ModuleType("benchmarks.roundtrips")
    breakdown = {"total": 3, "new_connections": 0, "by_purpose": {("read models", "sessions"): 3}}
    module.count_vote_round_trips = lambda url: {"post": breakdown, "page": breakdown, "goal": 4}
    module.report_lines = roundtrips.report_lines
    monkeypatch.setitem(sys.modules, "benchmarks.roundtrips", module)
    outcome = writes.Outcome()
    writes._round_trips(outcome, "postgresql://u@h/d")
    assert any("the vote POST, from its arrival to its 303: **3** (goal ≤ 4)" in line for line in outcome.lines)
    assert not outcome.problems

    monkeypatch.setitem(sys.modules, "benchmarks.roundtrips", None)  # what an unmerged branch has: no module
    outcome = writes.Outcome()
    writes._round_trips(outcome, "postgresql://u@h/d")
    assert outcome.problems and "NOT MEASURED" in outcome.lines[-1]


def test_the_cpu_budget_finds_a_process_s_postgresql_backend_and_reads_its_cpu():
    import os

    with psycopg.connect(environment.base_url(), autocommit=True) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        assert cpu_budget.backends_of({"this test": os.getpid()}) == {"this test": [backend]}
        before = cpu_budget.cpu_seconds(os.getpid())
        sum(range(3_000_000))  # some CPU of its own, enough for a few clock ticks
        assert cpu_budget.cpu_seconds(os.getpid()) > before
    assert cpu_budget.cpu_seconds(2**22 + 1) == 0.0  # a process that is not there


def test_the_cpu_budget_reports_each_process_per_round_and_their_sum():
    before = {"web": (1.0, 0.5), "transparency": (2.0, 1.0)}
    after = {"web": (1.9, 0.7), "transparency": (2.3, 1.1)}
    split = {"round": (18.0, 22.0), "post": (13.0, 16.0), "page": (5.0, 6.0)}
    lines = cpu_budget._report({"web": 1, "transparency": 2}, before, after, 100, split, 1.0)
    assert "| web | 9.00 ms | 2.00 ms |" in lines
    assert "| transparency | 3.00 ms | 1.00 ms |" in lines
    assert any("**15.00 ms of CPU per vote**" in line and "at most 133 rounds/s" in line for line in lines)
