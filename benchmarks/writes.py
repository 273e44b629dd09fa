"""B1: votes cast through the whole HTTP stack, against two baselines measured in the same run:
raw one-row INSERTs (what PostgreSQL allows) and a bare Pyramid endpoint doing one INSERT per
request behind the same waitress (what the framework allows: benchmarks/ceiling.py).

The HTTP client is wrk (compiled, 2 threads, 16 connections: it never is the bottleneck).
engage runs as in production: its web process(es) append and read, `engage-projections` is
its own process, every vote's answer waits for the read models (read-your-writes). Measured
here too: one vote's whole round on an idle server, the projections' catch-up lag under the
load, a py-spy profile of the web process under the load, and the round trips of one vote.
"""

from __future__ import annotations

import importlib
import math
import os
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from . import environment, lag, profile, servers, votes, wrk
from .ceiling import PATH as CEILING_PATH
from .measure import percentiles, raw_insert_rate

SECONDS = 15  # each wrk run
PROFILE_SECONDS = 10
ROUNDS = 200
RAW_ROWS = 8000
# Items are prepared for this many votes per second at most; beyond it wrk would send a
# prepared vote twice, which the report shows in bold (re-sent requests).
MAX_VOTES_PER_S = 800
EXPECTED = 303
# The last profiles' raw stacks, for a closer look (var/ is not committed): wall clock, active threads.
PROFILE_COPY = {idle: Path(__file__).resolve().parents[1] / "var" / f"bench-py-spy-{name}.txt"
                for idle, name in ((True, "wall"), (False, "active"))}


class Outcome:
    """The report's lines, and what could not be measured (make bench then fails, loudly)."""

    def __init__(self):
        self.lines: list[str] = []
        self.problems: list[str] = []

    def missing(self, what: str, error: Exception) -> None:
        self.problems.append(f"{what}: {error}")
        self.lines.append(f"- **NOT MEASURED: {what}: {error}**")


def run(schema: str, seconds: float = SECONDS, profile_seconds: int = PROFILE_SECONDS,
        rounds: int = ROUNDS) -> Outcome:
    per_run = math.ceil(MAX_VOTES_PER_S * seconds / wrk.CONNECTIONS)
    per_profile = math.ceil(MAX_VOTES_PER_S * (profile_seconds + 1) / wrk.CONNECTIONS)
    with environment.services(schema) as engage:
        ballot = votes.prepare(engage, people=wrk.CONNECTIONS + 1, items=2 * per_run + 2 * per_profile + rounds + 5)
    one_items, wall_items, active_items, two_items, round_items = _slices(
        ballot.items, per_run, per_profile, per_profile, per_run, rounds + 5)
    voters, round_voter = ballot.emails[:wrk.CONNECTIONS], ballot.emails[wrk.CONNECTIONS]
    settings = environment.settings(schema)  # one session secret for every server: sessions are shared
    outcome = Outcome()
    raw = raw_insert_rate(rows=RAW_ROWS, clients=wrk.CONNECTIONS)
    with tempfile.TemporaryDirectory(prefix="engage-bench-") as tmp:
        directory = Path(tmp)
        ceiling = _ceiling(directory, seconds)
        port = servers.free_port()
        ini = servers.write_ini(directory / "engage-1.ini", settings, port, processes=1)
        with servers.engage_web(settings, port) as web, servers.projections(ini):
            # The round is one vote on a running deployment: not on projection processes still
            # starting (or restarting after a failed start), whose seconds the first rounds waited.
            _caught_up(schema)
            sessions = votes.sign_in(port, ballot, voters)
            rounds_split = _vote_rounds_split(port, ballot, round_voter, round_items)
            round_p50, round_p95 = rounds_split["round"]
            one, samples = _votes_under_wrk(directory / "one", port, ballot, one_items, sessions, schema, seconds)
            spied = {idle: _profile(directory / f"profile-{idle}", port, ballot, items, sessions, web.pid,
                                    profile_seconds, idle=idle)
                     for idle, items in ((True, wall_items), (False, active_items))}
        two = samples_two = None
        port = servers.free_port()
        ini = servers.write_ini(directory / "engage-2.ini", settings, port, processes=2)
        try:
            with servers.engage_serve(ini, port), servers.projections(ini):
                _caught_up(schema)  # the groups' processes start (and build the app) before they follow
                two, samples_two = _votes_under_wrk(directory / "two", port, ballot, two_items, sessions, schema,
                                                    seconds)
        except FileNotFoundError as error:
            two_error = error
    _report(outcome, raw, ceiling, one, samples, round_p50, round_p95, spied,
            seconds=seconds, profile_seconds=profile_seconds, rounds=rounds, split=rounds_split)
    if two is not None:
        _report_two(outcome, ceiling, one, two, samples_two)
    else:
        outcome.missing("B1 at 2 web processes", two_error)
    _round_trips(outcome, environment.schema_url(schema))
    return outcome


