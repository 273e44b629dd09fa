"""Outgoing mail: one template per mail (engage/mail/templates.py), one way to send it.

SMTP in production, files under var/mail in development, an outbox in tests. A mail to a
person goes through their account's address (`AccountService.email_of`): no view or policy
unseals an identity to write to someone.
"""

from __future__ import annotations

import logging
from pathlib import Path
from uuid import UUID

from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid_mailer import get_mailer, mailer_factory_from_settings
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.mailer import DebugMailer, DummyMailer
from pyramid_mailer.message import Message

from engage.mail.templates import Mail
from engage.observability.metrics import metrics_of

log = logging.getLogger(__name__)

DEFAULT_SENDER = "Paris s'engage <ne-pas-repondre@engage.paris.example>"


def send(request, mail: Mail, *, to: str | None = None, person: UUID | str | None = None, **mapping) -> bool:
    """Send `mail` in the visitor's language, to an address or to a person's account."""
    return deliver(request.registry, mail, to=to, person=person, localizer=request.localizer, **mapping)


def deliver(registry, mail: Mail, *, to: str | None = None, person: UUID | str | None = None,
            localizer=None, **mapping) -> bool:
    """Send `mail` without a request (policies run in the projection worker). False when the
    person has no address any more (no account, or erased): there is nobody to write to."""
    if to is None:
        if person is None:
            raise ValueError("a mail needs an address or a person")
        to = registry.engage.accounts.email_of(UUID(str(person)))
        if not to:
            return False
    settings = registry.settings
    if localizer is None:  # no request: the site's default language
        localizer = make_localizer(settings.get("pyramid.default_locale_name", "fr"),
                                   registry.queryUtility(ITranslationDirectories, default=[]))
    subject, body = mail.render(localizer, mapping)
    reply_to = settings.get(mail.reply_to) if mail.reply_to else None
    message = Message(subject=subject, sender=settings.get("mail.default_sender", DEFAULT_SENDER),
                      recipients=[to], body=body, extra_headers={"Reply-To": reply_to} if reply_to else None)
    metrics = metrics_of(registry)
    try:
        get_mailer(registry).send_immediately(message)
    except Exception:
        if metrics:
            metrics.mails.labels("failed").inc()
        raise
    if metrics:
        metrics.mails.labels("sent").inc()
    return True


def includeme(config) -> None:
    settings = config.get_settings()
    kind = settings.get("engage.mailer", "smtp")
    if kind == "smtp" and not settings.get("engage.moderation_contact"):
        # A moderation mail invites an answer; the sender is a no-reply address.
        raise ValueError("engage.moderation_contact (ENGAGE_MODERATION_CONTACT) is required to send mail:"
                         " the address that receives answers to moderation mails")
    if kind == "files":
        directory = Path(settings.get("engage.mail_directory", "var/mail"))
        directory.mkdir(parents=True, exist_ok=True)
        mailer = DebugMailer(str(directory))
    elif kind == "outbox":
        mailer = DummyMailer()  # the tests read mailer.outbox
    elif kind == "smtp":
        mailer = mailer_factory_from_settings(settings, prefix="mail.")
    else:
        raise ValueError(f"engage.mailer must be smtp, files or outbox, not {kind!r}")
    # The utility only: pyramid_mailer's _set_mailer also adds a reified request.mailer, which made
    # Pyramid build a new request class per request; engage.request.EngageRequest has it instead.
    config.registry.registerUtility(mailer, IMailer)
