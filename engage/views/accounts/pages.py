"""Sign up, confirm the address, log in and out, reset a forgotten password."""

from __future__ import annotations

from pyramid.security import forget, remember
from pyramid.view import view_config

from engage import mail
from engage.domain.accounts.errors import EmailNotConfirmed, MailThrottled
from engage.domain.accounts.model import Role
from engage.domain.common import DomainError
from engage.i18n import _
from engage.mail import templates
from engage.public_url import public_url
from engage.security import Permission
from engage.views.accounts.forms import LoginSchema, NewPasswordSchema, ResetRequestSchema, SignUpSchema
from engage.views.fields import ButtonOnlySchema
from engage.views.toolkit import (
    SeeOther,
    error_message,
    flash,
    form_view,
    local_path,
    make_form,
    query,
    validate,
    wait_for_write,
)

FORM = "engage:templates/form_page.pt"
MESSAGE = "engage:templates/message_page.pt"


def send_confirmation(request, email, token):
    mail.send(request, templates.CONFIRM_ADDRESS, to=email, link=public_url(request, "confirm_email", token=token))


def send_account_exists(request, person_id):
    """To the owner of the account, at the address it has (not as it was typed)."""
    mail.send(request, templates.ACCOUNT_EXISTS, person=person_id,
              login=request.route_url("login"), reset=request.route_url("reset_request"))


def client_address(request) -> str:
    """Who is asking, for the throttles: the address the server sees."""
    return request.client_addr or "unknown"


@view_config(route_name="signup", renderer=FORM)
def signup(request):
    """validate(), not form_view: a refused sign-up shows the form again without the passwords."""
    form = make_form(SignUpSchema, request, formid="signup", button=_("Créer mon compte"))
    page = {"title": _("Créer un compte"),
            "intro": [_("Un compte vous permet de demander la Carte Citoyen·ne, de vous inscrire aux ateliers et de participer aux consultations.")],
            "links": [(request.route_url("login"), _("J'ai déjà un compte : me connecter"))]}
    if request.method != "POST":
        return {**page, "form": form.render()}
    data = validate(form, request)
    if data is None:
        return {**page, "form": request.environ["engage.rendered_form"]}
    email = data["email"].strip()
    try:
        signed_up = request.engage.accounts.sign_up(
            name=data["name"].strip(), email=email,
            display_name=data["display_name"], password=data["password"],
            address=client_address(request),
        )
    except DomainError as error:
        request.response.status_int = 400
        shown = {k: v for k, v in data.items() if not k.startswith("password")}
        return {**page, "form": form.render(shown), "error": error_message(error)}
    # The same answer whether the address is new or not: the owner of an existing account
    # is told by mail, never the visitor by the page (no account enumeration).
    if signed_up.already_registered:
        send_account_exists(request, signed_up.person_id)
    else:
        send_confirmation(request, email, signed_up.confirmation_token)
    return SeeOther(request.route_url("signup_sent"))


@view_config(route_name="signup_sent", renderer=MESSAGE)
def signup_sent(request):
    return {"title": _("Vérifiez votre messagerie"),
            "paragraphs": [_("Nous vous avons envoyé un lien pour confirmer votre adresse électronique. Ouvrez-le pour activer votre compte : il est valable 48 heures."),
                           _("Rien reçu ? Vérifiez le dossier des indésirables, ou connectez-vous : un nouveau lien vous sera envoyé.")]}


@view_config(route_name="confirm_email", renderer=FORM)
def confirm_email(request):
    token = request.matchdict["token"]
    form = make_form(ButtonOnlySchema, request, formid="confirm", button=_("Confirmer mon adresse"))
    page = {"title": _("Confirmer mon adresse électronique")}
    try:
        request.engage.accounts.check_link(token, "confirm-email")
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "error": _(error.message),
                "links": [(request.route_url("login"), _("Me connecter pour recevoir un nouveau lien"))]}
    if request.method != "POST":
        page["intro"] = [_("Un dernier geste : confirmez que cette adresse est bien la vôtre.")]

    def confirm(_data):
        return request.engage.accounts.confirm_email(token), request.route_url("login")

    return form_view(request, form, page, confirm,
                     done=_("Votre adresse est confirmée. Vous pouvez vous connecter."))


