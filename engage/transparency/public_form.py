"""The public form of a stored event: the exact bytes of its leaf in the transparency log.

    {"aggregate_id": "<uuid>", "fields": {...}, "position": <notification id>,
     "timestamp": "<UTC ISO 8601>", "type": "<event class name>", "version": <n>}

serialized as RFC 8785 canonical JSON. It is generic: any event of any aggregate, as
eventsourcing's mapper decodes it, needs no code here. engage's convention for personal
data decides what is hidden: a field named ``sealed_*`` holds a ciphertext sealed with
its person's own key, and appears only as {"sha256": <hex digest of the ciphertext>}.
The digest of a random-nonce ciphertext reveals nothing, not even to someone who can
guess the plaintext, and erasure destroys the key, never the ciphertext: a leaf never
changes. Every other field is public as it is.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
from decimal import Decimal
from typing import Any
from uuid import UUID

from engage.transparency.canonical import canonical_json

SEALED_PREFIX = "sealed_"
#: Attributes every eventsourcing event carries, lifted out of "fields".
_ENVELOPE = ("originator_id", "originator_version", "timestamp")


def public_form(event: Any, position: int) -> dict[str, Any]:
    state = dict(vars(event))
    envelope = {name: state.pop(name) for name in _ENVELOPE}
    return {
        "position": position,
        "type": type(event).__name__,
        "aggregate_id": public_value(envelope["originator_id"]),
        "version": envelope["originator_version"],
        "timestamp": utc_iso(envelope["timestamp"]),
        "fields": {name: _public_field(name, value) for name, value in state.items()},
    }


def leaf_data(event: Any, position: int) -> bytes:
    return canonical_json(public_form(event, position))


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
