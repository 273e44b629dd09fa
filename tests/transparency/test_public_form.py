"""The public form of an event (format 2): generic over event types, only the declared fields,
a person only as a commitment."""

import base64
import datetime
import hashlib
import json
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate

from engage.domain.publicity import event
from engage.transparency.canonical import canonical_json
from engage.transparency.commitments import opens
from engage.transparency.public_form import leaf_data, public_form


class Colour(StrEnum):
    GREEN = "green"


class Sample(Aggregate):
    """An event type engage does not have: the public form must not need to know it."""

    public_id = True

    @event("SampleHappened", public=("when", "amount", "colour", "tags", "extra", "sealed_note", "sealed_missing"),
           commit=("who_id",))
    def __init__(
        self,
        who_id: UUID,
        when: datetime.date,
        amount: Decimal,
        colour: Colour,
        tags: list,
        extra: dict,
        sealed_note: str,
        sealed_missing: str | None,
        secret: str = "undeclared",
    ):
        pass


WHO = UUID("12345678-1234-5678-1234-567812345678")


def sample_event(**changes):
    fields = dict(
        who_id=WHO,
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


def fixed_commitment(event, field, person):
    assert field == "who_id" and person == WHO
    return "c" * 64


def test_any_event_type_has_a_public_form():
    happened = sample_event()
    form = public_form(happened, 42, fixed_commitment)
    assert form["format"] == 2
    assert form["position"] == 42
    assert form["type"] == "SampleHappened"
    assert form["aggregate_id"] == str(happened.originator_id)
    assert form["version"] == 1
    assert form["timestamp"].endswith("Z") and "+" not in form["timestamp"]
    assert form["fields"] == {  # the declared fields only; the person as a commitment, under "who"
        "who": {"commitment": "c" * 64},
        "when": "2017-06-01",
        "amount": "12.50",
        "colour": "green",
        "tags": ["a", 2],
        "extra": {"nested": "00000000-0000-0000-0000-000000000001"},
        "sealed_note": {"sha256": hashlib.sha256(b"Y2lwaGVydGV4dA==").hexdigest()},
        "sealed_missing": None,
    }
    assert leaf_data(happened, 42, fixed_commitment) == canonical_json(form)
    with pytest.raises(ValueError, match="needs a commitment"):
        public_form(happened, 42)


def test_timestamps_are_cut_to_the_minute_in_utc():
    happened = sample_event()
    happened.__dict__["timestamp"] = datetime.datetime(
        2024, 3, 1, 12, 0, 42, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    assert public_form(happened, 1, fixed_commitment)["timestamp"] == "2024-03-01T11:00Z"


def test_a_type_without_a_public_form_fails_loudly():
    with pytest.raises(TypeError, match="no public form"):
        leaf_data(sample_event(tags=[object()]), 1, fixed_commitment)


def _leaves(services):
    with services.db.reading() as cur:
        return [
            base64.b64decode(d)
            for (d,) in cur.execute("SELECT data FROM tlog_leaves ORDER BY leaf_index").fetchall()
        ]


def _stored_commitments(services) -> dict:
    """(position, field) -> the commitment the log's projection drew for that act."""
    with services.db.reading() as cur:
        rows = cur.execute("SELECT a.position, a.field, c.commitment, c.person_id, c.salt FROM tlog_acts a"
                           " JOIN tlog_commitments c ON c.act_key = a.act_key").fetchall()
    return {(position, field): (commitment, person, salt) for position, field, commitment, person, salt in rows}


def test_leaves_hold_no_personal_data_and_commit_to_the_person(site):
    issued = site.issue_cards(1)[0]
    site.catch_up()
    leaves = _leaves(site.services)
    blob = b"".join(leaves)
    assert b"Personne 0" not in blob and b"p0@exemple.fr" not in blob
    assert (
        issued.number.encode() not in blob and issued.number.replace(" ", "").encode() not in blob
    )
    assert str(issued.person_id).encode() not in blob and str(issued.card_id).encode() not in blob
    card = json.loads(leaves[0])
    assert card["type"] == "CardIssued" and "aggregate_id" not in card and "version" not in card
    assert set(card["fields"]) == {"arrondissement", "age_band", "person"}
    commitment, person, salt = _stored_commitments(site.services)[(card["position"], "person_id")]
    assert card["fields"]["person"] == {"commitment": commitment}
    assert person == str(issued.person_id) and opens(commitment, issued.person_id, salt)


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
    stored = _stored_commitments(site.services)
    assert _leaves(site.services) == [
        leaf_data(mapper.to_domain_event(n), n.id,
                  lambda event, field, person, position=n.id: stored[(position, field)][0])
        for n in notifications
    ]
    assert [json.loads(leaf)["type"] for leaf in _leaves(site.services)] == [
        "CardIssued",
        "CardNumberClaimed",
        "CardIssued",
        "CardNumberClaimed",
    ]
