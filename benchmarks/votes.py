"""The vote workload: people with accounts, a consultation open for votes with enough items
that every vote sent is a distinct first vote, each person signed in once over HTTP, and the
prepared requests (session cookie, CSRF token, item) that wrk walks."""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit
from uuid import UUID

from engage.domain.consultations.model import PHASES

from .measure import percentiles
from .wrk import Request

PASSWORD = "quatre chevaux sur la passerelle 2017"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VOTE = {"option": "d-accord", "submit": "submit"}
# The contribution page's line for the visitor's own vote, read from the read models.
SHOWS_MY_VOTE = "Votre vote :"


class Client:
    """One keep-alive HTTP connection that keeps its cookies, as a browser would."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str, dict]:
        headers = {"Cookie": self.cookie_header()}
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
        return response.status, text, {k.lower(): v for k, v in response.getheaders()}

    def log_in(self, email: str) -> None:
        _, page, _ = self.request("GET", "/compte/connexion")
        status, _, _ = self.request("POST", "/compte/connexion", {
            "csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD, "submit": "submit"})
        if status != 303:
            raise RuntimeError(f"sign-in of {email} answered {status}, not 303")

    def csrf_token(self, path: str) -> str:
        status, page, _ = self.request("GET", path)
        found = CSRF.search(page)
        if status != 200 or not found:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return found.group(1)


@dataclass(frozen=True)
class Ballot:
    """What the workload needs: the consultation, its items, who may vote."""

    slug: str
    items: list[UUID]
    emails: list[str]

    def vote_path(self, item: UUID) -> str:
        return f"/consultations/{self.slug}/contributions/{item}/voter"

    def item_path(self, item: UUID) -> str:
        return f"/consultations/{self.slug}/contributions/{item}"


def prepare(engage, people: int, items: int) -> Ballot:
    """A consultation in its first phase with `items` propositions, and `people` confirmed
    accounts, written through the application (as benchmarks/writes.py always did)."""
    app = engage.app
    editor = UUID(int=1)
    plan = [{"phase": p, "starts_on": f"2026-{m:02d}-01", "ends_on": f"2026-{m:02d}-28"}
            for p, m in zip(PHASES, (1, 3, 5, 7))]
    slug = f"bench-{int(time.time())}"
    consultation = app.create_consultation(
        slug=slug, created_by=editor, title="Banc d'essai des votes", description="Mesure.",
        themes=["Mesure"], plan=plan, card_required=False, support_threshold=10_000_000)
    app.start_phase(consultation.id, PHASES[0], started_by=editor)
    ids = [app.contribute(consultation_id=consultation.id, person_id=UUID(int=10**6 + i), has_valid_card=True,
                          kind="proposition", theme="Mesure", text=f"Proposition numéro {i}.").id
           for i in range(items)]
    emails = []
    for k in range(people):
        email = f"votant{k}.{slug}@exemple.fr"
        signed = engage.accounts.sign_up(name=f"Votant {k}", email=email, display_name=f"Votant {k}",
                                         password=PASSWORD)
        engage.accounts.confirm_email(signed.confirmation_token)
        emails.append(email)
    engage.engine.catch_up()
    return Ballot(slug, ids, emails)


@dataclass(frozen=True)
class Session:
    cookie: str
    csrf_token: str


def sign_in(port: int, ballot: Ballot, emails: list[str]) -> list[Session]:
    """Each person signed in once, over HTTP; their cookies and CSRF token, as a browser holds them."""
    sessions = []
    for email in emails:
        client = Client(port)
        client.log_in(email)
        token = client.csrf_token(ballot.item_path(ballot.items[0]))
        sessions.append(Session(client.cookie_header(), token))
        client.conn.close()
    return sessions


def vote_requests(ballot: Ballot, items: list[UUID], sessions: list[Session]) -> list[Request]:
    """Every (session, item) pair once, the sessions taking turns: requests in flight at the
    same moment come from different people."""
    return [Request(ballot.vote_path(item), s.cookie, urlencode({"csrf_token": s.csrf_token, **VOTE}))
            for item in items for s in sessions]


def vote_rounds(port: int, ballot: Ballot, email: str, items: list[UUID], warmup: int = 5) -> tuple[float, float]:
    """One person's whole vote, again and again on one connection: POST (303), then GET the
    page it redirects to, which must show the vote. (p50, p95) in ms over the rounds after
    `warmup`."""
    client = Client(port)
    client.log_in(email)
    token = client.csrf_token(ballot.item_path(items[0]))
    samples = []
    for n, item in enumerate(items):
        start = time.perf_counter()
        status, _, headers = client.request("POST", ballot.vote_path(item), {"csrf_token": token, **VOTE})
        if status != 303:
            raise RuntimeError(f"a vote answered {status}, not 303")
        location = urlsplit(headers["location"])
        status, page, _ = client.request("GET", location.path + (f"?{location.query}" if location.query else ""))
        elapsed = time.perf_counter() - start
        if status != 200 or SHOWS_MY_VOTE not in page:
            raise RuntimeError(f"the page after a vote ({status}) does not show it: {page[:2000]}")
        if n >= warmup:
            samples.append(elapsed)
    client.conn.close()
    return percentiles(samples)
