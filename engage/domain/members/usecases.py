"""Use cases of participatory-budget members: import a membership list, link a member.

Import strategy (validate everything, then write in batches, resumable):
1. the whole file is parsed and checked first; one malformed row and nothing is written;
2. new members are saved in batches (`save(*aggregates)`: one transaction per batch), so the
   event store's lock is never held for a whole 65,000-row file;
3. the `MembershipListImported` event is saved after the last batch: an import is complete
   exactly when that event exists. If writing fails midway, the batches already written are
   whole, valid members; uploading the same file again resumes: ids derive from the emails,
   members already written are skipped (and reported), the rest is written, then the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Iterable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from engage.domain.accounts.model import Account
from engage.domain.common import UseCases, last_position
from engage.domain.members.errors import MembershipListAlreadyImported
from engage.domain.members.model import (
    MembershipImport,
    PBMember,
    Problem,
    import_id_for,
    member_id_for,
    parse_membership_list,
)

BATCH_SIZE = 2000


@dataclass(frozen=True)
class ImportResult:
    file_sha256: str
    rows: int
    imported: int = 0
    errors: tuple[Problem, ...] = ()
    duplicates: tuple[Problem, ...] = ()
    already_present: tuple[Problem, ...] = ()
    already_imported: bool = False
    position: int | None = None

    @property
    def refused(self) -> bool:
        return bool(self.errors) or self.already_imported


@dataclass
class _Writer:
    app: object
    position: int | None = None
    collided: set = field(default_factory=set)

    def save(self, makers: list[Callable[[], object]]) -> None:
        """makers build the aggregates: a failed save has drained their pending events, so the
        one-by-one fallback needs fresh ones."""
        try:
            recordings = self.app.save(*(make() for make in makers))
        except IntegrityError:
            # Some were written by an earlier, interrupted run (or concurrently): one by one.
            recordings = []
            for make in makers:
                aggregate = make()
                try:
                    recordings += self.app.save(aggregate)
                except IntegrityError:
                    self.collided.add(aggregate.id)
        if recordings:
            self.position = last_position(recordings)


class MemberUseCases(UseCases):
    """Mixed into EngageApplication."""

    # Uses, from the other mixins (annotations only: EngageApplication provides them):
    get_account: Callable[[UUID], Account]  # accounts

    def import_membership_list(
        self,
        data: bytes,
        *,
        imported_by: UUID,
        known_members: Callable[[list[UUID]], Iterable[UUID]] = lambda ids: (),
        batch_size: int = BATCH_SIZE,
    ) -> ImportResult:
        """known_members: ids already imported (a read-model lookup: it only makes the report
        precise; the event store still refuses a second member with the same id)."""
        parsed = parse_membership_list(data)
        if self._import_exists(parsed.file_sha256):
            return ImportResult(parsed.file_sha256, parsed.row_count, already_imported=True)
        if parsed.errors:
            return ImportResult(parsed.file_sha256, parsed.row_count, errors=tuple(parsed.errors),
                                duplicates=tuple(parsed.duplicates))
        ids = [member_id_for(row.email, self.identifier_key) for row in parsed.rows]
        # Erased members are known too: their key is gone for good and must never be re-created.
        known = set(known_members(ids)) | self._erased_keys(ids)
        new = [(member_id, row) for member_id, row in zip(ids, parsed.rows) if member_id not in known]
        writer = _Writer(self)
        for start in range(0, len(new), batch_size):
            chunk = new[start:start + batch_size]
            sealed = self._seal_many([
                (member_id, {"email": row.email, "name": row.name, "joined_on": row.joined_on})
                for member_id, row in chunk
            ])
            writer.save([
                partial(PBMember, member_id=member_id, arrondissement=row.arrondissement,
                        sealed_identity=seal, list_sha256=parsed.file_sha256)
                for (member_id, row), seal in zip(chunk, sealed)
            ])
        present = [row for member_id, row in zip(ids, parsed.rows) if member_id in known or member_id in writer.collided]
        imported = len(new) - len(writer.collided)
        record = partial(
            MembershipImport, file_sha256=parsed.file_sha256, rows=parsed.row_count, imported=imported,
            duplicates_in_file=len(parsed.duplicates), already_present=len(present), imported_by=imported_by,
        )
        writer.save([record])
        if import_id_for(parsed.file_sha256) in writer.collided:  # the same file, imported concurrently
            raise MembershipListAlreadyImported()
        return ImportResult(
            parsed.file_sha256, parsed.row_count, imported=imported,
            duplicates=tuple(parsed.duplicates),
            already_present=tuple(Problem(r.line, "Ligne ${line} : membre déjà importé, ignoré.", {"line": r.line}) for r in present),
            position=writer.position,
        )

    def _import_exists(self, file_sha256: str) -> bool:
        try:
            self.repository.get(import_id_for(file_sha256))
        except AggregateNotFoundError:
            return False
        return True

    def _erased_keys(self, ids: list[UUID]) -> set[UUID]:
        erased_among = getattr(self.vault, "erased_among", None)
        return set(erased_among(ids)) if erased_among is not None else set()

    def _seal_many(self, items: list[tuple[UUID, dict]]) -> list[str]:
        seal_many = getattr(self.vault, "seal_many", None)
        if seal_many is not None:
            return seal_many(items)
        return [self.vault.seal(person_id, fields) for person_id, fields in items]

    def get_pb_member(self, member_id: UUID) -> PBMember:
        return self.repository.get(member_id)

    def link_pb_member(self, person_id: UUID, email: str) -> int | None:
        """Link the member with this email to a resident's account; None if not a member
        or already linked (idempotent: called at each email confirmation and login)."""
        try:
            member = self.repository.get(member_id_for(email, self.identifier_key))
        except AggregateNotFoundError:
            return None
        if member.linked or member.erased:
            return None
        member.link(self.vault.seal(member.id, {"person_id": person_id.hex}))
        try:
            return last_position(self.save(member))
        except IntegrityError:
            return None  # linked concurrently

    def linked_member(self, person_id: UUID, email: str) -> PBMember | None:
        """The member linked to this person's account (found from the account's email), if any;
        still found once erased, as long as its key exists (an erasure retried half-way)."""
        try:
            member = self.repository.get(member_id_for(email, self.identifier_key))
        except AggregateNotFoundError:
            return None
        if member.sealed_person is None:
            return None
        opened = self.vault.unseal(member.id, member.sealed_person)
        return member if opened and opened.get("person_id") == person_id.hex else None

    def linked_member_id(self, person_id: UUID) -> UUID | None:
        """For the erasure: read while the person's key still exists."""
        account = self.get_account(person_id)
        identity = self.vault.unseal(person_id, account.sealed_identity)
        member = self.linked_member(person_id, identity["email"]) if identity else None
        return member.id if member is not None else None
