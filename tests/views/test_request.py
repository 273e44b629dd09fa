"""engage's request class: the same URLs as Pyramid's, and no class built per request."""

from __future__ import annotations

from pyramid.interfaces import IRequestExtensions, IRoutesMapper
from pyramid.url import URLMethodsMixin

from engage.request import EngageRequest


def _request(registry, **environ) -> EngageRequest:
    request = EngageRequest.blank("/", environ=environ)
    request.registry = registry
    return request


def test_route_urls_are_pyramids(testapp):
    registry = testapp.app.registry
    routes = registry.getUtility(IRoutesMapper).get_routes()
    for environ in ({}, {"HTTP_HOST": "engage.paris.fr", "wsgi.url_scheme": "https", "SCRIPT_NAME": "/app"},
                    {"HTTP_HOST": "exemple.fr:8080"}):
        request = _request(registry, **environ)
        for route in routes:
            try:
                expected = URLMethodsMixin.route_url(request, route.name)
            except KeyError:  # a route with placeholders
                continue
            assert request.route_url(route.name) == expected, route.name
            assert request.route_url(route.name) == expected  # from the tables now
        kw = {"ref": "charte", "item": "0" * 32}
        assert request.route_url("contribution", **kw) == URLMethodsMixin.route_url(request, "contribution", **kw)
        assert request.route_url("consultations", _query={"page": 2}, _anchor="x") == \
            URLMethodsMixin.route_url(request, "consultations", _query={"page": 2}, _anchor="x")
        assert request.route_url("consultations", _host="ailleurs.fr") == \
            URLMethodsMixin.route_url(request, "consultations", _host="ailleurs.fr")


def test_a_request_gets_no_class_of_its_own(testapp):
    """Request properties added with add_request_method made Pyramid build a class per request."""
    extensions = testapp.app.registry.queryUtility(IRequestExtensions)
    assert extensions is None or not (extensions.descriptors or extensions.methods)
    request = _request(testapp.app.registry)
    assert request.engage is testapp.app.registry.engage and request.mailer is not None


def test_the_remembering_localizer_translates_as_pyramids(testapp):
    from pyramid.i18n import Localizer, TranslationString, make_localizer
    from pyramid.interfaces import ITranslationDirectories

    from engage.i18n import _
    from engage.request import MemoLocalizer

    registry = testapp.app.registry
    for locale in ("fr", "en"):
        translations = make_localizer(locale, registry.queryUtility(ITranslationDirectories)).translations
        plain, memo = Localizer(locale, translations), MemoLocalizer(locale, translations)
        messages = [_("Voter"), _("Votre vote est enregistré."), _("Choisissez une réponse."), "Voter",
                    TranslationString("Required", domain="colander"), _("Feuille n°"),
                    _("Feuilles ${first} à ${last} numérotées : téléchargez-les ci-dessous pour les imprimer.")]
        for _round in range(2):
            for message in messages:
                assert memo.translate(message) == plain.translate(message)
                assert memo.translate(message, domain="engage") == plain.translate(message, domain="engage")
            mapped = _("Feuilles ${first} à ${last} numérotées : téléchargez-les ci-dessous pour les imprimer.",
                       mapping={"first": "A1", "last": "A9"})
            assert memo.translate(mapped) == plain.translate(mapped) and "A9" in memo.translate(mapped)
            assert memo.translate(messages[-1], mapping={"first": "B", "last": "C"}) == \
                plain.translate(messages[-1], mapping={"first": "B", "last": "C"})
    request = _request(registry)
    assert isinstance(request.localizer, MemoLocalizer)
    assert request.localizer.translate(_("Voter")) == "Voter"
