"""Events are forever: every topic ever written to an event store still names its class.

tests/domain/stored_topics.txt lists the topics of every aggregate and event class as they were
first stored. Moving a class to another module must keep its topic (engage/domain/topics.py);
a new class adds its line here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.utils import get_topic, resolve_topic

import engage.domain

# Every process that reads events has the application, whose import pins every topic.
import engage.domain.application  # noqa: F401

STORED = Path(__file__).with_name("stored_topics.txt")


def _domain_classes():
    def nested(cls):
        for value in vars(cls).values():
            if inspect.isclass(value) and value.__qualname__.startswith(cls.__qualname__ + "."):
                yield value
                yield from nested(value)

    for info in pkgutil.walk_packages(engage.domain.__path__, "engage.domain."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (inspect.isclass(value) and value.__module__ == module.__name__
                    and issubclass(value, (Aggregate, DomainEvent))):
                yield value
                yield from nested(value)


def test_every_stored_topic_resolves_to_a_class_that_still_writes_it():
    stored = STORED.read_text().split()
    for topic in stored:
        cls = resolve_topic(topic)
        assert get_topic(cls) == topic, topic


def test_every_domain_class_has_a_stored_topic():
    stored = set(STORED.read_text().split())
    missing = sorted(get_topic(cls) for cls in _domain_classes() if get_topic(cls) not in stored)
    assert not missing, f"add these lines to {STORED.name} (and never change them): {missing}"
