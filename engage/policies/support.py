"""The support policy: when an item reaches its consultation's threshold of "d'accord",
record that the City takes it up for study, exactly once.

Who records it: this policy, run after every catch-up of the projections (in the projection
worker), reads the small `rm_support_due` table the consultations projection fills when a
count crosses the threshold, and calls `flag_for_study`. Why exactly once: the contribution
aggregate refuses a second flag from its own state, and two policies racing (a web process
and the worker, say) both append at the same version of the contribution: the event store
keeps one, the other reloads and finds the item already flagged. The projection removes the
row when it applies the flag, so a crash anywhere only means the policy runs again, harmlessly.

When it reads: it runs after every catch-up, a vote's included, while rows appear in
`rm_support_due` only when a count crosses a threshold (rare), so it reads the table only when
rows may be there:
- on its first run: rows an earlier process left;
- after a batch of its own thread wrote a row: the projection tells it (`cue`) before that
  batch commits, but the policy runs after its thread's batches, so the row is there to read
  (or was rolled back, which costs one empty read). A cue is per thread: another thread's batch
  may not have committed, and a read now would miss its row while clearing its cue;
- while a row read last time is unsettled (its flag failed, or appended nothing) or that read
  filled a whole BATCH (rows remain);
- once every `sweep_interval` seconds: rows another process wrote (a worker stopped between
  its batch and its policy, a rebuild's replay);
- when called with `force=True`.
So a row is never passed over for good: a crossing may wait at most a sweep, never go unflagged.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable
from uuid import UUID

from engage.db import Database
from engage.mail import deliver, templates
from engage.public_url import public_url

log = logging.getLogger(__name__)


class SupportPolicy:
    BATCH = 100

    def __init__(self, app, db: Database, *, sweep_interval: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.app = app
        self.db = db
        # Told of each item flagged (the web process wires a mailer here); a failure to
        # notify never undoes the flag, which is already in the log.
        self.notify: Callable[[UUID], None] | None = None
        self.sweep_interval = sweep_interval
        self.clock = clock
        # Threads whose batches wrote into rm_support_due since they last ran the policy. Per
        # thread: a batch of another thread may not have committed yet, and this run's read
        # would miss its row while clearing its cue.
        self._cued: set[int] = set()
        self._read_again = True  # the first run reads: rows an earlier process left
        self._next_sweep = clock() + sweep_interval

    def cue(self) -> None:
        """A batch of this thread wrote a row into rm_support_due (the projection calls it)."""
        self._cued.add(threading.get_ident())

    def __call__(self, *, force: bool = False) -> int:
        me, now = threading.get_ident(), self.clock()
        if not (force or self._read_again or me in self._cued or now >= self._next_sweep):
            return 0
        # This thread's batches are over: whatever they cued is committed (or rolled back).
        self._cued.discard(me)
        self._read_again = True  # until this run has read and flagged without a failure
        self._next_sweep = now + self.sweep_interval
        with self.db.reading() as cur:
            due = cur.execute(
                "SELECT item_id, agree, threshold FROM rm_support_due ORDER BY item_id LIMIT %s",
                [self.BATCH]).fetchall()
        flagged, unsettled = 0, False
        for item_id, agree, threshold in due:
            try:
                result = self.app.flag_for_study(UUID(item_id), agree_votes=agree, threshold=threshold)
            except Exception:  # keep the worker alive; the row stays and is retried next time
                log.exception("support policy failed for %s", item_id)
                unsettled = True
                continue
            if result.position is None:
                # Flagged already (its row goes when the projection applies the flag), or lost
                # every race for the contribution's version: read again next time either way.
                unsettled = True
            else:
                flagged += 1
                if self.notify is not None:
                    try:
                        self.notify(UUID(item_id))
                    except Exception:
                        log.exception("could not notify the author of %s", item_id)
        self._read_again = unsettled or len(due) == self.BATCH
        return flagged


def study_mailer(registry) -> Callable[[UUID], None]:
    """Tell an item's author that the City takes it up for study. It runs in the projection
    worker, with no request: the link is built from `engage.public_url` (the site's address as
    residents see it) and the mail is written in the site's default language."""
    engage = registry.engage

    def notify(item_id: UUID) -> None:
        contribution = engage.app.get_contribution(item_id)
        if contribution.author_id is None:
            return  # transcribed at a meeting: nobody to write to
        consultation = engage.app.get_consultation(contribution.consultation_id)
        deliver(registry, templates.CONTRIBUTION_AT_STUDY, person=contribution.author_id, title=consultation.title,
                link=public_url(registry, "contribution", ref=consultation.slug, item=item_id.hex))

    return notify


def attach_study_mailer(registry) -> None:
    """Give the application's support policy its mailer: again whenever `registry.engage` is rebuilt."""
    for hook in registry.engage.engine.after_catch_up:
        if isinstance(hook, SupportPolicy):
            hook.notify = study_mailer(registry)


def includeme(config) -> None:
    attach_study_mailer(config.registry)
