"""The public form of an event: generic over event types, personal data only as a digest."""

import base64
import datetime
import hashlib
import json
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate, event

from engage.transparency.canonical import canonical_json
from engage.transparency.public_form import leaf_data, public_form


class Colour(StrEnum):
    GREEN = "green"


class Sample(Aggregate):
    """An event type engage does not have: the public form must not need to know it."""

    @event("SampleHappened")
    def __init__(
        self,
        who: UUID,
        when: datetime.date,
        amount: Decimal,
        colour: Colour,
        tags: list,
        extra: dict,
        sealed_note: str,
        sealed_missing: str | None,
    ):
        pass


def sample_event(**changes):
    fields = dict(
        who=UUID("12345678-1234-5678-1234-567812345678"),
        when=datetime.date(2017, 6, 1),
        amount=Decimal("12.50"),
        colour=Colour.GREEN,
        tags=["a", 2],
        extra={"nested": UUID(int=1)},
        sealed_note="Y2lwaGVydGV4dA==",
        sealed_missing=None,
    )
    fields.update(changes)
    return Sample(**fields).collect_events()[0]


def test_any_event_type_has_a_public_form():
    happened = sample_event()
    form = public_form(happened, 42)
    assert form["position"] == 42
    assert form["type"] == "SampleHappened"
    assert form["aggregate_id"] == str(happened.originator_id)
    assert form["version"] == 1
    assert form["timestamp"].endswith("Z") and "+" not in form["timestamp"]
    assert form["fields"] == {
        "originator_topic": "tests.transparency.test_public_form:Sample",
        "who": "12345678-1234-5678-1234-567812345678",
        "when": "2017-06-01",
        "amount": "12.50",
        "colour": "green",
        "tags": ["a", 2],
        "extra": {"nested": "00000000-0000-0000-0000-000000000001"},
        "sealed_note": {"sha256": hashlib.sha256(b"Y2lwaGVydGV4dA==").hexdigest()},
        "sealed_missing": None,
    }
    assert leaf_data(happened, 42) == canonical_json(form)


def test_timestamps_are_spelled_in_utc_with_microseconds():
    happened = sample_event()
    happened.__dict__["timestamp"] = datetime.datetime(
        2024, 3, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    assert public_form(happened, 1)["timestamp"] == "2024-03-01T11:00:00.000000Z"


def test_a_type_without_a_public_form_fails_loudly():
    with pytest.raises(TypeError, match="no public form"):
        leaf_data(sample_event(tags=[object()]), 1)


def _leaves(services):
    with services.db.reading() as cur:
        return [
            base64.b64decode(d)
            for (d,) in cur.execute("SELECT data FROM tlog_leaves ORDER BY leaf_index").fetchall()
        ]


def test_leaves_hold_no_personal_data_and_digest_the_stored_ciphertexts(site):
    issued = site.issue_cards(1)[0]
    site.catch_up()
    leaves = _leaves(site.services)
    blob = b"".join(leaves)
    assert b"Personne 0" not in blob and b"p0@exemple.fr" not in blob
    assert (
        issued.number.encode() not in blob and issued.number.replace(" ", "").encode() not in blob
    )
    card = json.loads(leaves[0])
    assert card["type"] == "CardIssued" and card["aggregate_id"] == str(issued.card_id)
    stored = site.services.app.get_card(issued.card_id)
    assert card["fields"]["sealed_identity"] == {
        "sha256": hashlib.sha256(stored.sealed_identity.encode()).hexdigest()
    }
    assert card["fields"]["person_id"] == str(issued.person_id)


def test_erasure_never_changes_a_leaf(site):
    issued = site.issue_cards(3)
    site.catch_up()
    before = _leaves(site.services)
    site.services.vault.erase(issued[1].person_id)
    site.services.engine.rebuild()
    assert _leaves(site.services) == before


def test_every_event_is_a_leaf_whatever_its_type(site):
    site.issue_cards(2)
    site.catch_up()
    notifications = site.services.app.recorder.select_notifications(start=1, limit=100)
    mapper = site.services.app.mapper
    assert _leaves(site.services) == [
        leaf_data(mapper.to_domain_event(n), n.id) for n in notifications
    ]
    assert [json.loads(leaf)["type"] for leaf in _leaves(site.services)] == [
        "CardIssued",
        "CardNumberClaimed",
        "CardIssued",
        "CardNumberClaimed",
    ]
