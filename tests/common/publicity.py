"""The event classes of engage's aggregates, for the allow-list tests and the privacy table."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from eventsourcing import domain as es_domain
from eventsourcing.domain import CanMutateAggregate

import engage.domain
from engage.domain.publicity import declared_aggregates

#: Attributes every eventsourcing event carries: never a declared field.
ENVELOPE = {"self", "originator_id", "originator_version", "timestamp", "originator_topic"}


def engage_aggregates() -> list[type]:
    for info in pkgutil.walk_packages(engage.domain.__path__, "engage.domain."):
        importlib.import_module(info.name)
    return sorted(declared_aggregates(), key=lambda cls: (cls.__module__, cls.__qualname__))


def event_classes(aggregate: type) -> list[type]:
    """The event classes an aggregate can record: its decorated methods' and its created event."""
    created = es_domain._created_event_classes.get(aggregate, [])
    found = []
    for name, value in vars(aggregate).items():
        if not (inspect.isclass(value) and issubclass(value, CanMutateAggregate)):
            continue
        if value is aggregate.__dict__.get("Event"):
            continue  # the base of the aggregate's events, never recorded itself
        if name == "Created" and value not in created:
            continue  # the default created event, replaced by a decorated __init__
        found.append(value)
    return found


def signature(event_class: type) -> set[str]:
    return set(inspect.signature(event_class.__init__).parameters) - ENVELOPE
