"""engage-audit against a live site: an honest log passes; tampering, forks and key changes
are reported; erasure changes nothing."""

import subprocess
import sys
from pathlib import Path

import pytest

from engage.transparency import audit as audit_module
from engage.transparency.audit import AuditState, audit, http_fetcher

BIN = Path(sys.executable).parent


def run_audit(fetch, state_dir, **options):
    report = audit(fetch, AuditState(state_dir), **options)
    print(report.render())  # shown when a test fails
    return report


@pytest.fixture
def logged(site):
    site.issued = site.issue_cards(6)
    site.catch_up()
    return site


def test_an_honest_log_passes_over_http_then_extends(logged, serve, tmp_path):
    fetch = http_fetcher(serve(logged))
    first = run_audit(fetch, tmp_path / "state")
    assert first.passed and len(first.findings) == 6 + len(audit_module.TALLIES)
    logged.issue_cards(2, start=6)
    logged.catch_up()
    second = run_audit(fetch, tmp_path / "state")
    assert second.passed
    assert any(
        "extends the checkpoint of the previous run (12 entries)" in m for _, m in second.findings
    )
    assert len(AuditState(tmp_path / "state").entries()) == 16


def test_the_command_reports_and_exits_non_zero_on_tampering(logged, serve, event_store, tmp_path):
    url = serve(logged)
    command = [BIN / "engage-audit", url, "--state-dir", tmp_path / "state", "--no-progress"]
    honest = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert honest.returncode == 0, honest.stdout + honest.stderr
    assert "result: OK" in honest.stdout

    event_store.alter(3, b'"arrondissement":2', b'"arrondissement":3')
    logged.services.engine.rebuild(["transparency"])
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert resumed.returncode == 1
    assert "its stored history was altered after it was signed" in resumed.stdout

    fresh = subprocess.run(
        [*command[:3], tmp_path / "fresh", "--no-progress"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert fresh.returncode == 1
    assert "the entries served are not the ones that were signed" in fresh.stdout


def test_usage_errors_exit_2():
    assert subprocess.run([BIN / "engage-audit"], capture_output=True, timeout=60).returncode == 2
    assert (
        subprocess.run(
            [BIN / "engage-audit", "ftp://x"], capture_output=True, timeout=60
        ).returncode
        == 2
    )


def test_an_unreachable_site_fails(tmp_path):
    report = run_audit(http_fetcher("http://127.0.0.1:9", timeout=2), tmp_path / "state")
    assert not report.passed and "could not fetch" in report.problems[0]


@pytest.mark.parametrize("tamper", ["alter", "delete", "reorder"])
def test_tampering_with_the_event_store_is_detected(logged, event_store, tamper, tmp_path):
    assert run_audit(logged.fetch, tmp_path / "before").passed
    if tamper == "alter":
        event_store.alter(5, b'"age_band":"25-34"', b'"age_band":"65-plus"')
    elif tamper == "delete":
        event_store.delete(6)
    else:
        event_store.swap(3, 5)
    logged.services.engine.rebuild()
    for state in ("before", "fresh"):  # an auditor who came before, and a newcomer
        report = run_audit(logged.fetch, tmp_path / state)
        assert not report.passed, (tamper, state)
    # The log refused to sign the altered tree: new events do not launder it.
    logged.issue_cards(1, start=6)
    logged.catch_up()
    assert not run_audit(logged.fetch, tmp_path / "later").passed


def test_a_forked_history_signed_anew_is_reported(logged, event_store, tmp_path):
    """An operator who rewrites the store and wipes its own checkpoints to sign the new history."""
    assert run_audit(logged.fetch, tmp_path / "state").passed
    event_store.alter(1, b'"arrondissement":1', b'"arrondissement":20')
    logged.services.engine.rebuild()
    with logged.services.db.transaction() as cur:
        cur.execute("DELETE FROM tlog_checkpoints")
    logged.catch_up()  # signs the forked tree: nothing left to compare it with, on the server
    same_size = run_audit(logged.fetch, tmp_path / "state")
    assert any("fork: two signed checkpoints of 12 entries" in p for p in same_size.problems)
    assert list((tmp_path / "state").glob("evidence-12-*.note"))

    logged.issue_cards(2, start=6)
    logged.catch_up()
    grown = run_audit(logged.fetch, tmp_path / "state")
    assert any("history rewritten" in p for p in grown.problems)
    assert run_audit(
        logged.fetch, tmp_path / "newcomer"
    ).passed  # consistent with itself: only memory tells


def test_a_changed_key_is_reported(logged, make_site, tmp_path):
    assert run_audit(logged.fetch, tmp_path / "state").passed
    rekeyed = make_site(key_path=tmp_path / "another.key")
    report = run_audit(rekeyed.fetch, tmp_path / "state")
    assert any("publishes a different key" in p for p in report.problems)
    pinned = run_audit(
        rekeyed.fetch, tmp_path / "pinned", pinned_key=logged.testapp.get("/transparency/key").text
    )
    assert any("publishes a different key" in p for p in pinned.problems)


def test_a_pinned_key_that_does_not_sign_the_log_fails(logged, tmp_path):
    from engage.transparency.note import Signer

    stranger = str(Signer.generate("test.engage.example/log").verifier)
    report = run_audit(logged.fetch, tmp_path / "state", pinned_key=stranger)
    assert any("does not verify with the trusted key" in p for p in report.problems)


def test_a_published_figure_that_differs_from_the_log_is_reported(logged, tmp_path):
    with logged.services.db.transaction() as cur:
        cur.execute(
            "UPDATE rm_opendata_card_holders SET holders = holders + 5 WHERE arrondissement = 2"
        )
    report = run_audit(logged.fetch, tmp_path / "state")
    # The 2nd's 7 stays blank (a complement, as the log's 2 is): the total gives it away.
    assert report.problems == [
        "card holders per arrondissement (/api/stats/card-holders) differs from the log:"
        " total: the log gives 6, the site publishes 11"
    ]


def test_verification_still_passes_after_an_erasure(logged, tmp_path):
    assert run_audit(logged.fetch, tmp_path / "state").passed
    before = logged.testapp.get("/transparency/entries", {"start": 0, "end": 12}).json
    logged.services.vault.erase(logged.issued[0].person_id)
    logged.services.engine.rebuild()
    logged.issue_cards(1, start=6)
    logged.catch_up()
    assert logged.testapp.get("/transparency/entries", {"start": 0, "end": 12}).json == before
    assert run_audit(logged.fetch, tmp_path / "state").passed
    assert run_audit(logged.fetch, tmp_path / "newcomer").passed


def test_an_interrupted_download_resumes_where_it_stopped(logged, monkeypatch, tmp_path):
    monkeypatch.setattr(audit_module, "PAGE", 5)
    asked, network = [], {"cut after": 2}

    def fetch(path):
        if path.startswith("/transparency/entries"):
            asked.append(path)
            if len(asked) > network["cut after"]:
                raise audit_module.FetchError(path, None, "connection reset")
        return logged.fetch(path)

    interrupted = run_audit(fetch, tmp_path / "state")
    assert not interrupted.passed and len(AuditState(tmp_path / "state").entries()) == 10
    asked.clear()
    network["cut after"] = 100
    assert run_audit(fetch, tmp_path / "state").passed
    assert asked == ["/transparency/entries?start=10&end=12"]


def test_a_cut_line_in_the_local_copy_is_dropped(logged, tmp_path):
    assert run_audit(logged.fetch, tmp_path / "state").passed
    entries = tmp_path / "state" / "entries"
    entries.write_text(entries.read_text()[:-7])  # as if killed while writing the last line
    assert len(AuditState(tmp_path / "state").entries()) == 11
    logged.issue_cards(1, start=6)
    logged.catch_up()
    assert run_audit(logged.fetch, tmp_path / "state").passed