def _slices(items: list, *sizes: int) -> list[list]:
    """Consecutive slices: each run votes on items no other run touches."""
    starts = [sum(sizes[:k]) for k in range(len(sizes))]
    return [items[start:start + size] for start, size in zip(starts, sizes)]


def _ceiling(directory: Path, seconds: float) -> wrk.WrkResult:
    table = f"bench_ceiling_votes_{os.getpid()}"  # engineers on this machine may run the benchmarks at once
    environment.drop_table(table)
    port = servers.free_port()
    body = "csrf_token=0123456789abcdef0123456789abcdef01234567&option=d-accord&submit=submit"
    script = wrk.write_script(_mkdir(directory / "ceiling"),
                              [[wrk.Request(CEILING_PATH, "", body)] for _ in range(wrk.THREADS)])
    try:
        with servers.ceiling(environment.base_url(), table, port):
            return wrk.run(f"http://127.0.0.1:{port}", script, seconds)
    finally:
        environment.drop_table(table)


def _vote_rounds_split(port: int, ballot, email: str, items, warmup: int = 5) -> dict[str, tuple[float, float]]:
    """votes.vote_rounds, its two requests timed apart too: {"round", "post", "page"}: (p50, p95) in
    ms. The POST holds the read-your-writes wait (the projections' latency for one event), the
    GET is the page alone: where a round's milliseconds go, without a profiler."""
    client = votes.Client(port)
    client.log_in(email)
    token = client.csrf_token(ballot.item_path(items[0]))
    samples: dict[str, list[float]] = {"round": [], "post": [], "page": []}
    for n, item in enumerate(items):
        start = time.perf_counter()
        status, _, headers = client.request("POST", ballot.vote_path(item), {"csrf_token": token, **votes.VOTE})
        posted = time.perf_counter()
        if status != 303:
            raise RuntimeError(f"a vote answered {status}, not 303")
        location = urlsplit(headers["location"])
        status, page, _ = client.request("GET", location.path + (f"?{location.query}" if location.query else ""))
        end = time.perf_counter()
        if status != 200 or votes.SHOWS_MY_VOTE not in page:
            raise RuntimeError(f"the page after a vote ({status}) does not show it: {page[:2000]}")
        if n >= warmup:
            samples["round"].append(end - start)
            samples["post"].append(posted - start)
            samples["page"].append(end - posted)
    client.conn.close()
    return {name: percentiles(values) for name, values in samples.items()}


def _caught_up(schema: str, timeout: float = 180) -> None:
    """Once every projection has applied a new write: the load starts on a running deployment, not
    on projection processes still starting (they would count as seconds of lag)."""
    with environment.services(schema) as engage:
        # A write of its own: the positions may already be at the head, from the last deployment.
        head = engage.app.issue_card(name="Échauffement", email="echauffement@exemple.fr", arrondissement=1,
                                     age_band="25-34", consent_to_consultation=False).position
        deadline = time.monotonic() + timeout
        while engage.engine.lowest_position() < head:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the projections did not reach the log's head ({head}) within {timeout:.0f} s")
            time.sleep(0.2)


def _votes_under_wrk(directory: Path, port: int, ballot, items, sessions, schema: str, seconds: float):
    script = wrk.write_script(_mkdir(directory), wrk.deal(votes.vote_requests(ballot, items, sessions)))
    with environment.services(schema) as engage:
        with lag.LagSampler(engage.engine.head, engage.engine.lowest_position) as sampler:
            result = wrk.run(f"http://127.0.0.1:{port}", script, seconds)
        sampler.drain()  # once the sampling thread has stopped: the samples stay in time order
    return result, sampler.samples


def _profile(directory: Path, port: int, ballot, items, sessions, pid: int, seconds: int, *,
             idle: bool) -> profile.Profile:
    script = wrk.write_script(_mkdir(directory), wrk.deal(votes.vote_requests(ballot, items, sessions)))
    output = directory / "py-spy.txt"
    spy = profile.record(pid, seconds, output, idle=idle)
    wrk.run(f"http://127.0.0.1:{port}", script, seconds + 1)
    _, errors = spy.communicate(timeout=seconds + 60)
    if spy.returncode != 0 or not output.exists():
        raise RuntimeError(f"py-spy failed ({spy.returncode}): {errors}")
    copy = PROFILE_COPY[idle]
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(output, copy)
    return profile.aggregate(output.read_text())


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _latencies(result: wrk.WrkResult) -> str:
    return ", ".join(f"p{p} {result.latency_ms[p]:.0f} ms" for p in (50, 90, 95, 99) if p in result.latency_ms)


