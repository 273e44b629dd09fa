"""Staff roles, granted and revoked by an admin by email, as events, after a confirmation."""

from __future__ import annotations

from uuid import UUID

from pyramid.view import view_config

from engage.domain.accounts.model import Role
from engage.domain.common import DomainError
from engage.i18n import ROLE_TITLES, _
from engage.projections.accounts import queries as account_queries
from engage.projections.accounts.staff import staff_members
from engage.security import Permission
from engage.views.accounts.forms import RoleConfirmSchema, RoleSchema
from engage.views.toolkit import make_form, validate, wait_for_write, when


def _page(request, **extra):
    translate = request.localizer.translate
    locale = request.locale_name
    members = [{"name": m.display_name, "role": translate(ROLE_TITLES[Role(m.role)]),
                "since": when(m.granted_at, locale, time=True)} for m in staff_members(request.engage.db)]
    return {"members": members, "form": make_form(RoleSchema, request, formid="role", button=_("Continuer")).render(),
            **extra}


@view_config(route_name="admin_roles", renderer="engage:templates/staff_roles.pt", permission=Permission.MANAGE_ROLES)
def roles(request):
    """The list, the role form and its confirmation step on one page: validate(), not form_view."""
    if request.method != "POST":
        return _page(request)
    form = make_form(RoleSchema, request, formid="role", button=_("Continuer"))
    data = validate(form, request)
    if data is None:
        return _page(request, form=request.environ["engage.rendered_form"])
    email = data["email"].strip()
    app = request.engage.app
    person_id = app.find_person_by_email(email)
    if person_id is None:
        request.response.status_int = 400
        return _page(request, form=form.render(data),
                     error=_("Aucun compte n'existe avec cette adresse électronique."))
    role = Role(data["role"])
    if request.POST.get("confirm") != "yes":
        person = account_queries.person(request.engage.db, person_id)
        question = (_("Attribuer le rôle « ${role} » à « ${name} » ?", mapping={"role": ROLE_TITLES[role], "name": person.display_name})
                    if data["action"] == "grant" else
                    _("Retirer le rôle « ${role} » à « ${name} » ?", mapping={"role": ROLE_TITLES[role], "name": person.display_name}))
        confirm = make_form(RoleConfirmSchema, request, formid="role-confirm", button=_("Confirmer"))
        return _page(request, question=question, confirm=confirm.render({**data, "email": email, "confirm": "yes"}))
    by = UUID(request.identity.person_id)
    try:
        if data["action"] == "grant":
            position = app.grant_role(person_id, role, granted_by=by)
        else:
            position = app.revoke_role(person_id, role, revoked_by=by)
    except DomainError as error:
        request.response.status_int = 400
        return _page(request, error=_(error.message))
    request.engage.sessions.end_all(person_id)  # their rights change: they sign in again
    wait_for_write(request, position, request.route_url("admin_roles"))  # the staff list, below
    done = _("Le rôle est attribué.") if data["action"] == "grant" else _("Le rôle est retiré.")
    return _page(request, done=done)
