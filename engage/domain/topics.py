"""Stable topics: the event store's name of each aggregate and event class.

eventsourcing stores every event with a topic, "module:QualifiedName", and finds the class
again from it. Events are forever, so the topic of a class must not change when its code
moves: each capability's model pins its classes to the topic namespace they were first
stored under (`engage.domain.<capability>`), whatever module defines them today.
"""

from __future__ import annotations

import inspect
import sys

from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.utils import register_topic


def keep_topics(module_name: str, stored_as: str) -> None:
    """Pin every aggregate and event class defined in module_name to `stored_as:<qualname>`."""
    module = sys.modules[module_name]
    for cls in _classes_of(vars(module).values(), module_name):
        # Set on each class itself: a class attribute would otherwise be inherited by subclasses.
        cls.TOPIC = f"{stored_as}:{cls.__qualname__}"
        # Registered now, so that stored events resolve before any new one is written.
        register_topic(cls.TOPIC, cls)


def _classes_of(values, module_name: str):
    for value in values:
        if inspect.isclass(value) and value.__module__ == module_name and issubclass(value, (Aggregate, DomainEvent)):
            yield value
            yield from _classes_of(
                (v for v in vars(value).values() if inspect.isclass(v) and v.__qualname__.startswith(value.__qualname__ + ".")),
                module_name,
            )
