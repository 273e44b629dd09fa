"""Consultations through the application and the read model, on both back ends."""

from __future__ import annotations

import datetime
import json
import threading
from uuid import uuid4

import pytest

from engage.domain.common import AlreadyDone, DomainError
from engage.domain.consultations import errors as c_errors
from engage.domain.consultations import model as c
from engage.policies.support import SupportPolicy
from engage.projections.consultations import queries as q
from engage.services import Engage
from tests.common.consultations import EDITOR, PLAN, THEMES, contribute, create_consultation
from tests.common.leaves import public_leaf
from tests.common.projections import Opened, batches_only
from tests.conftest import app_settings


def test_plan_phases_in_order_and_slugs_unique(engage_services):
    app = engage_services.app
    cid = create_consultation(app, open_phase=False)
    with pytest.raises(c_errors.SlugTaken):
        create_consultation(app, open_phase=False)
    with pytest.raises(c_errors.PhaseOrder):
        app.start_phase(cid, "restitution", started_by=EDITOR)
    with pytest.raises(c_errors.ContributionClosed):
        contribute(app, cid)
    app.start_phase(cid, "consultation", started_by=EDITOR)
    contribute(app, cid)
    app.start_phase(cid, "restitution", started_by=EDITOR)
    with pytest.raises(c_errors.ContributionClosed):
        contribute(app, cid)
    new_plan = [dict(p) for p in PLAN]
    new_plan[0]["ends_on"] = "2027-01-15"
    with pytest.raises(c_errors.InvalidPlan):  # overlaps the restitution
        app.revise_consultation(cid, revised_by=EDITOR, title="Charte", description="d",
                                themes=THEMES, plan=new_plan, card_required=False, support_threshold=10)
    new_plan[1]["starts_on"] = "2027-01-16"
    app.revise_consultation(cid, revised_by=EDITOR, title="Charte parisienne", description="d",
                            themes=THEMES, plan=new_plan, card_required=True, support_threshold=10)
    engage_services.engine.catch_up()
    view = q.consultation(engage_services.db, "charte")
    assert view.current_phase == "restitution" and view.card_required and view.plan[0]["ends_on"] == "2027-01-15"
    assert q.consultation(engage_services.db, cid.hex).slug == "charte"


def test_card_required_and_bad_text_change_nothing(engage_services):
    app = engage_services.app
    cid = create_consultation(app, card_required=True)
    head = engage_services.engine.head()
    for kwargs, error in (
        ({"has_valid_card": False}, c_errors.CardRequired),
        ({"text": "   "}, c_errors.EmptyText),
        ({"text": "x" * 4001}, c_errors.TextTooLong),
        ({"kind": "insulte"}, c_errors.UnknownKind),
        ({"theme": "Autre chose"}, c_errors.UnknownTheme),
    ):
        with pytest.raises(error) as raised:
            contribute(app, cid, **kwargs)
        assert isinstance(raised.value, DomainError) and raised.value.message
    assert engage_services.engine.head() == head


def test_contribution_text_is_sealed_in_the_log_and_shown_as_typed(engage_services):
    app = engage_services.app
    cid = create_consultation(app)
    text = "<script>alert('x')</script> Des réunions le soir"
    posted = contribute(app, cid, text=text)
    engage_services.engine.catch_up()
    assert q.contribution(engage_services.db, posted.id.hex).body == text
    event = app.repository.get(posted.id).collect_events() or None
    assert event is None  # nothing pending
    stored = list(app.events.get(posted.id))[0]
    public = json.dumps(public_leaf(stored, 1))
    assert "réunions" not in public and "sha256" in public


def test_edit_within_15_minutes_then_only_withdraw(engage_services):
    app = engage_services.app
    cid = create_consultation(app)
    author, other = uuid4(), uuid4()
    posted = contribute(app, cid, author)
    app.edit_contribution(posted.id, person_id=author, text="Version 2")
    with pytest.raises(c_errors.NotTheAuthor):
        app.edit_contribution(posted.id, person_id=other, text="Intrus")
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=16)
    with pytest.raises(c_errors.EditWindowClosed):
        app.edit_contribution(posted.id, person_id=author, text="Version 3", now=later)
    app.withdraw_contribution(posted.id, person_id=author)
    with pytest.raises(c_errors.AlreadyWithdrawn):
        app.withdraw_contribution(posted.id, person_id=author)
    with pytest.raises(c_errors.ItemUnavailable):
        contribute(app, cid, parent_id=posted.id)
    engage_services.engine.catch_up()
    view = q.contribution(engage_services.db, posted.id.hex)
    assert view.versions == 2 and view.status == "retiree" and view.body is None
    edits = [e for e in app.events.get(posted.id) if type(e).__name__ == "ContributionEdited"]
    assert len(edits) == 1  # each version kept, as its own event


