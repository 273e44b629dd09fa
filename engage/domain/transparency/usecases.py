"""Use cases of the log's own acts: recording a release of openings to an auditor."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from engage.domain.common import UseCases, last_position
from engage.domain.transparency.model import OpeningsRelease


@dataclass(frozen=True)
class OpeningsReleaseResult:
    release_id: UUID
    position: int


class TransparencyUseCases(UseCases):
    def release_openings(self, *, auditor_id: UUID, tree_size: int) -> OpeningsReleaseResult:
        """Record that the openings of the first `tree_size` leaves go to this auditor."""
        if tree_size < 0:
            raise ValueError("a tree size is never negative")
        release = OpeningsRelease(auditor_id=auditor_id, tree_size=tree_size)
        return OpeningsReleaseResult(release.id, last_position(self.save(release)))
