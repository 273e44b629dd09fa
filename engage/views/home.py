"""Home page: the commitment in short, and the card holders per arrondissement."""

from pyramid.view import view_config

from ..i18n import arrondissement_label
from ..projections import queries
from ..statistics import bar_chart, suppress_small


@view_config(route_name="home", renderer="engage:templates/home.pt")
def home(request):
    counts = queries.card_holders_by_arrondissement(request.engage.db)
    rows = [(arrondissement_label(n, request.locale_name), suppress_small(holders)) for n, holders in counts]
    return {
        "total": sum(holders for _, holders in counts),
        "rows": rows,
        "chart": bar_chart([(label, value) for label, value in rows]),
    }
