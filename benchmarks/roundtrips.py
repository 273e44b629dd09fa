"""Round trips to PostgreSQL of one vote: the POST (up to its 303) and the page it answers with.

    python -m benchmarks.roundtrips [--votes 200]    (ENGAGE_BENCH_DATABASE_URL or the test URL)

`count_vote_round_trips(url)` builds a fresh app in a scratch schema of that database (a
consultation, an item, a signed-in resident with a card), casts one warm-up vote, then one
counted vote through the WSGI app (webtest), and returns the breakdown; `make bench` prints it.

Counted at the wire, with libpq's trace: every message the request's thread sends and
receives on each connection. One round trip is one run of messages sent followed by the
server's answer (a Query; a pipeline's Parse/Bind/Execute... up to its Sync or Flush; BEGIN and
COMMIT; a pool's check; a COPY's start, and its end after the rows). Only the thread that runs
the request is traced: the in-process projection worker's own exchanges (reading the log,
writing read models) are left out, and so is opening a new connection (done by the pools' own
threads; reported apart, 0 once warm).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from contextlib import contextmanager
from typing import Iterator
from uuid import UUID

import psycopg
from psycopg import pq

from engage.db import DatabaseURL
from engage.domain.consultations.model import OPTIONS

from .environment import KEK_PATH

PASSWORD = "quatre chevaux sur la passerelle 2017"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
EDITOR = UUID(int=1)
GOAL = 4  # round trips of the vote POST, from the request's arrival to its 303
WAIT = "read-your-writes wait"
PREPARE = "preparing a statement (once per connection)"


def _purpose() -> str:
    """What asked for this exchange: the read-your-writes wait, or the innermost engage function
    on the stack (engage/db.py left out), and the eventsourcing one for the event store's."""
    engage = library = None
    for frame in reversed(traceback.extract_stack()):
        path = frame.filename.replace(os.sep, "/")
        if frame.name == "wait_for" and path.endswith("/engage/projections/engine.py"):
            return WAIT
        if library is None and "/eventsourcing/" in path:
            library = f"eventsourcing.{frame.name}"
        if engage is None and "/engage/" in path and not path.endswith("/engage/db.py"):
            module = path.rsplit("/engage/", 1)[1].removesuffix(".py").replace("/", ".")
            engage = f"{module}.{frame.name}"
    return " > ".join(p for p in (engage, library) if p) or "?"


def _pool_of(conn) -> str:
    pool = getattr(conn, "_pool", None)
    name = getattr(pool, "name", None) or ""
    return "read models" if name == "engage-read-models" else "event store" if pool is not None else "direct"


def _prepares_only(messages: list[str]) -> bool:
    """A named statement parsed and nothing run: psycopg preparing a statement it has run
    often enough, once per connection (the round trip a warm pool no longer pays)."""
    kinds = [m.split("\t")[1] if "\t" in m else "" for m in messages]
    named = any(k == "Parse" and not m.split("\t")[2].lstrip().startswith('""') for k, m in zip(kinds, messages))
    return named and "Execute" not in kinds


