"""The public form of a stored event: the exact bytes of its leaf in the transparency log.

    {"aggregate_id": "<uuid>", "fields": {...}, "format": 2, "position": <notification id>,
     "timestamp": "<UTC, to the minute>", "type": "<event class name>", "version": <n>}

serialized as RFC 8785 canonical JSON. What a leaf shows is an allow-list declared beside
each event class (`engage.domain.publicity`):

- a ``public`` field appears as it is (a ``sealed_*`` field as {"sha256": digest of its
  ciphertext}: a random-nonce ciphertext's digest reveals nothing, and erasure destroys
  the key, never the ciphertext, so the leaf never changes);
- a committed field (one naming a person) appears under its name without ``sealed_`` and
  ``_id`` (``author_id`` -> ``author``) as {"commitment": hex}, one per act
  (`engage.transparency.commitments`), never the person;
- any other field does not appear at all;
- ``aggregate_id`` and ``version`` appear only for aggregates that are public objects (a
  consultation, a session, a ballot's keyed id), never for one person's (an account, a card);
- the time is cut to the minute: the instant to the microsecond adds nothing an auditor
  needs and helps whoever tries to match a leaf with something seen elsewhere.

Format 1 (before issue 15) published every field not named ``sealed_*``, person ids and
display names included; no part of engage writes it any more.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable
from uuid import UUID

from engage.domain.publicity import UNDECLARED, Publicity, publicity_of
from engage.transparency.canonical import (
    _plain,
    canonical_json,
    encode_plain_text,
    plain_int,
    plain_text,
    quote,
)

LEAF_FORMAT = 2
SEALED_PREFIX = "sealed_"
#: Attributes every eventsourcing event carries, never taken as fields.
_ENVELOPE = ("originator_id", "originator_version", "timestamp", "originator_topic")

#: (event, field, person or None) -> the commitment for that act: given by the log's
#: projection, which keeps each commitment's opening in the private store.
Commit = Callable[[Any, str, "UUID | None"], "str | None"]
#: (event, sealed field) -> the person a sealed actor names (None: no such field or value).
OpenActor = Callable[[Any, str], "UUID | None"]


def public_form(event: Any, position: int, commit: Commit | None = None,
                open_actor: OpenActor | None = None) -> dict[str, Any]:
    declared: Publicity = publicity_of(type(event)) or UNDECLARED
    state = vars(event)
    fields: dict[str, Any] = {}
    for name in sorted(declared.public):
        if name in state:
            fields[name] = _public_field(name, state[name])
    for name in sorted(declared.commit):
        if name not in state:
            continue
        if commit is None:
            raise ValueError(f"{type(event).__name__}.{name} needs a commitment: pass `commit`")
        person = _person(event, name, state[name], open_actor)
        value = commit(event, name, person)
        fields[committed_name(name)] = None if value is None else {"commitment": value}
    form: dict[str, Any] = {
        "format": LEAF_FORMAT,
        "position": position,
        "type": type(event).__name__,
        "timestamp": utc_minute(event.timestamp),
        "fields": fields,
    }
    if declared.public_id:
        form["aggregate_id"] = str(event.originator_id)
        form["version"] = event.originator_version
    return form


def leaf_data(event: Any, position: int, commit: Commit | None = None,
              open_actor: OpenActor | None = None) -> bytes:
    """canonical_json(public_form(...)), the same bytes, several times faster: what the
    event class declares is read once per class (`leaf_plan`), and the form is checked for
    the C encoder's fast path while it is built rather than walked again afterwards
    (tests/transparency/test_leaf_fast_path.py holds it to the reference)."""
    plan = leaf_plan(type(event))
    state = vars(event)
    fields: dict[str, Any] = {}
    plain = True
    for name, sealed in plan.public:
        if name not in state:
            continue
        value = state[name]
        kind = type(value)
        if value is None:
            fields[name] = None
        elif sealed:
            fields[name] = _public_field(name, value)  # {"sha256": hex}: plain
        elif kind is str:
            fields[name] = value
            plain = plain and plain_text(value)
        elif kind is UUID:
            fields[name] = str(value)  # hex and hyphens: plain
        elif kind is int:
            fields[name] = value
            plain = plain and plain_int(value)
        elif kind is bool:
            fields[name] = value
        else:
            fields[name] = value = public_value(value)
            plain = plain and _plain(value)
    for name, shown_as in plan.commit:
        if name not in state:
            continue
        if commit is None:
            raise ValueError(f"{type(event).__name__}.{name} needs a commitment: pass `commit`")
        value = commit(event, name, _person(event, name, state[name], open_actor))
        fields[shown_as] = None if value is None else {"commitment": value}
        plain = plain and (value is None or _plain(value))
    timestamp = utc_minute(event.timestamp)
    if plan.public_id:
        aggregate_id, version = str(event.originator_id), event.originator_version
        plain = plain and plain_text(aggregate_id) and type(version) is int and plain_int(version)
    if plain and plan.plain and type(position) is int and plain_int(position):
        # What the C encoder writes for the whole form (members in name order: aggregate_id,
        # fields, format, position, timestamp, type, version), without building it.
        text = "%s%s,\"format\":%d,\"position\":%d,\"timestamp\":%s,\"type\":%s%s" % (
            '{"aggregate_id":%s,"fields":' % quote(aggregate_id) if plan.public_id else '{"fields":',
            encode_plain_text(fields), LEAF_FORMAT, position, quote(timestamp), plan.type_json,
            ',"version":%d}' % version if plan.public_id else "}")
        return text.encode("utf-8")
    form: dict[str, Any] = {
        "format": LEAF_FORMAT,
        "position": position,
        "type": plan.type,
        "timestamp": timestamp,
        "fields": fields,
    }
    if plan.public_id:
        form["aggregate_id"] = aggregate_id
        form["version"] = version
    return canonical_json(form)  # a float, a huge integer...: the general serializer decides


@dataclass(frozen=True)
class LeafPlan:
    """What `public_form` reads of an event class's declaration, in the order it reads it."""

    type: str
    #: the type as a JSON string
    type_json: str
    #: (field, whether it is a sealed_* field), in name order
    public: tuple[tuple[str, bool], ...]
    #: (field, the name the leaf shows it under), in name order
    commit: tuple[tuple[str, str], ...]
    public_id: bool
    #: whether the names alone (type, field names) let the C encoder write the leaf
    plain: bool


