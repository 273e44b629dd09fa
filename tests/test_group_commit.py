"""Group commit: concurrent commands share transactions, invariants still hold."""

import threading
import time

from engage.domain.accounts.errors import EmailAlreadyRegistered
from engage.group_commit import GroupCommitter
from tests.common.concurrency import run_concurrently


def test_concurrent_commands_all_commit_and_share_transactions(engage_services):
    app = engage_services.app
    app.enable_group_commit()
    results, errors = run_concurrently(24, lambda i: app.issue_card(
        name=f"P {i}", email=f"p{i}@exemple.fr", arrondissement=1 + i % 20,
        age_band="25-34", consent_to_consultation=True))
    assert errors == []
    assert len({r.number for r in results}) == 24
    assert len({r.position for r in results}) == 24
    committer = app.group_committer
    assert committer.commands == 24
    assert committer.transactions <= 24
    engage_services.engine.catch_up()
    with engage_services.db.reading() as cur:
        assert cur.scalar("SELECT COUNT(*) FROM rm_cards") == 24


def test_a_conflict_in_a_shared_transaction_fails_only_the_conflicting_command(engage_services):
    app = engage_services.app
    app.enable_group_commit()
    results, errors = run_concurrently(16, lambda i: app.register_account(
        name="Même Personne", email="meme@exemple.fr", display_name=f"Compte {i}"))
    assert len(results) == 1
    assert len(errors) == 15 and all(isinstance(e, EmailAlreadyRegistered) for e in errors)


def test_leader_commits_what_queued_meanwhile():
    batches = []
    release = threading.Event()
    started = threading.Event()

    def save(events):
        batches.append(list(events))
        if len(batches) == 1:
            started.set()
            release.wait(5)
        return [f"rec-{e}" for e in events]

    committer = GroupCommitter(save)
    first = threading.Thread(target=committer.commit, args=(["a"],))
    first.start()
    started.wait(5)
    followers = [threading.Thread(target=committer.commit, args=([x],)) for x in "bcd"]
    for t in followers:
        t.start()
    deadline = time.monotonic() + 5
    while len(committer._queue) < 3 and time.monotonic() < deadline:
        time.sleep(0.001)
    release.set()
    for t in [first, *followers]:
        t.join(5)
    assert batches[0] == ["a"]
    assert sorted(batches[1]) == ["b", "c", "d"]  # one shared transaction
    assert committer.transactions == 2 and committer.commands == 4


def test_errors_other_than_conflicts_reach_every_waiter():
    def save(events):
        raise OSError("database unreachable")

    committer = GroupCommitter(save)
    try:
        committer.commit(["a"])
    except OSError as error:
        assert "unreachable" in str(error)
    else:
        raise AssertionError("the error was swallowed")
