"""The sessions table, on both back ends: digests only, expiry, at most one write a minute."""

from datetime import datetime, timedelta, timezone
from uuid import uuid4

import pytest

from engage.db import Database
from engage.identity.sessions import SessionStore, digest, user_agent_summary

START = datetime(2027, 5, 14, 16, 30, tzinfo=timezone.utc)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def store(database_url):
    db = Database(database_url)
    sessions = SessionStore(db, clock=lambda: START)
    sessions.setup()
    yield sessions
    db.close()


def at(store, **delta):
    store.clock = lambda: START + timedelta(**delta)


def rows(store):
    with store.db.reading() as cur:
        return cur.execute("SELECT token_digest, last_seen_at, ended_at FROM engage_sessions").fetchall()


def test_the_table_holds_a_digest_of_the_token_never_the_token(store):
    person = uuid4()
    token = store.start(person, FIREFOX)
    assert len(token) >= 43  # 256 bits, URL-safe base64
    assert [r[0] for r in rows(store)] == [digest(token)]
    found = store.find(token)
    assert found.person_id == person and found.user_agent == "Firefox · Linux"
    assert store.find("x" + token) is None and store.find("") is None and store.find("y" * 1000) is None


def test_last_seen_is_written_at_most_once_a_minute(store):
    token = store.start(uuid4(), FIREFOX)
    at(store, seconds=59)
    store.find(token)
    assert rows(store)[0][1] == START.isoformat()
    at(store, seconds=61)
    store.find(token)
    assert rows(store)[0][1] == (START + timedelta(seconds=61)).isoformat()


def test_idle_and_absolute_expiry_end_the_session(store):
    idle = store.start(uuid4())
    at(store, minutes=31)
    assert store.find(idle) is None and rows(store)[0][2] is not None
    at(store)
    active = store.start(uuid4())
    for minute in range(20, 12 * 60, 20):
        at(store, minutes=minute)
        assert store.find(active) is not None
    at(store, hours=12, seconds=1)
    assert store.find(active) is None


def test_end_all_keeps_the_one_asked_and_erasure_deletes_the_rows(store):
    person, someone_else = uuid4(), uuid4()
    this, other, theirs = store.start(person), store.start(person), store.start(someone_else)
    assert len(store.open_sessions(person)) == 2
    store.end_all(person, keep=this)
    assert store.find(this) and store.find(other) is None and store.find(theirs)
    store.end_all(person)
    assert store.find(this) is None
    store.delete_all(person)
    assert len(rows(store)) == 1


@pytest.mark.parametrize("agent, summary", [
    (FIREFOX, "Firefox · Linux"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1", "Safari · iPhone"),
    (None, ""),
    ("<script>curl/8.0", "scriptcurl8.0"),
])
def test_user_agent_summary(agent, summary):
    assert user_agent_summary(agent) == summary


def test_a_new_login_removes_the_persons_ended_and_expired_rows(store):
    person = uuid4()
    ended, expired = store.start(person), store.start(person)
    store.end(ended)
    at(store, hours=13)
    fresh = store.start(person)
    assert [r[0] for r in rows(store)] == [digest(fresh)]
    assert store.find(expired) is None
