"""The engine's batch decoder gives the events eventsourcing's mapper gives, value for value,
and leaves to the mapper what it does not know (engage/projections/decoding.py)."""

from __future__ import annotations

import subprocess
import sys
import zlib
from dataclasses import replace
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Mapper, MapperDeserialisationError

from engage.projections.decoding import BatchDecoder, uuid_from_hex
from tests.common.projections import some_events


def stored(engage):
    return list(engage.app.recorder.select_notifications(start=1, limit=10_000))


def same_events(decoded, expected):
    assert len(decoded) == len(expected)
    for mine, theirs in zip(decoded, expected):
        assert type(mine) is type(theirs)
        # Same attributes, in the same order, of the same types: what a projection reads of them.
        assert list(vars(mine).items()) == list(vars(theirs).items())
        assert [type(v) for v in vars(mine).values()] == [type(v) for v in vars(theirs).values()]


def test_a_batch_decodes_as_the_mapper_decodes_each_event(engage_services):
    some_events(engage_services)
    notifications = stored(engage_services)
    decoder = BatchDecoder(engage_services.app.mapper)
    assert decoder.fast
    same_events(decoder.decode(notifications),
                [engage_services.app.mapper.to_domain_event(n) for n in notifications])
    assert decoder.decode([]) == []


def test_a_mapper_it_does_not_know_decodes_the_batch_itself(engage_services):
    some_events(engage_services)
    plain = engage_services.app.mapper
    compressed = Mapper(plain.transcoder, compressor=zlib)
    notifications = [replace(n, state=zlib.compress(n.state)) for n in stored(engage_services)]
    decoder = BatchDecoder(compressed)
    assert not decoder.fast
    same_events(decoder.decode(notifications), [plain.to_domain_event(n) for n in stored(engage_services)])


def test_a_state_that_is_not_json_fails_as_the_mapper_says(engage_services):
    some_events(engage_services)
    notifications = stored(engage_services)
    broken = [*notifications[:2], replace(notifications[2], state=b'{"oops":'), *notifications[3:]]
    with pytest.raises(MapperDeserialisationError, match=str(notifications[2].originator_id)):
        BatchDecoder(engage_services.app.mapper).decode(broken)


def test_uuid_from_hex_is_the_uuid_of_any_spelling():
    for value in (uuid4(), UUID(int=0), UUID(int=2**128 - 1)):
        made = uuid_from_hex(value.hex)
        assert made == value and hash(made) == hash(value) and str(made) == str(value)
        assert made.is_safe == value.is_safe
        assert uuid_from_hex(str(value)) == value  # hyphens: UUID's own parsing
    with pytest.raises(ValueError):
        uuid_from_hex("not a uuid at all, 32 characters")
    with pytest.raises(ValueError):
        uuid_from_hex("g" * 32)


def test_a_replaying_process_collects_garbage_less_often():
    # In a child interpreter: the thresholds are the whole process's.
    code = ("import gc; from engage.scripts.rebuild import collect_less, REPLAY_GC_THRESHOLDS as t;"
            " collect_less(); assert gc.get_threshold() == t and gc.get_freeze_count() > 0")
    subprocess.run([sys.executable, "-c", code], check=True)