_plans: dict[type, LeafPlan] = {}


def leaf_plan(event_class: type) -> LeafPlan:
    plan = _plans.get(event_class)
    if plan is None:
        declared: Publicity = publicity_of(event_class) or UNDECLARED
        public = tuple((name, name.startswith(SEALED_PREFIX)) for name in sorted(declared.public))
        commit = tuple((name, committed_name(name)) for name in sorted(declared.commit))
        names = {name: None for name, _ in public} | {shown: None for _, shown in commit}
        plan = _plans[event_class] = LeafPlan(
            event_class.__name__, quote(event_class.__name__), public, commit, declared.public_id,
            _plain({"type": event_class.__name__, "fields": names}))
    return plan


def committed_name(field: str) -> str:
    name = field.removeprefix(SEALED_PREFIX)
    return name.removesuffix("_id") if name.endswith("_id") else name


def _person(event: Any, name: str, value: Any, open_actor: OpenActor | None) -> UUID | None:
    if value is None:
        return None
    if name.startswith(SEALED_PREFIX):
        if open_actor is None:
            raise ValueError(f"{type(event).__name__}.{name} is sealed: pass `open_actor`")
        return open_actor(event, name)
    return value if isinstance(value, UUID) else UUID(str(value))


def _public_field(name: str, value: Any) -> Any:
    if name.startswith(SEALED_PREFIX) and value is not None:
        if not isinstance(value, str):
            raise TypeError(f"{name} should hold a sealed ciphertext (base64 text)")
        return {"sha256": hashlib.sha256(value.encode()).hexdigest()}
    return public_value(value)


def utc_iso(moment: datetime.datetime) -> str:
    """Always UTC, always microseconds: one spelling per instant."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)  # eventsourcing stores UTC
    moment = moment.astimezone(datetime.timezone.utc)
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def utc_minute(moment: datetime.datetime) -> str:
    if type(moment) is datetime.datetime and (moment.tzinfo is None or moment.tzinfo is datetime.timezone.utc):
        # isoformat's own spelling, without the three datetimes it takes to get there
        return "%04d-%02d-%02dT%02d:%02dZ" % (moment.year, moment.month, moment.day, moment.hour, moment.minute)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    moment = moment.astimezone(datetime.timezone.utc)
    return moment.replace(tzinfo=None, second=0, microsecond=0).isoformat(timespec="minutes") + "Z"


def public_value(value: Any) -> Any:
    """A JSON value for an event attribute. Unknown types fail loudly: a silent
    str() could change spelling with a library upgrade, and a leaf must never change."""
    if value is None or isinstance(value, (bool, str, int, float)):
        if isinstance(value, enum.Enum):
            return public_value(value.value)
        return value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        return utc_iso(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # exact, unlike a JSON number
    if isinstance(value, enum.Enum):
        return public_value(value.value)
    if isinstance(value, (list, tuple)):
        return [public_value(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((public_value(item) for item in value), key=canonical_json)
    if isinstance(value, dict):
        return {str(key): public_value(item) for key, item in value.items()}
    raise TypeError(
        f"no public form for {type(value).__name__}:"
        " teach engage.transparency.public_form how to write it"
    )
