"""Sessions held server-side: revoked at logout, password reset, role change and erasure,
expired when idle or too old, listed on /compte, shared by every web process."""

from datetime import datetime, timedelta, timezone

from engage.domain.accounts.model import Role
from tests.common.accounts import (
    CARD,
    PASSWORD,
    another_browser,
    copied_cookies,
    last_link,
    log_out,
    person,
    resident,
    services,
    staff,
)


def card_request_form(browser):
    form = browser.get("/carte").forms["card-request"]
    for name, value in CARD.items():
        form[name] = value
    return form


def assert_refused_and_nothing_written(app, form):
    engage = services(app)
    head = engage.engine.head()
    answer = form.submit("submit", status="*")
    assert answer.status_int in (303, 400, 403), answer.status
    if answer.status_int == 303:
        assert "/compte/connexion" in answer.location
    assert engage.engine.head() == head


def test_a_cookie_copied_before_logout_no_longer_opens_the_account(testapp):
    resident(testapp)
    thief = copied_cookies(testapp)
    assert "Camille du 11e" in thief.get("/compte").text  # the copy works while the session is open
    log_out(testapp)
    assert "/compte/connexion" in thief.get("/compte", status=303).location


def test_the_cookie_carries_only_a_token_httponly_and_samesite(testapp):
    resident(testapp, "dominique@exemple.fr")
    token = testapp.cookies["engage_auth"]
    assert len(token) >= 43 and "dominique" not in token
    header = [h for h in log_out_and_in_headers(testapp) if h.startswith("engage_auth=") and "Max-Age=0" not in h]
    assert header and "HttpOnly" in header[0] and "SameSite=Lax" in header[0]
    with services(testapp).db.reading() as cur:  # the table holds only digests
        assert cur.scalar("SELECT COUNT(*) FROM engage_sessions WHERE token_digest = %s", [token]) == 0


def log_out_and_in_headers(app):
    log_out(app)
    form = app.get("/compte/connexion").forms["login"]
    form["email"], form["password"] = "dominique@exemple.fr", "une phrase longue et unique 2017"
    return form.submit("submit", status=303).headers.getall("Set-Cookie")


def test_after_a_password_reset_other_sessions_are_refused_and_cannot_post(testapp):
    resident(testapp)
    other = another_browser(testapp)
    prepared = card_request_form(other)
    form = testapp.get("/compte/mot-de-passe-oublie").forms["reset-request"]
    form["email"] = "camille@exemple.fr"
    form.submit("submit", status=303)
    form = testapp.get(last_link(testapp)).forms["new-password"]
    form["password"] = form["password_again"] = "un tout autre secret de 2026"
    form.submit("submit", status=303)
    assert "/compte/connexion" in other.get("/compte", status=303).location
    assert "/compte/connexion" in testapp.get("/compte", status=303).location
    assert_refused_and_nothing_written(testapp, prepared)


def test_after_erasure_another_session_of_the_person_is_refused_and_cannot_post(testapp):
    resident(testapp)
    other = another_browser(testapp)
    prepared = card_request_form(other)
    erase = testapp.get("/compte/effacer").forms["erase"]
    erase["password"] = PASSWORD  # erasure asks for the current password again
    erase.submit("submit", status=303)
    other.get("/compte", status=303)
    assert_refused_and_nothing_written(testapp, prepared)
    with services(testapp).db.reading() as cur:  # erasure removes the rows, not only the sessions
        assert cur.scalar("SELECT COUNT(*) FROM engage_sessions") == 0


def test_a_role_change_ends_the_sessions_of_that_person(testapp):
    moderator = person(testapp, "mod@exemple.fr", "Modo", role=Role.MODERATOR)
    moderator.get("/moderation")
    staff(testapp, Role.ADMIN)
    form = testapp.get("/admin/roles").forms["role"]
    form["email"], form["role"], form["action"] = "mod@exemple.fr", "moderator", "revoke"
    form.submit("submit").forms["role-confirm"].submit("submit")
    assert "/compte/connexion" in moderator.get("/moderation", status=303).location


def test_idle_sessions_expire(testapp):
    resident(testapp)
    store = services(testapp).sessions
    start = datetime.now(timezone.utc)
    store.clock = lambda: start + timedelta(minutes=29)
    testapp.get("/compte", status=200)  # seen 29 minutes later: still open, and noted
    store.clock = lambda: start + timedelta(minutes=29 + 31)
    assert "/compte/connexion" in testapp.get("/compte", status=303).location


def test_sessions_end_past_their_absolute_lifetime_even_when_active(testapp):
    resident(testapp)
    store = services(testapp).sessions
    start = datetime.now(timezone.utc)
    minutes = 0
    while minutes < 12 * 60 - 20:  # active every 20 minutes for almost 12 hours
        minutes += 20
        store.clock = lambda m=minutes: start + timedelta(minutes=m)
        testapp.get("/compte", status=200)
    store.clock = lambda: start + timedelta(hours=12, minutes=1)
    assert "/compte/connexion" in testapp.get("/compte", status=303).location


def test_timeouts_come_from_the_settings(make_app):
    app = make_app(**{"engage.session.idle_timeout": "60", "engage.session.max_age": "120"})
    resident(app)
    store = services(app).sessions
    assert store.idle_timeout == timedelta(seconds=60) and store.max_age == timedelta(seconds=120)
    store.clock = lambda: datetime.now(timezone.utc) + timedelta(seconds=61)
    app.get("/compte", status=303)


def test_the_account_lists_open_sessions_and_ends_all_the_others(testapp):
    resident(testapp)
    other = another_browser(testapp)
    account = testapp.get("/compte")
    assert "Mes sessions" in account.text and "(cette session)" in account.text
    assert len(account.html.select("table.sessions tbody tr")) == 2
    page = testapp.get("/compte/sessions")
    assert page.text.count("(cette session)") == 1
    done = page.forms["end-sessions"].submit("submit", status=303).follow()
    assert "Vos autres sessions sont terminées" in done.text
    assert len(done.html.select("table.sessions tbody tr")) == 1
    testapp.get("/compte", status=200)  # this one stays
    other.get("/compte", status=303)


def test_ending_the_other_sessions_needs_the_csrf_token(testapp):
    resident(testapp)
    other = another_browser(testapp)
    testapp.post("/compte/sessions", {"csrf_token": "faux"}, status=400)
    other.get("/compte", status=200)


def test_the_sessions_page_needs_a_signed_in_person(testapp):
    assert "/compte/connexion" in testapp.get("/compte/sessions", status=303).location


def test_two_web_processes_share_sessions(make_app):
    first, second = make_app(), make_app()
    resident(first)
    on_the_second = copied_cookies(first, into=second)
    assert "Camille du 11e" in on_the_second.get("/compte").text
    log_out(first)
    on_the_second.get("/compte", status=303)
