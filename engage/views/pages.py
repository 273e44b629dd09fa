"""Editorial pages every page links to, and the language switch."""


from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from engage.i18n import LANGUAGE_COOKIE, LANGUAGES
from engage.views.toolkit import SeeOther, local_path, query


@view_config(route_name="accessibility", renderer="engage:templates/accessibility.pt")
@view_config(route_name="legal_notice", renderer="engage:templates/legal_notice.pt")
@view_config(route_name="personal_data", renderer="engage:templates/personal_data.pt")
def editorial_page(request):
    return {}


@view_config(route_name="language")
def switch_language(request):
    code = request.matchdict["code"]
    if code not in LANGUAGES:
        raise HTTPNotFound()
    # query(): a `retour` that is not UTF-8 is no target, never a 500.
    response = SeeOther(local_path(query(request).get("retour")))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