@view_config(route_name="login", renderer=FORM)
def login(request):
    """validate(), not form_view: a refused login shows the address again, never the password,
    and an unconfirmed address gets a new link."""
    form = make_form(LoginSchema, request, formid="login", button=_("Me connecter"))
    page = {"title": _("Se connecter"),
            "links": [(request.route_url("reset_request"), _("Mot de passe oublié ?")),
                      (request.route_url("signup"), _("Créer un compte"))]}
    if request.method != "POST":
        return {**page, "form": form.render()}
    data = validate(form, request)
    if data is None:
        return {**page, "form": request.environ["engage.rendered_form"]}
    accounts = request.engage.accounts
    try:
        logged_in = accounts.log_in(email=data["email"].strip(), password=data["password"],
                                    address=client_address(request))
    except EmailNotConfirmed as error:  # noqa: F841 (shown below: ruff misreads it)
        try:
            token = accounts.resend_confirmation(data["email"].strip(), client_address(request))
        except MailThrottled as throttled:
            error = throttled  # nothing sent: say so
        else:
            if token:
                send_confirmation(request, data["email"].strip(), token)
        request.response.status_int = 400
        return {**page, "form": form.render({"email": data["email"]}), "error": error_message(error)}
    except DomainError as error:  # wrong credentials, or too many attempts (LoginThrottled)
        request.response.status_int = 400
        return {**page, "form": form.render({"email": data["email"]}), "error": error_message(error)}
    # A confirmation made a moment ago may not be in the people read model yet, and the next
    # request identifies the person from it: wait (bounded) so a fresh account is not bounced.
    wait_for_write(request, request.engage.engine.head())
    headers = remember(request, logged_in.person_id.hex)
    target = local_path(query(request).get("retour"), request.route_url("account"))
    if target == request.route_url("account"):  # back to another page: that page is the answer
        flash(request, _("Vous êtes connecté·e."))
    return SeeOther(target, headers=headers)


@view_config(route_name="logout", request_method="POST")
def logout(request):
    headers = forget(request)
    return SeeOther(request.route_url("home"), headers=headers)


@view_config(route_name="reset_request", renderer=FORM)
def reset_request(request):
    form = make_form(ResetRequestSchema, request, formid="reset-request", button=_("Recevoir un lien"))
    page = {"title": _("Mot de passe oublié"),
            "intro": [_("Indiquez l'adresse de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.")]}

    def send_link(data):
        # MailThrottled past the limits: the form again, the same for every address, nothing sent.
        found = request.engage.accounts.request_password_reset(data["email"].strip(), client_address(request))
        if found:
            link = public_url(request, "reset_password", token=found[1])
            mail.send(request, templates.RESET_PASSWORD, to=data["email"].strip(), link=link)
        # The same answer either way: this page must not reveal which addresses have an account.
        return None, request.route_url("reset_sent")

    return form_view(request, form, page, send_link)


@view_config(route_name="reset_sent", renderer=MESSAGE)
def reset_sent(request):
    return {"title": _("Vérifiez votre messagerie"),
            "paragraphs": [_("Si un compte existe avec cette adresse, un lien pour choisir un nouveau mot de passe vient d'y être envoyé. Il est valable une heure.")]}


@view_config(route_name="reset_password", renderer=FORM)
def reset_password(request):
    """validate(), not form_view: a refused password is never sent back to the browser."""
    token = request.matchdict["token"]
    form = make_form(NewPasswordSchema, request, formid="new-password", button=_("Enregistrer le mot de passe"))
    page = {"title": _("Choisir un nouveau mot de passe")}
    try:
        request.engage.accounts.check_link(token, "reset-password")
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "error": _(error.message),
                "links": [(request.route_url("reset_request"), _("Demander un nouveau lien"))]}
    if request.method != "POST":
        return {**page, "form": form.render()}
    data = validate(form, request)
    if data is None:
        return {**page, "form": request.environ["engage.rendered_form"]}
    try:
        position = request.engage.accounts.reset_password(token, data["password"])
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "form": form.render(), "error": _(error.message)}
    target = request.route_url("login")
    wait_for_write(request, position, target)
    flash(request, _("Votre mot de passe est changé. Connectez-vous avec le nouveau."))
    return SeeOther(target)


ROLE_LABELS = {
    Role.ADMIN: _("administration"),
    Role.FACILITATOR: _("animation"),
    Role.MODERATOR: _("modération"),
    Role.EDITOR: _("édition"),
    Role.AUDITOR: _("audit"),
}


STAFF_PAGES = [
    ("staff_cards", Permission.MANAGE_CARDS, _("Trouver une Carte Citoyen·ne")),
    ("admin_roles", Permission.MANAGE_ROLES, _("Rôles de l'équipe")),
    ("admin_erasure", Permission.ERASE_PERSONAL_DATA, _("Effacer les données d'une personne, à sa demande")),
]


@view_config(route_name="account", renderer="engage:templates/account.pt", permission=Permission.OWN_ACCOUNT)
def account(request):
    """The account; the card and the participation history are added by their capabilities
    (engage.views.extensions)."""
    person = request.identity
    translate = request.localizer.translate
    return {
        "person": person,
        "roles": [translate(ROLE_LABELS[Role(r)]) for r in sorted(person.roles)],
        "staff_links": [(request.route_url(route), title) for route, permission, title in STAFF_PAGES
                        if request.has_permission(permission)],
    }
