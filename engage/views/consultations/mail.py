"""Mail from the support policy: it runs in the projection worker, with no request, so the
mail is composed here from the registry's mailer and a localizer of the default language.
The link is built from `engage.public_url` when set (the site's address as residents see it)."""

from __future__ import annotations

import logging
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid_mailer import get_mailer
from pyramid_mailer.message import Message

from engage.i18n import _
from engage.policies.support import SupportPolicy

log = logging.getLogger(__name__)


def threshold_mailer(registry):
    engage = registry.engage
    settings = registry.settings

    def notify(item_id: UUID) -> None:
        app = engage.app
        contribution = app.get_contribution(item_id)
        if contribution.author_id is None:
            return  # transcribed at a meeting: nobody to write to
        try:
            account = app.get_account(contribution.author_id)
        except AggregateNotFoundError:
            return
        identity = engage.vault.unseal(account.id, account.sealed_identity)
        if not identity or not identity.get("email"):
            return  # erased
        consultation = app.get_consultation(contribution.consultation_id)
        base = settings.get("engage.public_url", "").rstrip("/")
        link = f"{base}/consultations/{consultation.slug}/contributions/{item_id.hex}"
        directories = registry.queryUtility(ITranslationDirectories, default=[])
        localizer = make_localizer(settings.get("pyramid.default_locale_name", "fr"), directories)
        message = Message(
            subject=localizer.translate(_("Votre contribution est à l'étude par la Ville")),
            sender=settings.get("mail.default_sender", "Paris s'engage <ne-pas-repondre@engage.paris.example>"),
            recipients=[identity["email"]],
            body=localizer.translate(_(
                "Bonjour,\n\nVotre contribution à la consultation « ${title} » a atteint le seuil de soutien : "
                "elle est désormais à l'étude par la Ville.\n\n${link}",
                mapping={"title": consultation.title, "link": link})),
        )
        get_mailer(registry).send_immediately(message)

    return notify


def includeme(config) -> None:
    for hook in config.registry.engage.engine.after_catch_up:
        if isinstance(hook, SupportPolicy):
            hook.notify = threshold_mailer(config.registry)
