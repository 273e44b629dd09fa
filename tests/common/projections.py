"""Projection workers for the tests of exactly-once and read-your-writes: cards to project, a
projection that dies mid-batch, and a worker that follows some projections only."""

import random
import threading

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


class PartialWorker:
    """A worker following some projections only, in a thread of the test (the others stay
    behind, as a stopped group's would)."""

    def __init__(self, engine, names, patience: float = 60):
        self.engine, self.names, self.patience = engine, list(names), patience
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.engine.catch_up(self.names)
            self._stop.wait(0.01)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=self.patience)
