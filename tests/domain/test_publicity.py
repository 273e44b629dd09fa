"""The log's allow-list (engage.domain.publicity): every event of every engage aggregate says
what the public log may show of it, and says it about fields the event has.

A new event written with eventsourcing's plain ``@event`` would be published with nothing
but its type and time (private by default), and this test fails until somebody declares it,
in docs/PRIVACY.md's terms."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.domain import event as plain_event

from engage.domain.publicity import event, publicity_of
from tests.common.publicity import engage_aggregates, event_classes, signature


def problems(aggregates: list[type]) -> list[str]:
    found = []
    for aggregate in aggregates:
        if "public_id" not in vars(aggregate):
            found.append(f"{aggregate.__qualname__} does not say whether its id is public (public_id)")
        for event_class in event_classes(aggregate):
            declared = publicity_of(event_class)
            where = f"{aggregate.__qualname__}.{event_class.__name__}"
            if declared is None:
                found.append(f"{where} declares nothing: use engage.domain.publicity.event")
                continue
            fields = signature(event_class)
            for name in sorted((declared.public | set(declared.commit)) - fields):
                found.append(f"{where} declares {name!r}, which is not one of its fields {sorted(fields)}")
    return found


def test_every_event_of_every_aggregate_is_declared_with_its_own_fields():
    aggregates = engage_aggregates()
    assert len(aggregates) >= 25
    assert sum(len(event_classes(a)) for a in aggregates) >= 90
    assert problems(aggregates) == []


def test_every_aggregate_declares_public_id_in_its_own_body():
    for aggregate in engage_aggregates():
        assert isinstance(vars(aggregate).get("public_id"), bool), aggregate.__qualname__


class Throwaway(Aggregate):
    """Written the plain eventsourcing way: the test must catch it."""

    public_id = True

    @event("ThrowawayStarted", public=("title",))
    def __init__(self, title: str):
        pass

    @plain_event("ThrowawayDone")  # not engage's @event: no declaration
    def done(self, person_id: UUID) -> None:
        pass

    @event("ThrowawayRenamed", public=("titel",))  # a misspelt field
    def rename(self, title: str) -> None:
        pass


class Undecided(Aggregate):
    """No public_id: nothing of it is declared, even where its events say something."""

    @event("UndecidedStarted", public=("title",))
    def __init__(self, title: str):
        pass


def test_a_plain_event_an_undecided_aggregate_and_a_misspelt_field_are_caught():
    assert publicity_of(Throwaway.ThrowawayDone) is None
    assert publicity_of(Undecided.UndecidedStarted) is None
    assert problems([Throwaway, Undecided]) == [
        "Throwaway.ThrowawayDone declares nothing: use engage.domain.publicity.event",
        "Throwaway.ThrowawayRenamed declares 'titel', which is not one of its fields ['title']",
        "Undecided does not say whether its id is public (public_id)",
        "Undecided.UndecidedStarted declares nothing: use engage.domain.publicity.event",
    ]
    assert Throwaway not in engage_aggregates()  # only engage's own aggregates are held to it