def test_replies_notify_the_author_and_lists_filter(engage_services):
    app = engage_services.app
    cid = create_consultation(app)
    author = uuid4()
    first = contribute(app, cid, author, kind="question", theme="Budget participatif")
    contribute(app, cid, kind="avis")
    reply = contribute(app, cid, parent_id=first.id, kind="avis", text="Voici une réponse")
    engage_services.engine.catch_up()
    db = engage_services.db
    rows, more = q.contributions(db, cid.hex)
    assert len(rows) == 2 and not more  # replies are in their thread, not in the list
    assert [r.contribution_id for r in q.contributions(db, cid.hex, kind="question")[0]] == [first.id.hex]
    assert len(q.contributions(db, cid.hex, theme="budget-participatif")[0]) == 1
    assert len(q.contributions(db, cid.hex, channel=c.IN_PERSON)[0]) == 0
    assert [r.contribution_id for r in q.replies(db, first.id.hex)[0]] == [reply.id.hex]
    notes, _ = q.notifications(db, author)
    assert [(n.kind, n.contribution_id) for n in notes] == [("reply", first.id.hex)]
    assert q.contribution_counts(db, cid.hex) == {c.ONLINE: 3, c.IN_PERSON: 0}


def test_votes_change_withdraw_and_never_name_the_voter(engage_services):
    app = engage_services.app
    cid = create_consultation(app)
    item = contribute(app, cid).id
    voter = uuid4()
    app.cast_vote(person_id=voter, item_id=item, option="d-accord", has_valid_card=True)
    assert app.cast_vote(person_id=voter, item_id=item, option="d-accord", has_valid_card=True).position is None
    app.cast_vote(person_id=voter, item_id=item, option="mitige", has_valid_card=True)
    app.cast_vote(person_id=uuid4(), item_id=item, option="pas-d-accord", has_valid_card=True)
    with pytest.raises(c_errors.UnknownOption):
        app.cast_vote(person_id=voter, item_id=item, option="peut-etre", has_valid_card=True)
    engage_services.engine.catch_up()
    counts = q.vote_counts(engage_services.db, item.hex)
    assert counts[c.ONLINE] == {"d-accord": 0, "mitige": 1, "pas-d-accord": 1}
    app.withdraw_vote(person_id=voter, item_id=item)
    with pytest.raises(c_errors.NoVoteToWithdraw):
        app.withdraw_vote(person_id=voter, item_id=item)
    app.cast_vote(person_id=voter, item_id=item, option="d-accord", has_valid_card=True)
    engage_services.engine.catch_up()
    assert q.vote_counts(engage_services.db, item.hex)["total"] == {"d-accord": 1, "mitige": 0, "pas-d-accord": 1}
    key = c.vote_id(voter, item, app.identifier_key)
    for stored in app.events.get(key):
        assert voter.hex not in json.dumps(public_leaf(stored, 1)).replace("-", "")
    assert app.my_vote(person_id=voter, item_id=item) == "d-accord"


def test_no_vote_on_hidden_item_or_without_card(engage_services):
    app = engage_services.app
    cid = create_consultation(app, card_required=True)
    item = contribute(app, cid).id
    with pytest.raises(c_errors.CardRequired):
        app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=False)
    app.hide_contribution(item, reason="Propos injurieux", moderator_id=EDITOR)
    with pytest.raises(c_errors.ItemUnavailable):
        app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True)


