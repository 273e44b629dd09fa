"""Public statistics as JSON: the figures the pages show, for reusers and for engage-audit.

Each document says the log position it reflects ("position": every event up to that
notification id is counted, none after), so an auditor replays the public log up to
exactly there and compares. Small counts are suppressed as on the pages.
"""

from itertools import groupby
from uuid import UUID

from pyramid.view import view_config

from engage.opendata import query
from engage.opendata.aggregates import card_holders_as_of, vote_table
from engage.opendata.openapi import DEFAULT_LIMIT, MAX_LIMIT
from engage.projections.consultations import queries as consultation_queries


@view_config(route_name="api_card_holders", renderer="json", request_method="GET")
def card_holders(request):
    """The home page's figures: the card-holders dataset's arrondissement totals, with the
    same blanks (small counts and the complements that protect them)."""
    position, table = card_holders_as_of(request.engage.db)
    request.response.headers["Access-Control-Allow-Origin"] = "*"
    return {
        "position": position,
        "arrondissements": [
            {"arrondissement": number, "holders": holders} for number, holders in table.arrondissements.items()
        ],
        "total": table.total,
    }


# -- consultations -------------------------------------------------------------------------
# Votes are counts of anonymous keyed ballots per item, channel and option, published with
# the same blanks as the item's page and the vote-counts dataset (small counts, and the
# complements that keep them from being recomputed from the option totals).
# Paged by item (`limit` items, at most MAX_LIMIT; `cursor` from the previous page's `next`):
# an item's counts are always on one page, so each page is suppressed as the whole table.


@view_config(route_name="api_votes_per_item", renderer="json", request_method="GET")
def votes_per_item(request):
    items = query.integer_parameter(request.GET, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    cursor = request.GET.get("cursor")
    after = ""
    if cursor is not None:
        after = query.decode_key(cursor, (str,))[0]
        if not _is_uuid(after):
            raise query.bad_cursor()
    position, rows, following = consultation_queries.votes_per_item_as_of(request.engage.db, after=after,
                                                                          items=items)
    request.response.headers["Access-Control-Allow-Origin"] = "*"
    request.response.headers["Access-Control-Expose-Headers"] = "Link"
    next_url = None
    if following is not None:
        parameters = {**{k: v for k, v in request.GET.items() if k != "cursor"},
                      "cursor": query.encode_cursor((following,))}
        next_url = request.route_url("api_votes_per_item", _query=parameters)
        request.response.headers["Link"] = f'<{next_url}>; rel="next"'
    return {"position": position, "counts": published_votes(rows), "next": next_url}


def _is_uuid(text: str) -> bool:
    try:
        return str(UUID(text)) == text
    except ValueError:
        return False


def published_votes(rows) -> list[dict]:
    """[(item, channel, option, votes)] in item order -> the published counts, item by item."""
    counts = []
    for item, group in groupby(rows, key=lambda row: row[0]):
        shown = vote_table({(channel, option): votes for _, channel, option, votes in group})
        counts.extend({"item_id": item, "channel": channel, "option": option, "value": value}
                      for (channel, option), value in shown.items())
    return counts


@view_config(route_name="api_contributions_per_consultation", renderer="json", request_method="GET")
def contributions_per_consultation(request):
    position, rows = consultation_queries.contributions_per_consultation_as_of(request.engage.db)
    request.response.headers["Access-Control-Allow-Origin"] = "*"
    return {
        "position": position,
        "counts": [{"consultation_id": consultation, "channel": channel, "contributions": count}
                   for consultation, channel, count in rows],
    }
