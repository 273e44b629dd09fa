"""Stored events to domain events, a batch at a time: what the projection engine decodes.

eventsourcing's `Mapper.to_domain_event` decodes one event per call: the topic resolved, the
JSON parsed with a Python `object_hook` that looks each `{"_type_", "_data_"}` object's
transcoding up by name, then the upcasting checks. A rebuild decodes every event of the log
in every group, and that path cost ~25-30 µs per event (benchmarks/rebuild_groups.py), as
much as some groups' projections. `BatchDecoder` gives the same events (same classes, same
`__dict__`, value for value) for less:

- the states of a batch are parsed as one JSON array (one call into the C parser);
- the object hook goes straight to the decode function of each transcoding name, and the
  standard ones are taken at their cheapest (a 32-digit hex UUID built from its integer,
  `datetime.fromisoformat`): the same values `UUIDAsHex`, `DatetimeAsISO` and
  `DecimalAsStr` return;
- what a topic needs (its class, class version, id convertor) is worked out once per topic.

A mapper it does not know (a cipher, a compressor, another transcoder), or a batch the
joined parse refuses, goes through `Mapper.to_domain_event` one event at a time: its errors
are the ones a caller sees.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Sequence
from uuid import UUID, SafeUUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    UUIDAsHex,
    find_id_convertor,
)
from eventsourcing.utils import resolve_topic

_new = object.__new__
_set = object.__setattr__
_UNKNOWN = SafeUUID.unknown


def uuid_from_hex(data: str) -> UUID:
    """UUID(data) for the 32 hex digits UUIDAsHex writes, without UUID.__init__'s parsing of
    every other spelling (anything else goes through it)."""
    if len(data) != 32 or not data.isalnum():
        return UUID(data)
    uuid = _new(UUID)
    _set(uuid, "int", int(data, 16))
    _set(uuid, "is_safe", _UNKNOWN)
    return uuid


#: The standard transcodings' decode, taken at its cheapest: the same values.
_FAST = {UUIDAsHex: uuid_from_hex, DatetimeAsISO: datetime.fromisoformat, DecimalAsStr: Decimal}


class BatchDecoder:
    def __init__(self, mapper: Mapper):
        self.mapper = mapper
        transcoder = mapper.transcoder
        self.fast = (type(transcoder) is JSONTranscoder and not mapper.cipher and not mapper.compressor)
        self._classes: dict[str, tuple[type, int, Callable[[Any], Any] | None]] = {}
        if self.fast:
            decoders = {name: _FAST.get(type(transcoding), transcoding.decode)
                        for name, transcoding in transcoder.names.items()}
            fallback = transcoder._decode_obj  # an unknown name: its error

            def hook(d: dict[str, Any]) -> Any:
                if len(d) == 2 and "_type_" in d and "_data_" in d:
                    decode = decoders.get(d["_type_"])
                    return decode(d["_data_"]) if decode is not None else fallback(d)
                return d

            self._parse = json.JSONDecoder(object_hook=hook).decode

    def decode(self, stored: Sequence[Any]) -> list[Any]:
        """The domain events of these stored events (or notifications), in their order."""
        if not self.fast or not stored:
            return [self.mapper.to_domain_event(s) for s in stored]
        try:
            states = self._parse("[" + b",".join([s.state for s in stored]).decode("utf8") + "]")
        except ValueError:  # one of them is not JSON: the mapper says which
            return [self.mapper.to_domain_event(s) for s in stored]
        if len(states) != len(stored) or not all(type(state) is dict for state in states):
            return [self.mapper.to_domain_event(s) for s in stored]  # a state spanning two
        events = []
        classes = self._classes
        for s, state in zip(stored, states):
            found = classes.get(s.topic)
            if found is None:
                found = classes[s.topic] = self._class_of(s.topic)
            cls, class_version, convertor = found
            originator_id = s.originator_id
            state["originator_id"] = originator_id if type(originator_id) is UUID and convertor is None \
                else find_id_convertor(cls, type(originator_id))(originator_id)
            state["originator_version"] = s.originator_version
            from_version = state.pop("class_version", 1)
            while from_version < class_version:
                getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
                from_version += 1
            event = _new(cls)
            _set(event, "__dict__", state)
            events.append(event)
        return events

    @staticmethod
    def _class_of(topic: str) -> tuple[type, int, Callable[[Any], Any] | None]:
        cls = resolve_topic(topic)
        # A UUID originator id passes through unchanged for a class whose ids are UUIDs (None).
        convertor = find_id_convertor(cls, UUID)
        return cls, getattr(cls, "class_version", 1), None if convertor(_PROBE) is _PROBE else convertor


_PROBE = UUID(int=0)
