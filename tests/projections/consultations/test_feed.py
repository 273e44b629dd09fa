"""The consultations' feed read model, on both back ends: bounded, newest first, titles kept current."""

from __future__ import annotations

from engage.projections.consultations import feed
from engage.projections.consultations.feed_queries import latest
from tests.common.consultations import EDITOR, PLAN, THEMES, create_consultation


def test_entries_newest_first_bounded_and_titled_as_now(engage_services):
    engage, app = engage_services, engage_services.app
    first = create_consultation(app)
    for phase in ("restitution", "redaction", "adoption"):
        app.start_phase(first, phase, started_by=EDITOR)
    create_consultation(app, slug="budget", open_phase=False, title="Budget participatif 2027")
    app.revise_consultation(first, revised_by=EDITOR, title="La charte, version revue", description="Revue.",
                            themes=THEMES, plan=PLAN, card_required=False, support_threshold=10)
    engage.engine.catch_up()
    entries = latest(engage.db)
    assert [(e.slug, e.kind, e.subject) for e in entries] == [
        ("budget", feed.CREATED, ""), ("charte", feed.PHASE, "adoption"), ("charte", feed.PHASE, "redaction"),
        ("charte", feed.PHASE, "restitution"), ("charte", feed.PHASE, "consultation"), ("charte", feed.CREATED, ""),
    ]
    assert [e.position for e in entries] == sorted((e.position for e in entries), reverse=True)
    assert {e.title for e in entries if e.slug == "charte"} == {"La charte, version revue"}
    assert [e.kind for e in latest(engage.db, limit=2)] == [feed.CREATED, feed.PHASE]
    assert len(latest(engage.db, first.hex)) == 5 and latest(engage.db, "0" * 32) == []
