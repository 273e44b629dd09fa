"""History lines for accounts and cards: what a resident did, in their own history."""

from __future__ import annotations

from engage.domain.accounts.model import Account
from engage.domain.cards.model import CitizenCard as C
from engage.i18n import _
from engage.projections.participation.projection import Entry, describes

CONSENTS = {"consultation": _("être consulté·e par la Ville"), "newsletter": _("recevoir la lettre d'information")}
REPLACEMENT = {"lost": _("perte"), "stolen": _("vol"), "damaged": _("carte abîmée")}


@describes(Account.AccountRegistered)
def registered(event, ctx):
    return Entry(event.originator_id, "account", _("Compte créé"))


@describes(Account.EmailConfirmed)
def confirmed(event, ctx):
    return Entry(event.originator_id, "account", _("Adresse électronique confirmée"))


@describes(Account.PasswordChanged)
def password_changed(event, ctx):
    return Entry(event.originator_id, "account", _("Mot de passe changé"))


@describes(Account.RoleGranted)
def role_granted(event, ctx):
    return Entry(event.originator_id, "account", _("Rôle attribué : ${role}"), {"role": event.role})


@describes(Account.RoleRevoked)
def role_revoked(event, ctx):
    return Entry(event.originator_id, "account", _("Rôle retiré : ${role}"), {"role": event.role})


@describes(Account.PersonalDataErased)
def erased(event, ctx):
    return Entry(event.originator_id, "account", _("Données personnelles effacées"))


@describes(C.CardIssued)
def card_issued(event, ctx):
    ctx.remember(event.originator_id, event.person_id)
    return Entry(event.person_id, "card", _("Carte Citoyen·ne délivrée"))


def _card_entry(summary, mapping=None):
    def describe(event, ctx):
        person = ctx.person_of(event.originator_id)
        if person is None:
            return None
        values = mapping(event) if mapping else {}
        return Entry(person, "card", summary, values)

    return describe


describes(C.CardRenewed)(_card_entry(_("Carte renouvelée jusqu'au ${date}"), lambda e: {"date": e.valid_until}))
describes(C.CardReplaced)(_card_entry(_("Carte remplacée (${reason}) : nouveau numéro"),
                                      lambda e: {"reason": e.reason}))
describes(C.CardSuspended)(_card_entry(_("Carte suspendue par l'équipe de la Ville")))
describes(C.CardReinstated)(_card_entry(_("Carte rétablie par l'équipe de la Ville")))
describes(C.CardRevoked)(_card_entry(_("Carte révoquée par l'équipe de la Ville")))
describes(C.CardClosed)(_card_entry(_("Carte close")))
describes(C.ConsentGiven)(_card_entry(_("Consentement donné : ${purpose}"), lambda e: {"purpose": e.purpose}))
describes(C.ConsentWithdrawn)(_card_entry(_("Consentement retiré : ${purpose}"), lambda e: {"purpose": e.purpose}))