class WireCounter:
    """Traces, with libpq, the exchanges of one thread on every psycopg connection it uses."""

    def __init__(self, thread: threading.Thread):
        self.thread = thread
        self.files: dict[int, object] = {}  # id(connection) -> its trace file
        self.segments: list[tuple[int, str, str, int, int]] = []  # (conn, pool, purpose, start, end)
        self.connects = 0
        self._lock = threading.Lock()

    @contextmanager
    def counting(self) -> Iterator["WireCounter"]:
        counter = self
        original_wait = psycopg.Connection.wait
        original_connect = psycopg.Connection.connect.__func__

        def wait(conn, gen, *args, **kwargs):
            if threading.current_thread() is not counter.thread or conn.pgconn.status != pq.ConnStatus.OK:
                return original_wait(conn, gen, *args, **kwargs)
            trace = counter.files.get(id(conn))
            if trace is None:
                trace = counter.files[id(conn)] = tempfile.TemporaryFile()
            start = os.fstat(trace.fileno()).st_size
            conn.pgconn.trace(trace.fileno())
            conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
            try:
                return original_wait(conn, gen, *args, **kwargs)
            finally:
                conn.pgconn.untrace()  # flushes the trace up to here
                end = os.fstat(trace.fileno()).st_size
                counter.segments.append((id(conn), _pool_of(conn), _purpose(), start, end))

        def connect(cls, *args, **kwargs):
            with counter._lock:
                counter.connects += 1
            return original_connect(cls, *args, **kwargs)

        psycopg.Connection.wait = wait
        psycopg.Connection.connect = classmethod(connect)
        try:
            yield self
        finally:
            psycopg.Connection.wait = original_wait
            psycopg.Connection.connect = classmethod(original_connect)

    def reset(self) -> None:
        self.segments.clear()
        self.connects = 0

    def breakdown(self) -> dict:
        """{"total", "new_connections", "by_purpose": {(pool, purpose): n}, "statements": [...]}."""
        by_purpose: Counter = Counter()
        statements: list[str] = []
        # Per connection, across its segments: what it sent since it last read an answer, and
        # whether that asks the server to answer now (libpq then waits for it). The messages a
        # pipeline streams before its Sync, and the answers read meanwhile, cost no wait.
        sent: dict[int, list[str]] = {}
        waiting: dict[int, tuple[str, str] | None] = {}
        for conn, pool, purpose, start, end in self.segments:
            trace = self.files[conn]
            trace.seek(start)
            for line in trace.read(end - start).decode(errors="replace").splitlines():
                direction, _, rest = line.partition("\t")
                fields = rest.split("\t")
                if direction == "F":
                    sent.setdefault(conn, []).append(rest)
                    # CopyDone too: a COPY waits for its start, and again for its end.
                    if len(fields) > 1 and fields[1] in ("Query", "Sync", "Flush", "FunctionCall", "CopyDone"):
                        waiting[conn] = waiting.get(conn) or (pool, purpose)
                elif direction == "B" and waiting.get(conn):
                    pool_purpose = waiting[conn]
                    if _prepares_only(sent[conn]):
                        pool_purpose = (pool_purpose[0], PREPARE)
                    by_purpose[pool_purpose] += 1
                    statements.append(f"{pool_purpose[0]}: {pool_purpose[1]}: {sent[conn][0].split(chr(9))[-1][:90]}")
                    sent[conn], waiting[conn] = [], None
        return {"total": sum(by_purpose.values()), "new_connections": self.connects,
                "by_purpose": dict(by_purpose), "statements": statements}


def _settings(database_url: str) -> dict:
    return {
        "engage.database_url": database_url,
        "engage.session_secret": "roundtrips-" + uuid.uuid4().hex,
        "engage.identifier_key": "roundtrips-identifier-key-0123456789",
        "engage.projections.in_process": "true",
        "engage.read_your_writes_timeout": "30",
        "engage.mailer": "outbox",
        "engage.public_url": "http://localhost:6543",
        "engage.password_hashing": "cheapest-for-tests-only",
        "pyramid.default_locale_name": "fr",
        "engage.vault.kek_path": KEK_PATH,  # ENGAGE_VAULT_KEK wins (the tests set it)
        "engage.vault.create_kek": "true",
    }


@contextmanager
def scratch_schema(database_url: str) -> Iterator[str]:
    """A fresh schema in the URL's database, dropped afterwards: the URL of it."""
    parsed = DatabaseURL.parse(database_url)
    if parsed.backend != "postgresql":
        raise ValueError("round trips are counted on PostgreSQL")
    schema = f"rt_{uuid.uuid4().hex[:12]}"
    admin = dict(host=parsed.host, port=parsed.port, user=parsed.user, password=parsed.password,
                 dbname=parsed.dbname)
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    base = database_url.split("?", 1)[0]
    try:
        yield f"{base}?schema={schema}"
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


