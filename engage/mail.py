"""Outgoing mail: SMTP in production, files under var/mail in development, an outbox in tests."""

from __future__ import annotations

from pathlib import Path

from pyramid_mailer import _set_mailer, get_mailer, mailer_factory_from_settings
from pyramid_mailer.mailer import DebugMailer, DummyMailer
from pyramid_mailer.message import Message


def send(request, *, to: str, subject, body) -> None:
    """Send a mail in the resident's language. Subject and body are translation strings."""
    translate = request.localizer.translate
    settings = request.registry.settings
    message = Message(
        subject=translate(subject),
        sender=settings.get("mail.default_sender", "Paris s'engage <ne-pas-repondre@engage.paris.example>"),
        recipients=[to],
        body=translate(body),
    )
    get_mailer(request).send_immediately(message)


def includeme(config) -> None:
    settings = config.get_settings()
    kind = settings.get("engage.mailer", "smtp")
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
    _set_mailer(config, mailer)
