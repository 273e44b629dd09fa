"""The resident's open sessions: listed on their account, and "end all the others"."""

from __future__ import annotations

from pyramid.view import view_config

from engage.i18n import _
from engage.identity.sessions import digest
from engage.security import Permission, session_token
from engage.views.extensions import extends
from engage.views.fields import ButtonOnlySchema
from engage.views.toolkit import form_view, make_form, signed_in_person, when


def _end_others_form(request):
    return make_form(ButtonOnlySchema, request, formid="end-sessions",
                     button=_("Mettre fin à toutes les autres sessions"),
                     action=request.route_url("account_sessions"))


def open_sessions(request) -> list[dict]:
    """This person's open sessions, this one first and marked."""
    token = session_token(request)
    this = digest(token) if token else None
    locale = request.locale_name
    sessions = [{"started": when(s.created_at, locale, time=True), "last_seen": when(s.last_seen_at, locale, time=True),
                 "device": s.user_agent or "—", "this": s.token_digest == this}
                for s in request.engage.sessions.open_sessions(signed_in_person(request))]
    return sorted(sessions, key=lambda s: not s["this"])


@extends("engage:templates/account.pt")
def sessions_on_the_account_page(request, values) -> dict:
    if signed_in_person(request) is None or "sessions" in values:
        return {}
    sessions = open_sessions(request)
    others = any(not s["this"] for s in sessions)
    return {"sessions": sessions, "end_sessions_form": _end_others_form(request).render() if others else None}


@view_config(route_name="account_sessions", renderer="engage:templates/account_sessions.pt",
             permission=Permission.OWN_ACCOUNT)
def sessions(request):
    store = request.engage.sessions
    explanation = _("Chaque navigateur où vous vous connectez ouvre une session. Elle se ferme quand vous vous "
                    "déconnectez, après ${idle} minutes sans activité, et au plus tard ${hours} heures après "
                    "la connexion.", mapping={"idle": int(store.idle_timeout.total_seconds() // 60),
                                              "hours": f"{store.max_age.total_seconds() / 3600:g}"})
    page = {"title": _("Mes sessions"), "sessions": open_sessions(request), "explanation": explanation}

    def end_the_others(_data):
        request.engage.sessions.end_all(signed_in_person(request), keep=session_token(request))
        return None, request.route_url("account_sessions")

    return form_view(request, _end_others_form(request), page, end_the_others,
                     done=_("Vos autres sessions sont terminées : seule celle-ci reste ouverte."))
