"""Home page: the commitment in short, and the card holders per arrondissement."""

from pyramid.view import view_config

from engage.i18n import _, arrondissement_label
from engage.opendata.aggregates import card_holders_as_of
from engage.statistics import bar_chart


@view_config(route_name="home", renderer="engage:templates/home.pt")
def home(request):
    # The card-holders dataset's table, with the same blanks (secondary suppression).
    _position, table = card_holders_as_of(request.engage.db)
    rows = [(arrondissement_label(n, request.locale_name), holders) for n, holders in table.arrondissements.items()]
    return {
        "total": table.total if table.total is not None else request.localizer.translate(_("non publié")),
        "rows": rows,
        "chart": bar_chart([(label, value) for label, value in rows]),
    }
