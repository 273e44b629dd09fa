"""A historical import records its acts at the date they happened; everything else, now."""

from __future__ import annotations

import datetime

import pytest
from eventsourcing.domain import Aggregate

from engage.domain.clock import recorded_at

UTC = datetime.timezone.utc


class Thing(Aggregate):
    pass


def test_events_are_stamped_now_except_inside_recorded_at():
    before = datetime.datetime.now(UTC)
    assert Thing().created_on >= before
    launch = datetime.datetime(2017, 1, 16, 9, tzinfo=UTC)
    with recorded_at(launch):
        old = Thing()
    assert old.created_on == launch
    assert Thing().created_on >= before  # the historical date ends with the block


def test_only_past_aware_dates_are_accepted():
    with pytest.raises(ValueError):
        with recorded_at(datetime.datetime(2017, 1, 16)):
            pass
    with pytest.raises(ValueError):
        with recorded_at(datetime.datetime.now(UTC) + datetime.timedelta(days=1)):
            pass
