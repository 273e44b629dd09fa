"""Public statistics as JSON: the figures the pages show, for reusers and for engage-audit.

Each document says the log position it reflects ("position": every event up to that
notification id is counted, none after), so an auditor replays the public log up to
exactly there and compares. Small counts are suppressed as on the pages.
"""

from pyramid.view import view_config

from ..projections import queries
from ..statistics import suppress_small


@view_config(route_name="api_card_holders", renderer="json", request_method="GET")
def card_holders(request):
    position, counts = queries.card_holders_as_of(request.engage.db)
    request.response.headers["Access-Control-Allow-Origin"] = "*"
    return {
        "position": position,
        "arrondissements": [
            {"arrondissement": number, "holders": suppress_small(holders)}
            for number, holders in counts
        ],
        "total": sum(holders for _, holders in counts),
    }
