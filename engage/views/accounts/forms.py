"""Form schemas of accounts, staff roles and erasure: what may be sent, checked on the server,
messages in French."""

import colander
import deform
from deform.schema import CSRFSchema

from engage.domain.accounts.model import Role
from engage.i18n import ROLE_TITLES, _

YES, NO = "oui", "non"


def _text(title, missing_msg, *, autocomplete=None, description=None, max_length=200, input_type="text"):
    attributes = {"autocomplete": autocomplete} if autocomplete else {}
    widget = deform.widget.TextInputWidget(attributes=attributes)
    widget.input_type = input_type
    return colander.SchemaNode(
        colander.String(),
        title=title,
        description=description,
        missing_msg=missing_msg,
        validator=colander.Length(max=max_length, max_err=_("Ce champ est trop long.")),
        widget=widget,
    )


def _email(autocomplete="email"):
    node = _text(_("Adresse électronique"), _("Indiquez votre adresse électronique."),
                 autocomplete=autocomplete, max_length=254, input_type="email")
    node.validator = colander.All(
        colander.Length(max=254, max_err=_("L'adresse électronique est trop longue.")),
        colander.Email(msg=_("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")),
    )
    return node


def _password(title, autocomplete, description=None):
    node = _text(title, _("Indiquez un mot de passe."), autocomplete=autocomplete,
                 description=description, max_length=256, input_type="password")
    return node


def _passwords_match(form, value):
    if value["password"] != value["password_again"]:
        error = colander.Invalid(form, _("Les deux mots de passe ne sont pas identiques."))
        error["password_again"] = _("Les deux mots de passe ne sont pas identiques.")
        raise error


PASSWORD_HELP = _("Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.")


class SignUpSchema(CSRFSchema):
    name = _text(_("Nom et prénom"), _("Indiquez votre nom et votre prénom."), autocomplete="name",
                 description=_("Il reste confidentiel : il n'apparaît sur aucune page publique."), max_length=120)
    email = _email()
    display_name = _text(
        _("Nom public"), _("Choisissez un nom public."), autocomplete="nickname", max_length=40,
        description=_("Le seul nom affiché publiquement avec vos contributions, par exemple « Camille du 11e »."),
    )
    password = _password(_("Mot de passe"), "new-password", PASSWORD_HELP)
    password_again = _password(_("Confirmez le mot de passe"), "new-password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validator=_passwords_match, **kwargs)


class LoginSchema(CSRFSchema):
    email = _email(autocomplete="username")
    password = _password(_("Mot de passe"), "current-password")


class ResetRequestSchema(CSRFSchema):
    email = _email()


class NewPasswordSchema(CSRFSchema):
    password = _password(_("Nouveau mot de passe"), "new-password", PASSWORD_HELP)
    password_again = _password(_("Confirmez le mot de passe"), "new-password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validator=_passwords_match, **kwargs)




def _account_email():
    return colander.SchemaNode(
        colander.String(),
        title=_("Adresse électronique du compte"),
        missing_msg=_("Indiquez l'adresse électronique du compte."),
        validator=colander.All(
            colander.Length(max=254, max_err=_("L'adresse électronique est trop longue.")),
            colander.Email(msg=_("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")),
        ),
        widget=deform.widget.TextInputWidget(attributes={"autocomplete": "off", "inputmode": "email"}),
    )


class RoleSchema(CSRFSchema):
    email = _account_email()
    role = colander.SchemaNode(
        colander.String(),
        title=_("Rôle"),
        missing_msg=_("Choisissez un rôle."),
        validator=colander.OneOf([r.value for r in Role], msg_err=_("Choisissez un rôle de la liste.")),
        widget=deform.widget.RadioChoiceWidget(values=[(r.value, t) for r, t in ROLE_TITLES.items()]),
    )
    action = colander.SchemaNode(
        colander.String(),
        title=_("Action"),
        missing_msg=_("Choisissez d'attribuer ou de retirer le rôle."),
        validator=colander.OneOf(["grant", "revoke"], msg_err=_("Choisissez une action de la liste.")),
        widget=deform.widget.RadioChoiceWidget(values=[("grant", _("Attribuer")), ("revoke", _("Retirer"))]),
    )


class ErasureRequestSchema(CSRFSchema):
    email = _account_email()


def _hidden(name_msg):
    return colander.SchemaNode(colander.String(), widget=deform.widget.HiddenWidget(), missing_msg=name_msg)


class ReauthenticationSchema(CSRFSchema):
    """Before an irreversible act of one's own (erasure): the current password again."""
    password = _text(_("Votre mot de passe actuel"), _("Indiquez votre mot de passe actuel."),
                     autocomplete="current-password", max_length=256, input_type="password",
                     description=_("Pour confirmer que c'est bien vous : l'effacement est définitif."))


class ErasureConfirmSchema(CSRFSchema):
    """The confirmation step: what was typed, carried in hidden fields, and one button."""
    email = _hidden(_("Indiquez l'adresse électronique du compte."))
    confirm = colander.SchemaNode(colander.String(), widget=deform.widget.HiddenWidget(),
                                  validator=colander.OneOf(["yes"]), default="yes")


class RoleConfirmSchema(CSRFSchema):
    email = _hidden(_("Indiquez l'adresse électronique du compte."))
    role = _hidden(_("Choisissez un rôle."))
    action = _hidden(_("Choisissez d'attribuer ou de retirer le rôle."))
    confirm = colander.SchemaNode(colander.String(), widget=deform.widget.HiddenWidget(),
                                  validator=colander.OneOf(["yes"]), default="yes")
