"""Staff import the participatory-budget membership list (CSV)."""

from __future__ import annotations

from pyramid.view import view_config

from engage.domain.common import DomainError
from engage.i18n import _
from engage.projections.members import queries as member_queries
from engage.security import Permission
from engage.views.members.forms import MembershipImportSchema
from engage.views.toolkit import make_form, signed_in_person, validate, wait_for_write

SHOWN_PER_LIST = 500  # a 65,000-line report is summarized past this


def _translate(request, problems):
    translate = request.localizer.translate
    return [translate(_(p.message, mapping=p.mapping)) for p in problems[:SHOWN_PER_LIST]]


@view_config(route_name="pb_members_import", renderer="engage:templates/pb_members_import.pt",
             permission=Permission.MANAGE_MEMBERS)
def pb_members_import(request):
    # Not form_view: a successful import stays on this page to show its report (no redirect),
    # and a refused list is a 400 with that report.
    form = make_form(MembershipImportSchema, request, formid="pb-import", button=_("Vérifier et importer"))
    db = request.engage.db
    page = {"counts": member_queries.pb_member_counts(db), "erased": member_queries.pb_members_erased(db),
            "imports": member_queries.recent_imports(db), "report": None,
            "shown": SHOWN_PER_LIST}
    if request.method != "POST":
        return {**page, "form": form.render()}
    data = validate(form, request)
    if data is None:
        return {**page, "form": request.environ["engage.rendered_form"]}
    try:
        report = request.engage.app.import_membership_list(
            data["membership_file"], imported_by=signed_in_person(request),
            known_members=lambda ids: member_queries.existing_pb_members(db, ids),
        )
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "form": form.render(), "error": _(error.message)}
    if report.refused:
        request.response.status_int = 400
    else:
        wait_for_write(request, report.position, request.route_url("pb_members_import"))  # its report, below
    return {
        **page,
        "counts": member_queries.pb_member_counts(db),
        "imports": member_queries.recent_imports(db),
        "form": form.render(),
        "report": report,
        "lists": [
            ("errors-title", _("Erreurs"), _translate(request, report.errors), len(report.errors)),
            ("duplicates-title", _("Doublons ignorés"), _translate(request, report.duplicates), len(report.duplicates)),
            ("present-title", _("Déjà importés, ignorés"), _translate(request, report.already_present),
             len(report.already_present)),
        ],
    }
