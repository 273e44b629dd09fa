"""What the public transparency log may show of each event, declared beside the event.

The log is append-only: whatever a leaf publishes stays public forever. So publicity is an
allow-list, written where the event is defined and read by the log's projection:

    class Vote(Aggregate):
        public_id = True   # the ballot's keyed id: it links the ballot's own revisions only

        @event("VoteCast", public=("item_id", "option"), commit={"sealed_voter": "ballot"})
        def __init__(self, vote_id, item_id, option, sealed_voter=None): ...

- ``public``: the fields published as they are. A field not named is not published.
- ``commit``: the fields that name a person (a person id, or a ``sealed_*`` actor the log's
  projection can open). The leaf shows, instead of the person, a commitment
  SHA-256(person, random salt) whose opening (the salt) stays in the private store; the
  resident and accredited auditors receive openings, erasure destroys them. The value is
  the act the commitment stands for: ``None`` for this event alone (a fresh commitment per
  event), or a name such as ``"attendance"`` when later events of the same aggregate revise
  the same act of the same person (an attendance corrected, a registration cancelled): they
  then show the same commitment, so anyone can follow the act's revisions, never the
  person's other acts.
- ``public_id`` (on the aggregate class): whether the leaf shows the aggregate's id and
  version. False for aggregates that belong to one person (an account, a card, a claim):
  their id would link all that person's acts.

A test fails when an event or an aggregate declares nothing, so a new event is private
until somebody decides, in docs/PRIVACY.md's terms, what of it the public may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from eventsourcing.domain import Aggregate, CommandMethodDecorator
from eventsourcing.domain import event as eventsourcing_event

_ATTRIBUTE = "__engage_publicity__"


@dataclass(frozen=True)
class Publicity:
    public: frozenset[str]
    #: field -> act name (None: this event's own act)
    commit: Mapping[str, str | None]
    #: whether the leaf shows the aggregate id and version
    public_id: bool

    def __post_init__(self) -> None:
        overlap = self.public & set(self.commit)
        if overlap:
            raise ValueError(f"a field is either public or committed, not both: {sorted(overlap)}")


#: Publicity of an event nobody declared: nothing but its type and time.
UNDECLARED = Publicity(frozenset(), {}, False)


def event(
    name: str,
    *,
    public: Iterable[str] = (),
    commit: Iterable[str] | Mapping[str, str | None] = (),
) -> Callable[[Callable[..., Any]], Any]:
    """eventsourcing's ``@event(name)``, with what the public log may show of the event."""
    commitments = dict(commit) if isinstance(commit, Mapping) else dict.fromkeys(commit)

    def decorate(method: Callable[..., Any]) -> Any:
        setattr(method, _ATTRIBUTE, (frozenset(public), commitments))
        return eventsourcing_event(name)(method)

    return decorate


_declared: dict[type, Publicity | None] = {}


def publicity_of(event_class: type) -> Publicity | None:
    """The declaration of an event class, or None when it has none."""
    if event_class not in _declared:
        _declared[event_class] = _find(event_class)
    return _declared[event_class]


def aggregate_of(event_class: type) -> type | None:
    for aggregate in _aggregates():
        if aggregate.__dict__.get(event_class.__name__) is event_class:
            return aggregate
    return None


def declared_aggregates() -> list[type]:
    return [cls for cls in _aggregates() if cls.__module__.startswith("engage.")]


def _find(event_class: type) -> Publicity | None:
    aggregate = aggregate_of(event_class)
    if aggregate is None or "public_id" not in aggregate.__dict__:
        return None
    for decorator in aggregate.__dict__.values():
        if isinstance(decorator, CommandMethodDecorator) and decorator.event_cls_name == event_class.__name__:
            declared = getattr(decorator.decorated_func, _ATTRIBUTE, None)
            if declared is None:
                return None
            public, commit = declared
            return Publicity(public, commit, bool(aggregate.__dict__["public_id"]))
    return None


def _aggregates() -> list[type]:
    found, todo = [], [Aggregate]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found
