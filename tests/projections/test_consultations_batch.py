"""The consultations projection's batch path (runs of votes and of new contributions written
set-wise) leaves exactly the tables that applying each event in turn leaves."""

import random
from uuid import uuid4

from engage.projections.base import Projection
from engage.projections.consultations import ConsultationsProjection
from tests.consultations.helpers import contribute, create_consultation

TABLES = {
    "rm_contributions": "contribution_id, consultation_id, position, parent_id, top_level, kind, theme, channel,"
                        " author_id, body, status, replies, reports, agree, flagged_for_study",
    "rm_votes": "vote_id, item_id, option",
    "rm_vote_counts": "item_id, channel, option, votes",
    "rm_support_due": "item_id, agree, threshold",
    "rm_consultation_counts": "consultation_id, channel, contributions",
    "rm_notifications": "person_id, position, kind, contribution_id, detail",
    "rm_moderation_queue": "contribution_id, last_position, reports",
}


def dump(db):
    with db.reading() as cur:
        return {table: cur.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2, 3").fetchall()
                for table, columns in TABLES.items()}


def test_batch_path_equals_one_event_at_a_time(engage_services, monkeypatch):
    app, rng = engage_services.app, random.Random(9)
    consultation = create_consultation(app, threshold=3)
    authors = [uuid4() for _ in range(3)]
    items = [contribute(app, consultation, authors[i % 3], text=f"Idée {i}").id for i in range(4)]
    items.append(contribute(app, consultation, authors[1], parent_id=items[0], text="Une réponse").id)
    people = [uuid4() for _ in range(8)]
    for step in range(120):  # first votes, changes of mind, withdrawals, and other events between runs
        who, item = rng.choice(people), rng.choice(items)
        if step % 17 == 16:
            app.report_contribution(item, reason="Hors sujet")
        elif step % 23 == 22:
            contribute(app, consultation, rng.choice(people), parent_id=rng.choice(items[:4]), text=f"Réponse {step}")
        elif rng.random() < 0.15 and app.my_vote(person_id=who, item_id=item):
            app.withdraw_vote(person_id=who, item_id=item)
        else:
            app.cast_vote(person_id=who, item_id=item, option=rng.choice(["d-accord", "mitige", "pas-d-accord"]),
                          has_valid_card=True)
    engine = engage_services.engine
    engine.rebuild(["consultations"])
    batched = dump(engage_services.db)
    monkeypatch.setattr(ConsultationsProjection, "apply_batch", Projection.apply_batch)
    engine.rebuild(["consultations"])
    assert dump(engage_services.db) == batched
    assert batched["rm_support_due"] and batched["rm_notifications"]  # the rules were exercised
    assert sum(v for *_, v in batched["rm_vote_counts"]) == sum(1 for *_, o in batched["rm_votes"] if o)