def test_concurrent_first_votes_by_one_person_count_once(engage_services):
    app = engage_services.app
    cid = create_consultation(app)
    item = contribute(app, cid).id
    voter = uuid4()
    barrier = threading.Barrier(8)
    errors = []

    def vote(option):
        barrier.wait()
        try:
            app.cast_vote(person_id=voter, item_id=item, option=option, has_valid_card=True)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=vote, args=(["d-accord", "mitige"][i % 2],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    engage_services.engine.catch_up()
    total = q.vote_counts(engage_services.db, item.hex)["total"]
    assert sum(total.values()) == 1
    key = c.vote_id(voter, item, app.identifier_key)
    assert [type(e).__name__ for e in app.events.get(key)][0] == "VoteCast"
    assert sum(type(e).__name__ == "VoteCast" for e in app.events.get(key)) == 1


def test_threshold_flags_the_item_exactly_once(engage_services):
    app = engage_services.app
    cid = create_consultation(app, threshold=3)
    author = uuid4()
    item = contribute(app, cid, author).id
    for _ in range(4):
        app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True)
    engage_services.engine.catch_up()  # the policy runs after the catch-up
    # a second policy racing the first changes nothing
    assert app.flag_for_study(item, agree_votes=4, threshold=3).position is None
    engage_services.engine.catch_up()
    engage_services.engine.catch_up()
    flags = [e for e in app.events.get(item) if type(e).__name__ == "ContributionFlaggedForStudy"]
    assert len(flags) == 1 and flags[0].agree_votes >= 3
    assert q.contribution(engage_services.db, item.hex).flagged_for_study
    assert [n.kind for n in q.notifications(engage_services.db, author)[0]] == ["threshold"]


def _support_policy(engage):
    return next(hook for hook in engage.engine.after_catch_up if isinstance(hook, SupportPolicy))


def test_the_support_policy_reads_rm_support_due_only_after_a_threshold_was_crossed(engage_services):
    """It runs after every catch-up, a vote's included; rows appear in rm_support_due only when
    the projection records a crossing, which tells the policy: the other catch-ups cost nothing."""
    app, engine = engage_services.app, engage_services.engine
    policy = _support_policy(engage_services)
    cid = create_consultation(app, threshold=2)
    author = uuid4()
    item = contribute(app, cid, author).id
    engine.catch_up()  # its first run looks once: rows an earlier process may have left
    policy.db = opened = Opened(policy.db)
    app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True)
    app.cast_vote(person_id=uuid4(), item_id=item, option="mitige", has_valid_card=True)
    engine.catch_up()
    engine.catch_up()
    assert opened.log == []  # below the threshold: nothing to read
    app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True)
    engine.catch_up()  # the crossing: the policy reads the row and flags the item
    assert opened.log == ["reading"]
    engine.catch_up()
    assert opened.log == ["reading"]
    assert q.contribution(engage_services.db, item.hex).flagged_for_study
    assert [n.kind for n in q.notifications(engage_services.db, author)[0]] == ["threshold"]


def test_the_support_policy_flags_what_an_earlier_process_left(database_url):
    """A crossing applied by a process that stopped before its policy ran: the row is all that
    is left of it, and the next process's policy finds it on its first run."""
    earlier = Engage.from_settings(app_settings(database_url), run_projections=False)
    try:
        cid = create_consultation(earlier.app, threshold=1)
        item = contribute(earlier.app, cid).id
        earlier.app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True)
        batches_only(earlier.engine)
    finally:
        earlier.close()
    later = Engage.from_settings(app_settings(database_url), run_projections=False)
    try:
        later.engine.catch_up()  # nothing new to apply: only the policy's first look
        assert [type(e).__name__ for e in later.app.events.get(item)][-1] == "ContributionFlaggedForStudy"
        later.engine.catch_up()
        assert q.contribution(later.db, item.hex).flagged_for_study
    finally:
        later.close()


def test_the_support_policy_sweeps_for_rows_another_process_wrote(engage_services):
    app, now = engage_services.app, [0.0]
    policy = SupportPolicy(app, Opened(engage_services.db), sweep_interval=60, clock=lambda: now[0])
    assert policy() == 0 and policy.db.log == ["reading"]  # its first run
    item = contribute(app, create_consultation(app, threshold=1)).id
    app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True)
    batches_only(engage_services.engine)  # the crossing cues that engine's policy, not this one
    now[0] = 59
    assert policy() == 0 and policy.db.log == ["reading"]
    now[0] = 60
    assert policy() == 1 and policy.db.log == ["reading", "reading"]
    assert policy(force=True) == 0 and len(policy.db.log) == 3  # asked to: it reads


