"""Use cases of accounts: sign-up, email confirmation, staff roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from engage.domain.accounts.errors import EmailAlreadyRegistered
from engage.domain.accounts.model import Account, EmailClaim, Role, email_claim_id
from engage.domain.cards.model import CitizenCard
from engage.domain.common import UseCases, last_position


@dataclass(frozen=True)
class SignUpResult:
    person_id: UUID
    position: int


class AccountUseCases(UseCases):
    """Sign-up and staff roles. Mixed into EngageApplication."""

    # Uses, from the other mixins (annotations only: EngageApplication provides them):
    card_of: Callable[[UUID], CitizenCard | None]  # cards
    linked_member: Callable[..., Any]  # members

    def register_account(self, *, name: str, email: str, display_name: str, person_id: UUID | None = None) -> SignUpResult:
        person_id = person_id or uuid4()
        account = Account.register(
            person_id=person_id,
            display_name=display_name,
            sealed_identity=self.vault.seal(person_id, {"name": name, "email": email}),
        )
        claim_id = email_claim_id(email, self.identifier_key)
        claim = EmailClaim(claim_id=claim_id, person_id=person_id)
        try:
            recordings = self.save(account, claim)
        except IntegrityError:
            # Taken, unless its holder erased their data: then the address is free again.
            claim = self.repository.get(claim_id)
            claim.reclaim(person_id)  # EmailAlreadyRegistered if it is not released
            account = Account.register(person_id=person_id, display_name=display_name,
                                       sealed_identity=self.vault.seal(person_id, {"name": name, "email": email}))
            try:
                recordings = self.save(account, claim)
            except IntegrityError:  # a concurrent sign-up reclaimed it first
                raise EmailAlreadyRegistered() from None
        return SignUpResult(person_id, last_position(recordings))

    def find_person_by_email(self, email: str) -> UUID | None:
        try:
            claim = self.repository.get(email_claim_id(email, self.identifier_key))
        except AggregateNotFoundError:
            return None
        return None if claim.released else claim.person_id

    def get_account(self, person_id: UUID) -> Account:
        return self.repository.get(person_id)

    def confirm_email(self, person_id: UUID) -> int:
        account = self.get_account(person_id)
        account.confirm_email()
        return last_position(self.save(account))

    def record_password_change(self, person_id: UUID) -> int:
        account = self.get_account(person_id)
        account.record_password_change()
        return last_position(self.save(account))

    def erase_personal_data(self, person_id: UUID, *, requested_by: UUID) -> int:
        """Records PersonalDataErased (and closes the person's card) in one atomic save.
        The caller then destroys the key: AccountService.erase does both, in that order."""
        account = self.get_account(person_id)
        account.erase_personal_data(requested_by)
        touched = [account]
        identity = self.vault.unseal(person_id, account.sealed_identity)
        if identity:  # free the address (its claim is found from it, before the key goes)
            claim = self.repository.get(email_claim_id(identity["email"], self.identifier_key))
            if claim.person_id == person_id:
                claim.release()
                touched.append(claim)
            # Their participatory-budget membership goes with them (its key is destroyed next).
            member = self.linked_member(person_id, identity["email"])
            if member is not None and not member.erased:
                member.erase(requested_by)
                touched.append(member)
        card = self.card_of(person_id)
        if card is not None:
            card.close_for_erasure()
            touched.append(card)
        return last_position(self.save(*touched))

    def grant_role(self, person_id: UUID, role: Role, *, granted_by: UUID) -> int:
        account = self.get_account(person_id)
        account.grant_role(role, granted_by)
        return last_position(self.save(account))

    def revoke_role(self, person_id: UUID, role: Role, *, revoked_by: UUID) -> int:
        account = self.get_account(person_id)
        account.revoke_role(role, revoked_by)
        return last_position(self.save(account))
