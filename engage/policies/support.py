"""The support policy: when an item reaches its consultation's threshold of "d'accord",
record that the City takes it up for study, exactly once.

Who records it: this policy, run after every catch-up of the projections (in the projection
worker), reads the small `rm_support_due` table the consultations projection fills when a
count crosses the threshold, and calls `flag_for_study`. Why exactly once: the contribution
aggregate refuses a second flag from its own state, and two policies racing (a web process
and the worker, say) both append at the same version of the contribution: the event store
keeps one, the other reloads and finds the item already flagged. The projection removes the
row when it applies the flag, so a crash anywhere only means the policy runs again, harmlessly.
"""

from __future__ import annotations

import logging
from typing import Callable
from uuid import UUID

from engage.db import Database
from engage.mail import deliver, templates
from engage.public_url import public_url

log = logging.getLogger(__name__)


class SupportPolicy:
    BATCH = 100

    def __init__(self, app, db: Database):
        self.app = app
        self.db = db
        # Told of each item flagged (the web process wires a mailer here); a failure to
        # notify never undoes the flag, which is already in the log.
        self.notify: Callable[[UUID], None] | None = None

    def __call__(self) -> int:
        with self.db.reading() as cur:
            due = cur.execute(
                "SELECT item_id, agree, threshold FROM rm_support_due ORDER BY item_id LIMIT %s",
                [self.BATCH]).fetchall()
        flagged = 0
        for item_id, agree, threshold in due:
            try:
                result = self.app.flag_for_study(UUID(item_id), agree_votes=agree, threshold=threshold)
            except Exception:  # keep the worker alive; the row stays and is retried next time
                log.exception("support policy failed for %s", item_id)
                continue
            if result.position is not None:
                flagged += 1
                if self.notify is not None:
                    try:
                        self.notify(UUID(item_id))
                    except Exception:
                        log.exception("could not notify the author of %s", item_id)
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
