"""The public form of an event (leaf format 2): only what its class declares public, a
commitment instead of any person, the time to the minute, the aggregate id only for
public objects."""

import base64
import datetime
import hashlib
import json
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.domain import event as plain_event

from engage.domain.publicity import event
from engage.transparency.canonical import canonical_json
from engage.transparency.commitments import commitment
from engage.transparency.public_form import LEAF_FORMAT, leaf_data, public_form

WHO = UUID("12345678-1234-5678-1234-567812345678")


class Colour(StrEnum):
    GREEN = "green"


class Sample(Aggregate):
    """An event type engage does not have: the public form must not need to know it."""

    public_id = True

    @event("SampleHappened", public=("when", "amount", "colour", "tags", "extra", "sealed_note", "sealed_missing"),
           commit=("who",))
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
        secret: str = "never published",
    ):
        pass


class Private(Aggregate):
    """One person's aggregate: its id is never shown."""

    public_id = False

    @event("PrivateHappened", public=("colour",))
    def __init__(self, colour: str, who: UUID):
        pass


class Undeclared(Aggregate):
    @plain_event("UndeclaredHappened")
    def __init__(self, who: UUID, colour: str):
        pass


def sample_event(**changes):
    fields = dict(
        who=WHO,
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


def _commit(event, field, person):
    return commitment(person, "00" * 16)


def test_a_leaf_shows_the_declared_fields_and_a_commitment_for_the_person():
    happened = sample_event()
    form = public_form(happened, 42, _commit)
    assert form["format"] == LEAF_FORMAT == 2
    assert form["position"] == 42
    assert form["type"] == "SampleHappened"
    assert form["aggregate_id"] == str(happened.originator_id)
    assert form["version"] == 1
    assert form["fields"] == {
        "who": {"commitment": commitment(WHO, "00" * 16)},
        "when": "2017-06-01",
        "amount": "12.50",
        "colour": "green",
        "tags": ["a", 2],
        "extra": {"nested": "00000000-0000-0000-0000-000000000001"},
        "sealed_note": {"sha256": hashlib.sha256(b"Y2lwaGVydGV4dA==").hexdigest()},
        "sealed_missing": None,
    }
    assert str(WHO) not in json.dumps(form) and "never published" not in json.dumps(form)
    assert leaf_data(happened, 42, _commit) == canonical_json(form)


def test_a_person_field_cannot_be_published_without_a_commitment():
    with pytest.raises(ValueError, match="needs a commitment"):
        public_form(sample_event(), 1)


def test_one_persons_aggregate_shows_no_id_and_an_undeclared_event_shows_nothing():
    private = Private(colour="blue", who=WHO).collect_events()[0]
    form = public_form(private, 3)
    assert "aggregate_id" not in form and "version" not in form
    assert form["fields"] == {"colour": "blue"}
    undeclared = Undeclared(who=WHO, colour="red").collect_events()[0]
    assert public_form(undeclared, 4) == {
        "format": 2, "position": 4, "type": "UndeclaredHappened",
        "timestamp": public_form(undeclared, 4)["timestamp"], "fields": {},
    }


def test_timestamps_are_spelled_in_utc_to_the_minute():
    happened = sample_event()
    happened.__dict__["timestamp"] = datetime.datetime(
        2024, 3, 1, 12, 0, 59, 999999, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    assert public_form(happened, 1, _commit)["timestamp"] == "2024-03-01T11:00Z"


def test_a_type_without_a_public_form_fails_loudly():
    with pytest.raises(TypeError, match="no public form"):
        leaf_data(sample_event(tags=[object()]), 1, _commit)


def _leaves(services):
    with services.db.reading() as cur:
        return [
            base64.b64decode(d)
            for (d,) in cur.execute("SELECT data FROM tlog_leaves ORDER BY leaf_index").fetchall()
        ]


def test_leaves_hold_no_personal_data_nor_person_ids(site):
    issued = site.issue_cards(1)[0]
    site.catch_up()
    leaves = _leaves(site.services)
    blob = b"".join(leaves)
    assert b"Personne 0" not in blob and b"p0@exemple.fr" not in blob
    assert (
        issued.number.encode() not in blob and issued.number.replace(" ", "").encode() not in blob
    )
    for secret in (issued.person_id, issued.card_id):
        assert str(secret).encode() not in blob and secret.hex.encode() not in blob
    card = json.loads(leaves[0])
    assert card["type"] == "CardIssued" and "aggregate_id" not in card
    assert set(card["fields"]) == {"arrondissement", "age_band", "person"}
    with site.services.db.reading() as cur:
        salt, = cur.execute("SELECT salt FROM tlog_commitments WHERE person_id = %s",
                            [str(issued.person_id)]).fetchone()
    assert card["fields"]["person"] == {"commitment": commitment(issued.person_id, salt)}


def test_erasure_never_changes_a_leaf_and_destroys_the_openings(site):
    people = [site.services.accounts.sign_up(name=f"Personne {i}", email=f"p{i}@exemple.fr",
                                             display_name=f"Personne {i}", password="un mot de passe bien long 42")
              for i in range(3)]
    site.catch_up()
    before = _leaves(site.services)
    erased = people[1].person_id
    site.services.accounts.erase(erased, requested_by=erased)
    site.catch_up()
    site.services.engine.rebuild()
    assert _leaves(site.services)[: len(before)] == before
    with site.services.db.reading() as cur:
        assert not cur.execute("SELECT 1 FROM tlog_commitments WHERE person_id = %s", [str(erased)]).fetchall()
        assert cur.execute("SELECT COUNT(*) FROM tlog_commitments WHERE salt IS NULL").fetchone()[0] >= 1
        assert cur.execute("SELECT COUNT(*) FROM tlog_commitments WHERE salt IS NOT NULL").fetchone()[0] >= 2


def test_every_event_is_a_leaf_whatever_its_type(site):
    site.issue_cards(2)
    site.catch_up()
    leaves = [json.loads(leaf) for leaf in _leaves(site.services)]
    notifications = site.services.app.recorder.select_notifications(start=1, limit=100)
    assert [leaf["position"] for leaf in leaves] == [n.id for n in notifications]
    assert [leaf["type"] for leaf in leaves] == [
        "CardIssued",
        "CardNumberClaimed",
        "CardIssued",
        "CardNumberClaimed",
    ]
    assert {leaf["format"] for leaf in leaves} == {2}
