"""Open data's read models equal what they summarise, batched or not, rebuilt or not."""

from __future__ import annotations

import random

from engage.domain.common import AGE_BANDS
from tests.common.opendata import issue_cards


def aggregate(db):
    with db.reading() as cur:
        return sorted(cur.execute(
            "SELECT arrondissement, age_band, holders FROM rm_opendata_card_holders").fetchall())


def from_cards(db):
    with db.reading() as cur:
        return sorted(cur.execute(
            "SELECT arrondissement, age_band, COUNT(*) FROM rm_cards GROUP BY arrondissement, age_band").fetchall())


def test_card_holder_aggregate_matches_the_cards(engage_services):
    engage = engage_services
    rng = random.Random(7)
    groups: dict = {}
    for _ in range(40):
        key = (rng.randint(1, 20), rng.choice(list(AGE_BANDS)))
        groups[key] = groups.get(key, 0) + 1
    engage.engine.batch_size = 7  # several batches, each applied in bulk
    issue_cards(engage, groups)
    assert aggregate(engage.db) == from_cards(engage.db) == sorted((a, b, n) for (a, b), n in groups.items())
    with engage.db.reading() as cur:
        assert cur.scalar("SELECT COUNT(*) FROM rm_opendata_changes WHERE operation = 'upsert'") == 40
        assert cur.scalar("SELECT COUNT(*) FROM rm_opendata_changes WHERE operation = 'recount'") == 40
    engage.engine.rebuild(["opendata_card_holders", "opendata_changes"])
    assert aggregate(engage.db) == from_cards(engage.db)