def test_the_support_policy_looks_again_while_a_flag_failed(engage_services, monkeypatch):
    app, engine = engage_services.app, engage_services.engine
    policy = _support_policy(engage_services)
    cid = create_consultation(app, threshold=1)
    item = contribute(app, cid).id
    engine.catch_up()
    flag = app.flag_for_study
    monkeypatch.setattr(app, "flag_for_study", lambda *a, **k: 1 / 0)
    app.cast_vote(person_id=uuid4(), item_id=item, option="d-accord", has_valid_card=True)
    engine.catch_up()  # the flag fails (logged): the row stays
    monkeypatch.setattr(app, "flag_for_study", flag)
    policy.db = opened = Opened(policy.db)
    engine.catch_up()  # no new crossing, but the last attempt failed
    assert opened.log == ["reading"]
    assert not q.contribution(engage_services.db, item.hex).flagged_for_study  # not applied yet
    engine.catch_up()
    assert q.contribution(engage_services.db, item.hex).flagged_for_study


def test_concurrent_policies_flag_once(engage_services):
    app = engage_services.app
    cid = create_consultation(app, threshold=1)
    item = contribute(app, cid).id
    barrier = threading.Barrier(6)

    def flag():
        barrier.wait()
        app.flag_for_study(item, agree_votes=1, threshold=1)

    threads = [threading.Thread(target=flag) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(type(e).__name__ == "ContributionFlaggedForStudy" for e in app.events.get(item)) == 1


def test_meeting_transcriptions_and_show_of_hands_split_by_channel(engage_services):
    app = engage_services.app
    cid = create_consultation(app)
    facilitator = uuid4()
    with pytest.raises(c_errors.InvalidMeeting):
        app.schedule_meeting(consultation_id=cid, facilitator_id=facilitator, title="Réunion",
                             starts_at=datetime.datetime(2026, 12, 3, 18, 30, tzinfo=datetime.timezone.utc))
    meeting = app.schedule_meeting(
        consultation_id=cid, facilitator_id=facilitator, title="Réunion publique du 11e",
        starts_at=datetime.datetime(2026, 12, 3, 18, 30, tzinfo=datetime.timezone.utc),
        place="Mairie du 11e, salle des fêtes", arrondissement=11).id
    app.record_headcount(meeting, 42, recorded_by=facilitator)
    with pytest.raises(c_errors.InvalidScanDigest):
        app.transcribe_contribution(meeting_id=meeting, transcriber_id=facilitator, kind="avis",
                                    theme="Conseils de quartier", text="Sur papier", scan_sha256="abc")
    paper = app.transcribe_contribution(
        meeting_id=meeting, transcriber_id=facilitator, kind="proposition", theme="Conseils de quartier",
        text="Tirer au sort une partie des conseillers de quartier", paper_reference="F-11-007",
        scan_sha256="a" * 64).id
    online = contribute(app, cid).id
    app.cast_vote(person_id=uuid4(), item_id=paper, option="d-accord", has_valid_card=True)
    app.record_show_of_hands(meeting, item_id=paper, counts={"d-accord": 30, "mitige": 5, "pas-d-accord": 2},
                             recorded_by=facilitator)
    app.record_show_of_hands(meeting, item_id=paper, counts={"d-accord": 31, "mitige": 5, "pas-d-accord": 2},
                             recorded_by=facilitator)  # a correction replaces the count
    engage_services.engine.catch_up()
    db = engage_services.db
    counts = q.vote_counts(db, paper.hex)
    assert counts[c.IN_PERSON]["d-accord"] == 31 and counts[c.ONLINE]["d-accord"] == 1
    assert counts["total"]["d-accord"] == 32
    assert [r.contribution_id for r in q.contributions(db, cid.hex, channel=c.IN_PERSON)[0]] == [paper.hex]
    assert [r.contribution_id for r in q.contributions(db, cid.hex, channel=c.ONLINE)[0]] == [online.hex]
    view = q.contribution(db, paper.hex)
    assert view.paper_reference == "F-11-007" and view.scan_sha256 == "a" * 64 and view.author_id is None
    (m,) = q.meetings(db, cid.hex)
    assert m.headcount == 42 and m.contributions == 1 and m.arrondissement == 11


def test_moderation_hides_restores_and_notifies(engage_services):
    app = engage_services.app
    cid = create_consultation(app)
    author = uuid4()
    item = contribute(app, cid, author, text="Texte problématique").id
    with pytest.raises(c_errors.InvalidModerationReason):
        app.report_contribution(item, person_id=uuid4(), reason="x")
    app.report_contribution(item, person_id=uuid4(), reason="Propos injurieux envers un élu")
    engage_services.engine.catch_up()
    db = engage_services.db
    assert [r.contribution_id for r in q.moderation_queue(db)[0]] == [item.hex]
    app.hide_contribution(item, reason="Contraire à la charte de modération", moderator_id=EDITOR)
    with pytest.raises(c_errors.AlreadyHidden):
        app.hide_contribution(item, reason="Encore une fois", moderator_id=EDITOR)
    engage_services.engine.catch_up()
    view = q.contribution(db, item.hex)
    assert view.body is None and view.hidden_reason == "Contraire à la charte de modération"
    assert q.moderation_queue(db)[0] == []
    assert q.search(db, cid.hex, "problématique")[0] == []
    app.restore_contribution(item, moderator_id=EDITOR)
    engage_services.engine.catch_up()
    assert q.contribution(db, item.hex).body == "Texte problématique"
    assert [n.kind for n in q.notifications(db, author)[0]] == ["restored", "hidden"]


def reports(engage_services, item):
    engage_services.engine.catch_up()
    queued = {r.contribution_id: r.reports for r in q.moderation_queue(engage_services.db)[0]}
    with engage_services.db.reading() as cur:
        counted = cur.scalar("SELECT reports FROM rm_contributions WHERE contribution_id = %s", [item.hex])
    return queued.get(item.hex, 0), counted


def test_one_report_per_person_and_item_kept_private(engage_services):
    """Issue 16: a second report by the same person is refused and not counted; another
    person's is; the public log never names the reporter."""
    app = engage_services.app
    cid = create_consultation(app)
    item, other_item = contribute(app, cid).id, contribute(app, cid, text="Une autre idée.").id
    reporter, someone = uuid4(), uuid4()
    first = app.report_contribution(item, person_id=reporter, reason="Propos injurieux")
    assert reports(engage_services, item) == (1, 1)
    head = engage_services.engine.head()
    with pytest.raises(c_errors.AlreadyReported) as again:
        app.report_contribution(item, person_id=reporter, reason="Toujours injurieux")
    assert isinstance(again.value, AlreadyDone) and "déjà signalé" in again.value.message
    assert engage_services.engine.head() == head  # nothing written
    assert reports(engage_services, item) == (1, 1)
    app.report_contribution(item, person_id=someone, reason="Hors sujet")
    app.report_contribution(other_item, person_id=reporter, reason="Hors sujet")  # another item: fine
    assert reports(engage_services, item) == (2, 2) and reports(engage_services, other_item) == (1, 1)

    leaves = [public_leaf(event, n.id) for n in app.recorder.select_notifications(start=1, limit=10_000)
              for event in [app.mapper.to_domain_event(n)] if "Report" in type(event).__name__]
    assert len(leaves) == 3 and first.position in {leaf["position"] for leaf in leaves}
    for leaf in leaves:
        text = json.dumps(leaf, ensure_ascii=False)
        for person in (reporter, someone):
            assert person.hex not in text and str(person) not in text
        assert "injurieux" not in text and "Hors sujet" not in text  # the reason is sealed too
        assert "aggregate_id" not in leaf and leaf["fields"] == {}  # a report is private: its type and minute only


def test_concurrent_reports_by_one_person_count_once(engage_services):
    app = engage_services.app
    cid = create_consultation(app)
    item = contribute(app, cid).id
    reporter = uuid4()
    barrier = threading.Barrier(6)
    outcomes = []

    def report():
        barrier.wait()
        try:
            app.report_contribution(item, person_id=reporter, reason="Propos injurieux")
            outcomes.append("recorded")
        except c_errors.AlreadyReported:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 - asserted below
            outcomes.append(error)

    threads = [threading.Thread(target=report) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["recorded"] + ["refused"] * 5
    assert reports(engage_services, item) == (1, 1)


def test_french_search_on_both_engines(engage_services):
    app = engage_services.app
    cid = create_consultation(app)
    first = contribute(app, cid, text="Organiser des réunions publiques dans chaque arrondissement").id
    contribute(app, cid, text="Un budget participatif pour les collèges")
    engage_services.engine.catch_up()
    db = engage_services.db
    assert [r.contribution_id for r in q.search(db, cid.hex, "réunion publique")[0]] == [first.hex]
    assert [r.contribution_id for r in q.search(db, cid.hex, "arrondissements")[0]] in ([first.hex], [])
    assert q.search(db, cid.hex, '"; DROP TABLE rm_contributions; --')[0] == []
    assert len(q.search(db, cid.hex, "budget")[0]) == 1
