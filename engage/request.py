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
"""

from __future__ import annotations

from pyramid.csrf import get_csrf_token
from pyramid.decorator import reify
from pyramid.interfaces import IRoutesMapper
from pyramid.request import Request
from pyramid_mailer import get_mailer

# Application URLs by the environ values they are made of; the Host header is the client's, so
# a bounded table (past it, computed each time, as Pyramid does).
_APPLICATION_URLS: dict[tuple, str] = {}
_MAX_ORIGINS = 64
_OVERRIDES = ("_app_url", "_scheme", "_host", "_port")


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
