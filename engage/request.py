"""engage's request: Pyramid's, with what every request computes the same way made cheap.

- `request.engage` (the services), `request.csrf_token` and `request.mailer` are reified on
  the class itself.
  Through `config.add_request_method(..., reify=True)` Pyramid built a new class for every
  request to hold them (pyramid.util.InstancePropertyHelper), and each request's attribute
  lookups then started with a cold type cache.
- `route_url`: the layout alone asks for some 30 URLs per page. The path of a route generated
  without arguments is the same for every request (kept per registry), and the application URL
  (scheme, host, port, script name) is worked out once per distinct origin. Any argument, an
  element or a pregenerator: Pyramid's own route_url, given the application URL.
- `request.localizer` translates a message without a mapping once per process and language
  (a page translates some 60 of them, the layout's most of all).
"""

from __future__ import annotations

from pyramid.csrf import get_csrf_token
from pyramid.decorator import reify
from pyramid.i18n import Localizer, make_localizer
from pyramid.interfaces import ILocalizer, IRoutesMapper, ITranslationDirectories
from pyramid.request import Request
from pyramid_mailer import get_mailer

# Application URLs by the environ values they are made of; the Host header is the client's, so
# a bounded table (past it, computed each time, as Pyramid does).
_APPLICATION_URLS: dict[tuple, str] = {}
_MAX_ORIGINS = 64
_OVERRIDES = ("_app_url", "_scheme", "_host", "_port")


_MAX_MEMO = 4096  # messages are the code's; past this, translated each time


class MemoLocalizer(Localizer):
    """Pyramid's Localizer, remembering its translations of messages without a mapping (the
    catalogues do not change while the process runs)."""

    def __init__(self, locale_name, translations):
        super().__init__(locale_name, translations)
        self._memo: dict[tuple, str] = {}

    def translate(self, tstring, domain=None, mapping=None):
        if mapping or getattr(tstring, "mapping", None):
            return super().translate(tstring, domain, mapping)
        key = (str(tstring), domain, getattr(tstring, "domain", None), getattr(tstring, "default", None),
               getattr(tstring, "context", None))
        found = self._memo.get(key)
        if found is None:
            found = super().translate(tstring, domain, mapping)
            if len(self._memo) < _MAX_MEMO:
                self._memo[key] = found
        return found


class EngageRequest(Request):
    @reify
    def engage(self):
        return self.registry.engage

    @reify
    def csrf_token(self) -> str:
        return get_csrf_token(self)

    @reify
    def mailer(self):  # pyramid_mailer's request property (engage.mail registers the utility)
        return get_mailer(self)

    @reify
    def localizer(self) -> Localizer:
        registry, name = self.registry, self.locale_name
        localizer = registry.queryUtility(ILocalizer, name=name)
        if not isinstance(localizer, MemoLocalizer):
            made = make_localizer(name, registry.queryUtility(ITranslationDirectories, default=[]))
            localizer = MemoLocalizer(name, made.translations)
            registry.registerUtility(localizer, ILocalizer, name=name)
        return localizer

    def _application_url(self) -> str:
        environ = self.environ
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
               environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME"))
        url = _APPLICATION_URLS.get(key)
        if url is None:
            url = self.application_url
            if len(_APPLICATION_URLS) < _MAX_ORIGINS:
                _APPLICATION_URLS[key] = url
        return url

    def route_url(self, route_name, *elements, **kw):
        if not elements and not kw:
            paths = self.registry.__dict__.setdefault("engage_route_paths", {})
            path = paths.get(route_name)
            if path is None:
                route = self.registry.getUtility(IRoutesMapper).get_route(route_name)
                if route is None or route.pregenerator is not None:
                    return super().route_url(route_name)
                path = paths[route_name] = route.generate({})  # KeyError for a route with placeholders
            return self._application_url() + path
        if not any(name in kw for name in _OVERRIDES):
            kw["_app_url"] = self._application_url()
        return super().route_url(route_name, *elements, **kw)


def includeme(config) -> None:
    config.set_request_factory(EngageRequest)
