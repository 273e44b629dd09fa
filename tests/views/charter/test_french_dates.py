"""Dates in French typography, in the one module every page formats them with (no app, no database)."""

import datetime

from engage.views import toolkit as formatting
from engage.views.charter.citations import cited_ids


def test_the_first_of_the_month_is_an_ordinal_in_french_only():
    assert formatting.long_date("2017-01-01", "fr") == "1er janvier 2017"
    assert formatting.long_date("2017-11-20", "fr") == "20 novembre 2017"
    for other in ("2017-01-11", "2017-01-21", "2017-01-31"):
        assert "er" not in formatting.long_date(other, "fr").split()[0]
    assert formatting.long_date("2017-01-01", "en") == "January 1, 2017"
    assert formatting.day("2017-03-01", "fr", "full") == "mercredi 1er mars 2017"
    assert formatting.day(datetime.date(2017, 5, 1), "fr") == "1er mai 2017"


def test_instants_are_shown_in_paris_time_with_the_ordinal_of_the_paris_day():
    # 31 January, 23:30 UTC is already 1 February in Paris; 1 June, 23:30 UTC is 2 June there.
    assert formatting.instant("2017-01-31T23:30:00+00:00", "fr") == "1er févr. 2017, 00:30:00"
    assert formatting.instant("2017-06-01T23:30:00Z", "fr", "long").startswith("2 juin 2017")
    assert formatting.moment("2017-10-01T08:00:00", "fr") == "1er octobre 2017 10:00"  # naive means UTC
    assert formatting.instant_day("2017-12-31T23:30:00+00:00", "fr") == "1er janvier 2018"
    assert formatting.instant("2017-01-01T12:00:00+00:00", "fr", "short") == "01/01/2017 13:00"  # numeric: unchanged
    assert formatting.long_date(None, "fr") == "" and formatting.instant("", "fr") == ""


def test_cited_contributions_are_read_from_boxes_and_pasted_addresses():
    a, b = "0123456789abcdef0123456789abcdef", "fedcba98-7654-3210-fedc-ba9876543210"
    data = {"contributions": {a}, "references": f"http://x/consultations/c/contributions/{b}\n{a}, {b.upper()}"}
    assert [u.hex for u in cited_ids(data)] == [a, b.replace("-", "")]
    assert cited_ids({"contributions": (), "references": ""}) == []
