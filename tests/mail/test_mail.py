"""One way to send a mail: a template per mail, to an address or to a person's account."""

from __future__ import annotations

from uuid import uuid4

from pyramid_mailer import get_mailer

from engage import mail
from engage.mail import templates


def test_a_person_is_written_to_through_their_account_until_erasure(testapp):
    registry = testapp.app.registry
    engage = registry.engage
    signed_up = engage.accounts.sign_up(name="Camille Martin", email="camille@exemple.fr",
                                        display_name="Camille du 11e", password="une phrase longue et unique 2017")
    outbox = get_mailer(registry).outbox
    outbox.clear()

    assert mail.deliver(registry, templates.CONTRIBUTION_AT_STUDY, person=signed_up.person_id,
                        title="Charte", link="https://engage.example/c/1")
    sent = outbox[-1]
    assert sent.recipients == ["camille@exemple.fr"]
    assert sent.subject == "Votre contribution est à l'étude par la Ville"
    assert "« Charte »" in sent.body and "https://engage.example/c/1" in sent.body

    assert not mail.deliver(registry, templates.CONTRIBUTION_AT_STUDY, person=uuid4(), title="x", link="y")
    engage.vault.erase(signed_up.person_id)
    assert engage.accounts.email_of(signed_up.person_id) is None
    assert not mail.deliver(registry, templates.CONTRIBUTION_AT_STUDY, person=signed_up.person_id,
                            title="x", link="y")
    assert len(outbox) == 1


def test_every_template_fills_every_placeholder_it_names():
    import re

    from pyramid.i18n import Localizer

    localizer = Localizer("fr", None)
    for name, template in vars(templates).items():
        if isinstance(template, templates.Mail):
            names = set(re.findall(r"\$\{(\w+)\}", template.subject + template.body))
            subject, body = template.render(localizer, {n: f"<{n}>" for n in names})
            assert "${" not in subject + body, name


def test_a_mail_that_invites_an_answer_cannot_go_out_by_smtp_without_somewhere_to_answer():
    import pytest
    from pyramid.config import Configurator

    for template in vars(templates).values():
        if isinstance(template, templates.Mail) and "répondez" in template.body:
            assert template.reply_to == "engage.moderation_contact"
    with pytest.raises(ValueError, match="engage.moderation_contact"):
        mail.includeme(Configurator(settings={"engage.mailer": "smtp"}))
    mail.includeme(Configurator(settings={"engage.mailer": "smtp", "engage.moderation_contact": "m@ville.exemple"}))
