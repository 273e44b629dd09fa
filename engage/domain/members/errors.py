"""The named errors of members: each carries its French message, also its translation msgid."""

from __future__ import annotations

from engage.domain.common import DomainError


class MembershipListAlreadyImported(DomainError):
    message = "Ce fichier a déjà été importé : rien n'a été ajouté."


class MemberAlreadyLinked(DomainError):
    message = "Cette adhésion est déjà rattachée à un compte."


class MemberErased(DomainError):
    message = "Les données de cette adhésion ont été effacées."