def _report(outcome, raw, ceiling, one, samples, round_p50, round_p95, spied, *, seconds, profile_seconds,
            rounds, split) -> None:
    vote_rate, ceiling_rate = one.rate(EXPECTED), ceiling.rate(EXPECTED)
    p95 = one.latency_ms.get(95, float("nan"))
    outcome.lines += [
        "### B1 writes: votes through HTTP",
        "",
        f"Client: wrk {wrk.THREADS} threads, {wrk.CONNECTIONS} connections, {seconds:g} s a run, on loopback (a"
        " compiled load generator: the client is not the bottleneck). Every vote is a distinct first vote"
        " (prepared: a signed-in session, its CSRF token, an item). Servers: waitress"
        f" ({', '.join(f'{k}={v}' for k, v in servers.WAITRESS.items())}), each in its own process; engage's projections in their own process"
        " (`engage-projections`). Baselines measured in this run:",
        "",
        f"- raw PostgreSQL: psycopg one-row autocommit INSERTs from {wrk.CONNECTIONS} client threads:"
        f" **{raw:,.0f} rows/s**",
        f"- framework's ceiling (benchmarks/ceiling.py: one Pyramid view, one INSERT from a psycopg pool,"
        f" no session): **{ceiling_rate:,.0f} requests/s**, {_latencies(ceiling)};"
        f" {ceiling.summary(EXPECTED, distinct=False)}",
        f"- engage, 1 web process: **{vote_rate:,.0f} votes/s**, {_latencies(one)}; {one.summary(EXPECTED)}",
        "",
        f"- **B1 ratio (votes/s ÷ raw INSERTs/s): {vote_rate / raw:.3f}**",
        f"- **B1 ÷ the framework's ceiling, 1 web process: {vote_rate / ceiling_rate:.2f}** (goal ≥ 0.5)",
        f"- **p95 with {wrk.CONNECTIONS} clients: {p95:.0f} ms** (goal ≤ 100 ms)",
        f"- **one vote's whole round** (POST, 303, GET of the page that shows the vote; one connection,"
        f" {rounds} rounds before the load): **p50 {round_p50:.1f} ms**, p95 {round_p95:.1f} ms (goal p50 ≤ 15 ms);"
        f" the POST with its read-your-writes wait p50 {split['post'][0]:.1f} ms (p95 {split['post'][1]:.1f}),"
        f" the GET of its page p50 {split['page'][0]:.1f} ms (p95 {split['page'][1]:.1f})",
        f"- **catch-up lag under the B1 load** (log head to every projection's position): {lag.summary(samples)}"
        " (goal p95 ≤ 1 s)",
        "",
        f"#### Profile of the web process under the vote load, wall clock (py-spy --idle, {profile_seconds} s,"
        f" its own wrk run; raw stacks in var/{PROFILE_COPY[True].name})",
        "",
        *profile.report(spied[True]),
        "",
        f"#### Profile of the web process under the vote load, active threads (py-spy's default, as the issue's"
        f" profile was taken; it still counts psycopg's socket wait and timed Condition waits; {profile_seconds} s,"
        f" its own wrk run; raw stacks in var/{PROFILE_COPY[False].name})",
        "",
        *profile.report(spied[False]),
        "",
    ]


def _report_two(outcome, ceiling, one, two, samples) -> None:
    rate = two.rate(EXPECTED)
    outcome.lines += [
        "#### Two web processes (`engage-serve`, "
        f"`[app:main] {servers.PROCESSES_KEY} = 2`)",
        "",
        f"- engage, 2 web processes: **{rate:,.0f} votes/s**, {_latencies(two)}; {two.summary(EXPECTED)}",
        f"- **B1 at 2 processes ÷ the 1-process ceiling: {rate / ceiling.rate(EXPECTED):.2f}** (goal ≥ 1.0);"
        f" ÷ B1 at 1 process: {rate / one.rate(EXPECTED):.2f}",
        f"- catch-up lag under this load: {lag.summary(samples)}",
        "",
    ]


# --- The one place the round trips of a vote are counted: benchmarks/roundtrips.py ("roundtrips"
# engineer). Missing is a failure of `make bench`, never a silent skip.
def _round_trips(outcome: Outcome, database_url: str) -> None:
    try:
        module = importlib.import_module("benchmarks.roundtrips")
        counts = module.count_vote_round_trips(database_url)
    except (ImportError, AttributeError) as error:
        outcome.missing("the round trips of one vote (benchmarks.roundtrips.count_vote_round_trips)", error)
        return
    outcome.lines += module.report_lines(counts)
