"""Staff import the participatory-budget membership list (CSV)."""

from __future__ import annotations

import deform
from pyramid.view import view_config

from engage.domain.common import DomainError
from engage.i18n import _
from engage.projections.members import queries as member_queries
from engage.security import Permission
from engage.views.fields import make
from engage.views.members.forms import MembershipImportSchema
from engage.views.toolkit import me, wait

SHOWN_PER_LIST = 500  # a 65,000-line report is summarized past this


def _translate(request, problems):
    translate = request.localizer.translate
    return [translate(_(p.message, mapping=p.mapping)) for p in problems[:SHOWN_PER_LIST]]


@view_config(route_name="pb_members_import", renderer="engage:templates/pb_members_import.pt",
             permission=Permission.MANAGE_MEMBERS)
def pb_members_import(request):
    form = make(MembershipImportSchema, request, formid="pb-import", button=_("Vérifier et importer"))
    db = request.engage.db
    page = {"counts": member_queries.pb_member_counts(db), "erased": member_queries.pb_members_erased(db),
            "imports": member_queries.recent_imports(db), "report": None,
            "shown": SHOWN_PER_LIST}
    if request.method != "POST":
        return {**page, "form": form.render()}
    try:
        data = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status_int = 400
        return {**page, "form": failure.render()}
    try:
        report = request.engage.app.import_membership_list(
            data["membership_file"], imported_by=me(request),
            known_members=lambda ids: member_queries.existing_pb_members(db, ids),
        )
    except DomainError as error:
        request.response.status_int = 400
        return {**page, "form": form.render(), "error": _(error.message)}
    if report.refused:
        request.response.status_int = 400
    else:
        wait(request, report.position)
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
