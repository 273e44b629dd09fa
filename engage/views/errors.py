"""Error pages inside the layout, in the resident's language. Never a bare traceback."""

import logging

import psycopg
from eventsourcing import persistence as es_persistence
from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPBadRequest, HTTPRequestEntityTooLarge
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

from engage.i18n import _
from engage.views.toolkit import SeeOther

log = logging.getLogger(__name__)

TEMPLATE = "engage:templates/error.pt"


def _page(request, status: int, title, explanation):
    request.response.status_int = status
    return {"status": status, "title": title, "explanation": explanation}


@notfound_view_config(renderer=TEMPLATE)
def not_found(request):
    return _page(request, 404, _("Page introuvable"),
                 _("L'adresse demandée n'existe pas ou plus. Vérifiez-la, ou repartez de l'accueil."))


@forbidden_view_config(renderer=TEMPLATE)
def forbidden(request):
    if request.authenticated_userid is None:
        # Not signed in: the login page, then back here.
        return SeeOther(request.route_url("login", _query={"retour": request.path_qs}))
    return _page(request, 403, _("Accès refusé"),
                 _("Vous n'avez pas les droits nécessaires pour voir cette page."))


@exception_view_config(BadCSRFToken, renderer=TEMPLATE)
def bad_csrf(request):
    return _page(request, 400, _("Formulaire expiré"),
                 _("Le formulaire a expiré ou ne provient pas de ce site. Rechargez la page et "
                   "envoyez-le à nouveau : rien n'a été enregistré."))


@exception_view_config(HTTPBadRequest, renderer=TEMPLATE)
def bad_request(request):
    return _page(request, 400, _("Requête invalide"),
                 _("La requête n'a pas pu être comprise. Rien n'a été enregistré."))


@exception_view_config(HTTPRequestEntityTooLarge, renderer=TEMPLATE)
def too_large(request):
    return _page(request, 413, _("Envoi trop volumineux"),
                 _("Les données envoyées dépassent la taille autorisée. Rien n'a été enregistré."))


@exception_view_config(psycopg.OperationalError, renderer=TEMPLATE)
@exception_view_config(es_persistence.OperationalError, renderer=TEMPLATE)
@exception_view_config(es_persistence.InterfaceError, renderer=TEMPLATE)
def database_unavailable(request):
    # A connection lost mid-request (a database restart): the pool has dropped its dead
    # connections (engage.db), so trying again a moment later works.
    log.warning("database connection lost on %s %s: %s", request.method, request.path, request.exception)
    request.response.headers["Retry-After"] = "2"
    return _page(request, 503, _("Service momentanément indisponible"),
                 _("La connexion à la base de données a été interrompue. Réessayez dans un instant : "
                   "si votre dernière action n'apparaît pas, elle n'a pas été enregistrée."))


@exception_view_config(Exception, renderer=TEMPLATE)
def server_error(request):
    log.exception("unexpected error on %s %s", request.method, request.path, exc_info=request.exc_info)
    return _page(request, 500, _("Erreur du serveur"),
                 _("Une erreur inattendue s'est produite. Elle a été signalée à l'équipe technique."))
