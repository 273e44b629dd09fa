"""Every mail engage sends, one template each: a subject and a body, French msgids.

The texts are translation strings, so `make catalog` extracts them and a resident reads
their mails in their language. A body's ${placeholders} are filled at sending time
(engage.mail.send); links in a mapping are absolute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from engage.i18n import _


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str
    # The setting naming where an answer goes (its Reply-To), for a mail that invites one:
    # the sender is a no-reply address.
    reply_to: str | None = None

    def render(self, localizer, mapping: Mapping[str, Any]) -> tuple[str, str]:
        mapping = dict(mapping)
        return (localizer.translate(_(self.subject, mapping=dict(mapping))),
                localizer.translate(_(self.body, mapping=mapping)))


# -- accounts ---------------------------------------------------------------------------------

CONFIRM_ADDRESS = Mail(
    subject=_("Confirmez votre adresse électronique"),
    body=_("Bonjour,\n\nPour confirmer votre adresse et activer votre compte Paris s'engage, "
           "ouvrez ce lien (valable 48 heures) :\n\n${link}\n\n"
           "Si vous n'avez pas créé de compte, ignorez ce message."),
)

RESET_PASSWORD = Mail(
    subject=_("Choisir un nouveau mot de passe"),
    body=_("Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure) :\n\n${link}\n\n"
           "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas."),
)

ACCOUNT_EXISTS = Mail(
    subject=_("Tentative de création de compte avec votre adresse"),
    body=_("Bonjour,\n\nQuelqu'un vient d'essayer de créer un compte Paris s'engage avec votre adresse "
           "électronique, qui a déjà un compte.\n\nSi c'était vous, connectez-vous :\n\n${login}\n\n"
           "ou, si vous avez oublié votre mot de passe, choisissez-en un nouveau :\n\n${reset}\n\n"
           "Si ce n'était pas vous, ignorez ce message : votre compte ne change pas."),
)

# -- consultations ----------------------------------------------------------------------------

CONTRIBUTION_REPLIED = Mail(
    subject=_("Une réponse à votre contribution"),
    body=_("Bonjour,\n\nQuelqu'un a répondu à votre contribution à la consultation « ${title} » :\n\n${link}\n\n"
           "Vous recevez ce message parce que vous avez contribué sur Paris s'engage."),
)

CONTRIBUTION_HIDDEN = Mail(
    subject=_("Votre contribution a été masquée"),
    body=_("Bonjour,\n\nVotre contribution à la consultation « ${title} » a été masquée par la modération.\n"
           "Motif : ${reason}\n\n${link}\n\nSi vous pensez qu'il s'agit d'une erreur, répondez à ce message : "
           "votre réponse parvient à l'équipe de modération."),
    reply_to="engage.moderation_contact",
)

CONTRIBUTION_AT_STUDY = Mail(
    subject=_("Votre contribution est à l'étude par la Ville"),
    body=_("Bonjour,\n\nVotre contribution à la consultation « ${title} » a atteint le seuil de soutien : "
           "elle est désormais à l'étude par la Ville.\n\n${link}"),
)

# -- restitution ------------------------------------------------------------------------------

CONTRIBUTION_ANSWERED = Mail(
    subject=_("La Ville a répondu à votre contribution"),
    body=_("Bonjour,\n\nLa Ville a répondu à votre contribution à la consultation « ${title} ».\n"
           "Suite donnée : ${status}\n\n${justification}\n\n${link}"),
)

# -- workshops --------------------------------------------------------------------------------

SEAT_FREED = Mail(
    subject=_("Une place s'est libérée : vous êtes inscrit·e"),
    body=_("Bonjour,\n\nUne place s'est libérée à l'atelier « ${title} » (${when}) : vous étiez "
           "le premier ou la première sur la liste d'attente, vous êtes maintenant inscrit·e.\n\n"
           "${link}\n\nSi vous ne pouvez plus venir, désinscrivez-vous pour laisser la place : ${mine}"),
)

SESSION_RESCHEDULED = Mail(
    subject=_("Atelier déplacé : ${title}"),
    body=_("Bonjour,\n\nL'atelier « ${title} » auquel vous êtes inscrit·e a changé d'horaire : "
           "il aura lieu ${when}.\n\n${link}\n\nSi vous ne pouvez plus venir, désinscrivez-vous "
           "pour laisser la place : ${mine}"),
)

SESSION_CANCELLED = Mail(
    subject=_("Atelier annulé : ${title}"),
    body=_("Bonjour,\n\nNous sommes désolés : l'atelier « ${title} » prévu ${when} est annulé.\n\n"
           "D'autres séances vous attendent : ${link}"),
)