class VotingResident:
    """A consultation open to card holders, `items` contributions, and a resident with a card
    signed in on a webtest app."""

    def __init__(self, database_url: str, items: int = 2, *, projections_elsewhere: bool = False):
        """`projections_elsewhere`: as production runs them, in another process (here a second
        set of services with its own worker, woken by the log's NOTIFY); the web app then waits
        through its listener's connection, not the request's. Otherwise in the web process."""
        import webtest

        from engage import main
        from engage.domain.consultations.model import PHASES
        from engage.services import Engage

        settings = _settings(database_url)
        self.projections = None
        if projections_elsewhere:
            settings["engage.projections.in_process"] = "false"
            self.projections = Engage.from_settings(settings, run_projections=True)
            self.projections.worker.wake_on_commits()
        self.wsgi = main({}, **settings)
        self.browser = webtest.TestApp(self.wsgi)
        engage = self.wsgi.registry.engage
        app = engage.app
        plan = [{"phase": p, "starts_on": f"2026-{m:02d}-01", "ends_on": f"2026-{m:02d}-28"}
                for p, m in zip(PHASES, (1, 3, 5, 7))]
        self.slug = "tours-de-fil"
        consultation = app.create_consultation(
            slug=self.slug, created_by=EDITOR, title="Compter les allers-retours", description="Mesure.",
            themes=["Mesure"], plan=plan, card_required=True, support_threshold=10_000_000)
        app.start_phase(consultation.id, PHASES[0], started_by=EDITOR)
        self.items = [app.contribute(consultation_id=consultation.id, person_id=UUID(int=10**6 + i),
                                     has_valid_card=True, kind="proposition", theme="Mesure",
                                     text=f"Proposition numéro {i}.").id.hex
                      for i in range(items)]
        email = "votante@exemple.fr"
        signed = engage.accounts.sign_up(name="Votante", email=email, display_name="Votante", password=PASSWORD)
        engage.accounts.confirm_email(signed.confirmation_token)
        person_id = app.find_person_by_email(email)
        app.issue_card(name="Votante", email=email, arrondissement=11, age_band="25-34",
                       consent_to_consultation=True, person_id=person_id)
        engage.engine.catch_up()
        page = self.browser.get("/compte/connexion")
        self.browser.post("/compte/connexion", {"csrf_token": CSRF.search(page.text).group(1), "email": email,
                                                "password": PASSWORD, "submit": "submit"}, status=303)
        page = self.browser.get(self.item_path(self.items[0]))
        self.csrf = CSRF.search(page.text).group(1)

    def item_path(self, item: str) -> str:
        return f"/consultations/{self.slug}/contributions/{item}"

    def vote(self, item: str, option: str = "d-accord"):
        return self.browser.post(self.item_path(item) + "/voter",
                                 {"csrf_token": self.csrf, "option": option, "submit": "submit"}, status=303)

    def close(self) -> None:
        self.wsgi.registry.engage.close()
        if self.projections is not None:
            self.projections.close()


def count_vote_round_trips(database_url: str) -> dict:
    """Round trips of one vote on PostgreSQL, in a scratch schema of `database_url`'s database:
    {"post": breakdown, "page": breakdown, "goal": GOAL, "page_shows_vote": bool}.

    A breakdown is {"total", "new_connections", "by_purpose": {(pool, purpose): count},
    "statements": [what each round trip began with]}; "post" runs from the request's arrival
    to its 303 (the read-your-writes wait included, as WAIT), "page" is the GET of the page it
    answers with, which shows the vote."""
    with scratch_schema(database_url) as url:
        return count_in_schema(url)


