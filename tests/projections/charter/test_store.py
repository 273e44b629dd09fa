"""On both back ends: one ballot per person per amendment under concurrency; the read model rebuilds
identically from the log; the log carries no voter id."""

import threading
from uuid import UUID, uuid4

from engage.projections.charter import queries as q
from engage.projections.charter.projection import CharterProjection
from engage.scripts.charter_demo import advance, demo_consultation, load_charter_demo


def drafting(app):
    """The charter linked to a consultation in its drafting phase."""
    editor = uuid4()
    consultation = demo_consultation(app, editor)
    app.link_charter_to_consultation(consultation)
    advance(app, consultation, "redaction", by=editor)


def test_concurrent_first_votes_of_one_person_make_one_ballot(engage_services):
    app = engage_services.app
    app.start_charter()
    article = app.add_article(title="Principes", text="Ouverte à tous.").id.hex
    drafting(app)
    amendment = app.propose_amendment(article_id=article, base_version=1, text="Ouverte à toutes et à tous.",
                                      rationale="Inclusif", author_id=uuid4()).id
    voter = uuid4()
    errors = []
    barrier = threading.Barrier(6)

    def vote(choice):
        try:
            barrier.wait()
            app.vote_on_amendment(amendment, person_id=voter, choice=choice)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=vote, args=(c,)) for c in ["agree", "mixed", "disagree"] * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    engage_services.engine.catch_up()
    tally = q.amendment(engage_services.db, amendment.hex)
    assert tally.agree + tally.mixed + tally.disagree == 1
    assert app.my_amendment_vote(amendment, voter) in ("agree", "mixed", "disagree")


def snapshot(db):
    with db.reading() as cur:
        return {table: sorted(map(tuple, cur.execute(f"SELECT * FROM {table}").fetchall()), key=repr)
                for table in CharterProjection.tables}


def test_rebuild_gives_the_same_read_model_and_the_log_names_no_voter(engage_services):
    load_charter_demo(engage_services, adopted=True)
    engage_services.engine.catch_up()
    before = snapshot(engage_services.db)
    assert before["rm_amendment_ballots"] and before["rm_charter_versions"]
    engage_services.engine.rebuild(["charter"])
    engage_services.engine.catch_up()
    assert snapshot(engage_services.db) == before
    with engage_services.db.reading() as cur:
        people = [UUID(row[0]) for row in cur.execute("SELECT person_id FROM rm_people").fetchall()]
    assert people
    ballots = [n for n in engage_services.app.recorder.select_notifications(start=1, limit=10_000)
               if "AmendmentBallot" in n.topic]
    assert ballots
    for notification in ballots:
        for person in people:
            assert person.hex.encode() not in notification.state
            assert str(person).encode() not in notification.state


def test_diffs_are_stored_once_by_the_projection_and_rebuild_identically(engage_services):
    app = engage_services.app
    app.start_charter()
    text = ("la " * 600).strip()
    article = app.add_article(title="Principes", text=text).id.hex
    drafting(app)
    first = app.propose_amendment(article_id=article, base_version=1, text=text + " et plus.",
                                  rationale="Plus", author_id=uuid4()).id
    # all different, 1,199 tokens against 1,199: over the budget, on its base and on the new text
    second = app.propose_amendment(article_id=article, base_version=1, text=("le " * 600).strip(),
                                   rationale="Autre", author_id=uuid4()).id
    app.accept_amendment(first, reason="Retenu")
    engage_services.engine.catch_up()
    with engage_services.db.reading() as cur:
        stored = dict(cur.execute("SELECT diff_key, segments FROM rm_charter_diffs").fetchall())
    appended = '[["=","' + text + '"],["~",""," et plus."]]'
    assert stored == {
        q.amendment_diff_key(first.hex, 1): appended,
        q.article_diff_key(article, 2): appended,
        q.amendment_diff_key(second.hex, 1): "null",
        q.amendment_diff_key(second.hex, 2): "null",  # the outdated one against the article's new text
    }
    engage_services.engine.rebuild(["charter"])
    engage_services.engine.catch_up()
    with engage_services.db.reading() as cur:
        assert dict(cur.execute("SELECT diff_key, segments FROM rm_charter_diffs").fetchall()) == stored
