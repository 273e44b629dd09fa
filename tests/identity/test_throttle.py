"""The throttles: counters that count atomically, login attempts per account and per client
address, mails per recipient and per client address; limits from the settings."""

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from engage.domain.accounts.errors import EmailNotConfirmed, InvalidCredentials, LoginThrottled, MailThrottled
from engage.identity import passwords
from engage.identity.service import AccountService, Limits
from tests.common.concurrency import run_concurrently

PASSWORD = "une phrase longue et unique 2017"
EMAIL = "camille@exemple.fr"


@pytest.fixture
def checks(monkeypatch):
    """Counts password verifications; each one is slowed a little, so that a check-then-write
    throttle would let many concurrent attempts through (the bug this guards against)."""
    counted = []
    lock = threading.Lock()
    verify = passwords.verify_password

    def counting(password_hash, password):
        with lock:
            counted.append(password)
        time.sleep(0.02)
        return verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    return counted


def with_limits(engage_services, **limits) -> AccountService:
    return AccountService(engage_services.app, engage_services.accounts.store, Limits(**limits))


def test_concurrent_wrong_passwords_reach_the_password_check_at_most_the_limit(engage_services, checks):
    accounts = engage_services.accounts
    accounts.sign_up(name="Camille Martin", email=EMAIL, display_name="Camille du 11e", password=PASSWORD)
    checks.clear()
    _, errors = run_concurrently(24, lambda i: accounts.log_in(
        email=EMAIL, password=f"mauvais mot de passe {i}", address="203.0.113.9"))
    assert len(errors) == 24
    assert len(checks) == accounts.limits.login_per_account == 5
    assert sum(isinstance(e, InvalidCredentials) for e in errors) == 5
    assert sum(isinstance(e, LoginThrottled) for e in errors) == 19


def test_concurrent_attempts_from_one_address_on_many_accounts_stop_at_its_limit(engage_services, checks):
    accounts = with_limits(engage_services, login_per_address=7)
    _, errors = run_concurrently(20, lambda i: accounts.log_in(
        email=f"personne{i}@exemple.fr", password="mauvais mot de passe", address="203.0.113.9"))
    assert len(checks) == 7
    assert sum(isinstance(e, LoginThrottled) for e in errors) == 13


def test_a_counter_counts_each_concurrent_hit_once(engage_services):
    store = engage_services.accounts.store
    results, errors = run_concurrently(30, lambda i: store.hit([("k", timedelta(minutes=15))])[0])
    assert errors == []
    assert sorted(results) == list(range(1, 31))


def test_a_counter_starts_again_after_its_window(engage_services):
    store = engage_services.accounts.store
    window = timedelta(minutes=15)
    assert store.hit([("k", window), ("other", window)]) == [1, 1]
    assert store.hit([("k", window)]) == [2]
    with engage_services.db.transaction() as cur:
        past = (datetime.now(timezone.utc) - timedelta(minutes=16)).isoformat(timespec="microseconds")
        cur.execute("UPDATE throttle_counters SET window_start = %s WHERE throttle_key = 'k'", [past])
    assert store.hit([("k", window), ("other", window)]) == [1, 2]


def test_the_right_password_gives_its_attempt_back(engage_services):
    accounts = engage_services.accounts
    accounts.sign_up(name="Camille Martin", email=EMAIL, display_name="Camille du 11e", password=PASSWORD)
    for _ in range(4):
        with pytest.raises(InvalidCredentials):
            accounts.log_in(email=EMAIL, password="mauvais mot de passe", address="a")
    with pytest.raises(EmailNotConfirmed):  # the password was right: the counter starts again
        accounts.log_in(email=EMAIL, password=PASSWORD, address="a")
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            accounts.log_in(email=EMAIL, password="mauvais mot de passe", address="a")
    with pytest.raises(LoginThrottled) as refused:
        accounts.log_in(email=EMAIL, password=PASSWORD, address="a")
    assert refused.value.mapping == {"minutes": 15}


def test_an_unknown_address_is_throttled_like_an_account(engage_services):
    accounts = engage_services.accounts
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            accounts.log_in(email="personne@exemple.fr", password="mauvais mot de passe", address="a")
    with pytest.raises(LoginThrottled):
        accounts.log_in(email="personne@exemple.fr", password="mauvais mot de passe", address="a")


def test_mails_are_counted_per_recipient_and_form_whether_or_not_an_account_exists(engage_services):
    accounts = engage_services.accounts
    accounts.sign_up(name="Camille Martin", email=EMAIL, display_name="Camille du 11e", password=PASSWORD)
    for email in (EMAIL, "inconnu@exemple.fr"):
        for _ in range(5):
            accounts.request_password_reset(email, "203.0.113.9")
        with pytest.raises(MailThrottled) as refused:
            accounts.request_password_reset(email, "203.0.113.9")
        assert refused.value.mapping == {"minutes": 60}
    assert accounts.resend_confirmation(EMAIL, "203.0.113.9")  # another form: its own count


def test_mails_are_counted_per_client_address(engage_services):
    accounts = with_limits(engage_services, mail_per_address=3)
    for i in range(3):
        accounts.request_password_reset(f"p{i}@exemple.fr", "203.0.113.9")
    with pytest.raises(MailThrottled):
        accounts.request_password_reset("p9@exemple.fr", "203.0.113.9")
    with pytest.raises(MailThrottled):
        accounts.sign_up(name="P Neuf", email="p9@exemple.fr", display_name="P neuf", password=PASSWORD,
                         address="203.0.113.9")
    assert accounts.app.find_person_by_email("p9@exemple.fr") is None
    accounts.request_password_reset("p9@exemple.fr", "198.51.100.1")


def test_limits_come_from_the_settings():
    assert Limits.from_settings({}) == Limits()
    limits = Limits.from_settings({
        "engage.throttle.login_window_minutes": "30", "engage.throttle.login_per_account": "3",
        "engage.throttle.login_per_address": "40", "engage.throttle.mail_window_minutes": "120",
        "engage.throttle.mail_per_recipient": "2", "engage.throttle.mail_per_address": "10",
    })
    assert limits == Limits(login_window=timedelta(minutes=30), login_per_account=3, login_per_address=40,
                            mail_window=timedelta(hours=2), mail_per_recipient=2, mail_per_address=10)
    with pytest.raises(ValueError):
        Limits.from_settings({"engage.throttle.login_per_account": "0"})
