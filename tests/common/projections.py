"""Projection workers for the tests of exactly-once and read-your-writes: cards to project, a
projection that dies mid-batch, and a worker that follows some projections only."""

import random
import threading
from uuid import uuid4

from engage.projections.cards.projection import CardsProjection
from engage.projections.groups import group_engine, partition
from tests.common.consultations import contribute, create_consultation


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


def some_events(engage, cards=6, votes=5):
    """Cards, a consultation with contributions and votes: events for every group."""
    app = engage.app
    for i in range(cards):
        app.issue_card(name=f"Personne {i}", email=f"p{i}@exemple.fr", arrondissement=1 + i % 4,
                       age_band="25-34", consent_to_consultation=True)
    consultation = create_consultation(app)  # a threshold no item reaches: no flag appended meanwhile
    items = [contribute(app, consultation, text=f"Proposition numéro {i}.").id for i in range(2)]
    for i in range(votes):
        for item in items:
            app.cast_vote(person_id=uuid4(), item_id=item,
                          option="d-accord" if i % 3 else "mitige", has_valid_card=True)


# Rows that differ from one rebuild to the next by design: a new instance id for the export
# files' names after every rebuild.
UNSTABLE_TABLES = {"rm_opendata_instance"}


def read_models(engage) -> dict[str, list]:
    """Every read-model table's rows, in a stable order."""
    found = {}
    with engage.db.reading() as cur:
        for projection in engage.engine.projections.values():
            for table in projection.tables:
                if table in UNSTABLE_TABLES:
                    continue
                rows = cur.execute(f"SELECT * FROM {table}").fetchall()
                found[table] = sorted(rows, key=repr)
    return found


def engines(engage):
    return {g.name: group_engine(engage.engine, g, engage.hooks) for g in partition(engage.engine.projections)}


def round_trips_of(fn) -> dict:
    """What `fn` exchanged with PostgreSQL from this thread, counted at the wire (never timed):
    benchmarks/roundtrips.py's WireCounter breakdown."""
    from benchmarks.roundtrips import WireCounter

    counter = WireCounter(threading.current_thread())
    with counter.counting():
        fn()
    return counter.breakdown()


class Opened:
    """A stand-in for one hook's `Database` that records each transaction it opens ("reading" or
    "transaction") and opens it on the real one: counts a hook's visits to the database without
    counting the projections' own (set it as the hook's `db`)."""

    def __init__(self, db):
        self.db = db
        self.log: list[str] = []

    def reading(self, *args, **kwargs):
        self.log.append("reading")
        return self.db.reading(*args, **kwargs)

    def transaction(self, *args, **kwargs):
        self.log.append("transaction")
        return self.db.transaction(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.db, name)


def batches_only(engine) -> None:
    """Catch up without the hooks that run after a catch-up (the signer, the support policy):
    as a process that stopped between its batches and its hooks would leave the database."""
    for name in engine.projections:
        while engine.process_batch(name):
            pass
