"""Use cases of the restitution: answer, quote, publish. Mixed into EngageApplication."""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass
from typing import Any, Callable
from uuid import UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from engage.domain.common import UseCases, last_position
from engage.domain.consultations.errors import ContributionNotFound
from engage.domain.consultations.model import Consultation, Contribution
from engage.domain.restitution.errors import InvalidSnapshot, RestitutionBusy
from engage.domain.restitution.model import RESTITUTION_NAMESPACE, Restitution, check_phase, restitution_id
from engage.transparency.canonical import canonical_json


@dataclass(frozen=True)
class RestitutionResult:
    """What an editor's act wrote: the log position to wait for, and the number it got
    (the answer's revision, or the published version's number)."""

    position: int | None
    number: int | None = None


def snapshot_bytes(snapshot: dict[str, Any]) -> bytes:
    """The exact bytes published and hashed: RFC 8785 canonical JSON."""
    return canonical_json(snapshot)


def snapshot_key(consultation_id: UUID, snapshot_sha256: str) -> UUID:
    """The vault key a published snapshot is sealed under (one per snapshot, shreddable)."""
    return uuid5(RESTITUTION_NAMESPACE, f"{restitution_id(consultation_id).hex}:{snapshot_sha256}")


class RestitutionUseCases(UseCases):

    # Uses, from the other mixins (annotations only: EngageApplication provides them):
    get_consultation: Callable[[UUID], Consultation]  # consultations
    get_contribution: Callable[[UUID], Contribution]  # consultations
    ATTEMPTS = 30

    def get_restitution(self, consultation_id: UUID) -> Restitution | None:
        try:
            return self.repository.get(restitution_id(consultation_id))
        except AggregateNotFoundError:
            return None

    def _restitution_act(self, consultation_id: UUID, act) -> RestitutionResult:
        """Run `act(restitution)` on the consultation's restitution, opened on first use, and
        save it; a concurrent editor's write makes the save conflict: reload and retry."""
        check_phase(self.get_consultation(consultation_id).current_phase)
        for attempt in range(self.ATTEMPTS):
            restitution = self.get_restitution(consultation_id) or Restitution(consultation_id=consultation_id)
            number = act(restitution)
            try:
                return RestitutionResult(last_position(self.save(restitution)), number)
            except IntegrityError:
                # Jittered back-off, so editors who collided do not collide again in step.
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise RestitutionBusy()

    def _restitution_item(self, consultation_id: UUID, contribution_id: UUID) -> Contribution:
        """A published contribution of this consultation, or a named error."""
        contribution = self.get_contribution(contribution_id)
        if contribution.consultation_id != consultation_id:
            raise ContributionNotFound()
        contribution.check_available()
        return contribution

    def answer_contribution(self, consultation_id: UUID, contribution_id: UUID, *, status: str,
                            justification: str, answered_by: UUID) -> RestitutionResult:
        self._restitution_item(consultation_id, contribution_id)
        return self._restitution_act(consultation_id, lambda r: r.answer(
            contribution_id=contribution_id, status=status, justification=justification, answered_by=answered_by))

    def quote_contribution(self, consultation_id: UUID, contribution_id: UUID, *, quoted_by: UUID) -> RestitutionResult:
        self._restitution_item(consultation_id, contribution_id)
        return self._restitution_act(consultation_id, lambda r: r.quote(
            contribution_id=contribution_id, quoted_by=quoted_by))

    def unquote_contribution(self, consultation_id: UUID, contribution_id: UUID, *, removed_by: UUID) -> RestitutionResult:
        # A hidden or withdrawn contribution may (and should) still be removed from the quotes.
        self.get_contribution(contribution_id)
        return self._restitution_act(consultation_id, lambda r: r.unquote(
            contribution_id=contribution_id, removed_by=removed_by))

    def publish_restitution(self, consultation_id: UUID, snapshot: dict[str, Any], *,
                            published_by: UUID) -> RestitutionResult:
        """Publish the report computed from the read models as the next immutable version.

        The snapshot (public data only) is hashed as canonical JSON; the digest is public in
        the event, the bytes are sealed beside it under the snapshot's own key."""
        try:
            data = snapshot_bytes(snapshot)
            answered = int(snapshot["totals"]["answered"])
            contributions = int(snapshot["totals"]["contributions"])
            if snapshot["consultation"]["consultation_id"] != consultation_id.hex:
                raise InvalidSnapshot()
        except (KeyError, TypeError, ValueError):
            raise InvalidSnapshot() from None
        digest = hashlib.sha256(data).hexdigest()
        sealed = self.vault.seal(snapshot_key(consultation_id, digest), {"snapshot": data.decode("utf-8")})
        return self._restitution_act(consultation_id, lambda r: r.publish(
            snapshot_sha256=digest, sealed_snapshot=sealed, answered=answered, contributions=contributions,
            published_by=published_by))
