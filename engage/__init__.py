"""engage: an event-sourced civic participation backend."""

from pyramid.config import Configurator


def main(global_config, **settings):
    """The WSGI application: one explicit include chain, in the order things depend on."""
    with Configurator(settings=settings) as config:
        config.include(".settings")  # environment overrides first: everything reads settings
        config.include(".request")  # request.engage, request.csrf_token, cheaper route URLs
        config.include(".public_url")  # no public URL, no start: mails and open data need it
        config.include(".security")  # sessions, identity, ACL, CSRF
        config.include(".headers")  # CSP and friends, request-size limit
        config.include(".i18n")  # French first, English available
        config.include("pyramid_chameleon")
        config.include(".templating")  # one template compiled at a time (a CPython 3.11 bug)
        config.include(".forms")  # deform with our accessible templates
        config.include(".services")  # event store, read models, projections
        config.include(".mail")
        config.include(".observability")  # request latency, /metrics' registry
        config.include(".replica")  # reads from a hot standby, when one is configured
        config.include(".policies.support")  # the support policy mails the author
        config.include(".views.routes")
        config.scan(".views")
        return config.make_wsgi_app()
