"""Projection workers in trouble, for the tests of exactly-once and read-your-writes: cards to
project, and a projection that dies mid-batch."""

import random

from engage.projections.cards.projection import CardsProjection


def issue_cards(engage, count, seed=0):
    rng = random.Random(seed)
    for i in range(count):
        engage.app.issue_card(
            name=f"Personne {i}", email=f"p{i}@exemple.fr",
            arrondissement=rng.randint(1, 20), age_band=rng.choice(["18-24", "65-plus"]),
            consent_to_consultation=bool(i % 2),
        )


class Crash(Exception):
    pass


class CrashingCardsProjection(CardsProjection):
    """Fails while applying its n-th event, as a worker killed mid-batch would."""

    def __init__(self, vault, crash_at):
        super().__init__(vault)
        self.crash_at = crash_at
        self.seen = 0

    def apply_batch(self, cur, events):
        # The first events of the batch are written, then the worker dies.
        super().apply_batch(cur, events[: self.crash_at])
        if len(events) >= self.crash_at:
            raise Crash()