def count_in_schema(url: str) -> dict:
    """count_vote_round_trips on this URL's schema as it is (the tests give theirs)."""
    resident = VotingResident(url, items=10, projections_elsewhere=True)
    try:
        for item in resident.items[:-1]:  # warm-up: pools full, statements prepared
            resident.vote(item)
            resident.browser.get(resident.item_path(item))
        counter = WireCounter(threading.current_thread())
        with counter.counting():
            answer = resident.vote(resident.items[-1])
            post = counter.breakdown()
            counter.reset()
            page = answer.follow()
            mine = [p for p in page.html.find_all("p") if "Votre vote :" in p.get_text() and p.strong]
            shown = bool(mine) and mine[0].strong.get_text(strip=True) == OPTIONS["d-accord"]
            return {"post": post, "page": counter.breakdown(), "goal": GOAL, "page_shows_vote": shown}
    finally:
        resident.close()


def time_vote_posts(database_url: str, votes: int = 200) -> dict:
    """Milliseconds of one vote POST through the in-process WSGI app (p50, p95 over `votes`
    first votes, each on its own item), of the whole round (POST, 303, the page) over as many
    more, and the process's CPU per vote (half of them with their page)."""
    with scratch_schema(database_url) as url:
        resident = VotingResident(url, items=2 * votes + 5)
        try:
            for item in resident.items[:5]:
                resident.vote(item)
            posts, rounds = [], []
            cpu = time.process_time()  # this process's CPU, all threads (the projection worker's too)
            for k, item in enumerate(resident.items[5:]):
                start = time.perf_counter()
                answer = resident.vote(item)
                posted = time.perf_counter()
                if k % 2:
                    answer.follow()
                    rounds.append((time.perf_counter() - start) * 1000)
                else:
                    posts.append((posted - start) * 1000)
            cpu = time.process_time() - cpu
        finally:
            resident.close()

    def p(samples, q):
        return statistics.quantiles(samples, n=100)[q - 1]

    return {"votes": votes, "post_p50_ms": statistics.median(posts), "post_p95_ms": p(posts, 95),
            "round_p50_ms": statistics.median(rounds), "round_p95_ms": p(rounds, 95),
            # Less at the mercy of a busy machine than the times: the app's CPU per vote.
            "cpu_ms_per_vote": cpu * 1000 / (len(posts) + len(rounds)),
            "load_average": os.getloadavg()}


def report_lines(counted: dict) -> list[str]:
    """RESULTS.md lines for `make bench`."""
    def part(breakdown: dict, purpose: str) -> int:
        return sum(n for (_pool, p), n in breakdown["by_purpose"].items() if p == purpose)

    post, page = counted["post"], counted["page"]
    wait = part(post, WAIT)
    lines = ["### Round trips to PostgreSQL of one vote", "",
             "Counted at the wire (libpq's trace of the request's thread; the projection worker's own"
             " exchanges left out): benchmarks/roundtrips.py.", "",
             f"- the vote POST, from its arrival to its 303: **{post['total']}** (goal ≤ {counted['goal']}),"
             f" of which {wait} in the read-your-writes wait's polls"
             f" and {part(post, PREPARE)} preparing statements (once per connection)",
             f"- the page it answers with (which shows the vote): {page['total']},"
             f" of which {part(page, PREPARE)} preparing statements",
             f"- connections opened meanwhile: {post['new_connections'] + page['new_connections']}", ""]
    for name, breakdown in (("POST", post), ("GET of the answering page", page)):
        lines.append(f"{name}:")
        for (pool, purpose), n in breakdown["by_purpose"].items():
            lines.append(f"  - {n} × {pool}: {purpose}")
    lines.append("")
    return lines


def main(argv=None) -> int:
    from .environment import base_url

    parser = argparse.ArgumentParser(prog="python -m benchmarks.roundtrips")
    parser.add_argument("--votes", type=int, default=0, help="also time this many vote POSTs")
    parser.add_argument("--statements", action="store_true", help="list what each round trip sent")
    args = parser.parse_args(argv)
    counted = count_vote_round_trips(base_url())
    print("\n".join(report_lines(counted)))
    if args.statements:
        for part in ("post", "page"):
            print(f"{part}:")
            print("\n".join("  " + s for s in counted[part]["statements"]))
    if args.votes:
        print(time_vote_posts(base_url(), args.votes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
