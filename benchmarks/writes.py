"""B1: votes cast through the whole HTTP stack against raw one-row-per-commit INSERTs.

The server is a separate process (waitress, Pyramid, domain, PostgreSQL commit, with the
projection worker in-process so each vote's page waits for its own write, as in
production); 16 client threads on loopback each cast votes on distinct items.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode
from uuid import UUID

from . import environment
from .measure import raw_insert_rate

CLIENTS = 16
PASSWORD = "quatre chevaux sur la passerelle 2017"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SERVER = """
import json, os, sys
from waitress import serve
from engage import main
settings = json.loads(os.environ["ENGAGE_BENCH_SETTINGS"])
serve(main({}, **settings), host="127.0.0.1", port=int(sys.argv[1]), threads=24, _quiet=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def log_in(self, email: str) -> None:
        _, page = self.request("GET", "/compte/connexion")
        status, _ = self.request("POST", "/compte/connexion", {
            "csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD, "submit": "submit"})
        assert status == 303, f"login failed: {status}"


def _setup(engage, votes_per_client: int) -> tuple[str, list[UUID], list[str]]:
    from engage.domain.consultations.model import PHASES

    app = engage.app
    editor = UUID(int=1)
    plan = [{"phase": p, "starts_on": f"2026-{m:02d}-01", "ends_on": f"2026-{m:02d}-28"}
            for p, m in zip(PHASES, (1, 3, 5, 7))]
    slug = f"bench-{int(time.time())}"
    consultation = app.create_consultation(
        slug=slug, created_by=editor, title="Banc d'essai des votes", description="Mesure.",
        themes=["Mesure"], plan=plan, card_required=False, support_threshold=10_000_000)
    app.start_phase(consultation.id, PHASES[0], started_by=editor)
    items = [app.contribute(consultation_id=consultation.id, person_id=UUID(int=10**6 + i), has_valid_card=True,
                            kind="proposition", theme="Mesure", text=f"Proposition numéro {i}.").id
             for i in range(votes_per_client)]
    emails = []
    for k in range(CLIENTS):
        email = f"votant{k}.{slug}@exemple.fr"
        signed = engage.accounts.sign_up(name=f"Votant {k}", email=email, display_name=f"Votant {k}",
                                         password=PASSWORD)
        engage.accounts.confirm_email(signed.confirmation_token)
        emails.append(email)
    engage.engine.catch_up()
    return slug, items, emails


def run(schema: str, votes: int = 3200, time_limit: float = 90.0) -> list[str]:
    votes_per_client = max(1, votes // CLIENTS)
    with environment.services(schema) as engage:
        slug, items, emails = _setup(engage, votes_per_client)
    settings = environment.settings(schema, **{"engage.projections.in_process": "true"})
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)],
                              env={**os.environ, "ENGAGE_BENCH_SETTINGS": json.dumps(settings)})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the benchmark server did not start")
                time.sleep(0.2)
        clients = [Client(port) for _ in range(CLIENTS)]
        tokens = []
        for client, email in zip(clients, emails):
            client.log_in(email)
            _, page = client.request("GET", f"/consultations/{slug}/contributions/{items[0]}")
            tokens.append(CSRF.search(page).group(1))
        done = [0] * CLIENTS
        failures = [0] * CLIENTS
        statuses: dict[int, int] = {}
        barrier = threading.Barrier(CLIENTS + 1)
        stop_at = [0.0]

        def cast(k: int) -> None:
            barrier.wait()
            for item in items:
                if time.monotonic() > stop_at[0]:
                    return
                status, _ = clients[k].request("POST", f"/consultations/{slug}/contributions/{item}/voter",
                                               {"csrf_token": tokens[k], "option": "d-accord", "submit": "submit"})
                statuses[status] = statuses.get(status, 0) + 1
                if status == 303:
                    done[k] += 1
                else:
                    failures[k] += 1

        threads = [threading.Thread(target=cast, args=(k,)) for k in range(CLIENTS)]
        for t in threads:
            t.start()
        stop_at[0] = time.monotonic() + time_limit
        start = time.perf_counter()
        barrier.wait()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(30)
    http_rate = sum(done) / elapsed
    raw_rate = raw_insert_rate(rows=max(sum(done), CLIENTS), clients=CLIENTS)
    return [
        "### B1 writes: votes through HTTP",
        "",
        f"- {sum(done):,} votes by {CLIENTS} concurrent clients in {elapsed:.1f} s: {http_rate:,.0f} votes/s"
        f" ({sum(failures)} refused; statuses {dict(sorted(statuses.items()))})",
        f"- raw psycopg one-row-per-commit INSERTs, {CLIENTS} clients, same count: {raw_rate:,.0f} rows/s",
        f"- **B1 ratio (HTTP votes/s ÷ raw INSERTs/s): {http_rate / raw_rate:.2f}** (goal ≥ 1.0)",
        "",
    ]
