"""What an observer of the public log could link, checked with what only engage knows.

The log's leaves are read as the public reads them; the private openings (`tlog_acts`,
`tlog_commitments`) and the vault say whose acts they are. Then:

- `leaked`: no leaf holds a person id, a one-person aggregate's id, a display name, a name,
  an email, a card number, nor a field named like personal data;
- `linking_problems`: no identifier value (a UUID or a hexadecimal digest anywhere in a leaf,
  its aggregate id and its commitments included) is shared by leaves of two different acts
  of one person. An act is one commitment's act key (`tlog_acts`: an attendance and its
  corrections are one act), or one ballot (a vote and its changes, linked by the ballot's
  keyed id). The ids of public objects (a consultation, a session, a contribution: every
  aggregate id of a leaf that is not a ballot) are shared by everybody's acts on them and
  identify nobody: they are left out;
- `quasi_identifier_problems`: a leaf that shows an arrondissement or an age band carries no
  identifier that another leaf of another act shows.

Only identifier-like strings are compared: an option ("d-accord") or a theme is shared by
many people's acts by construction and names nobody.
"""

from __future__ import annotations

import base64
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterator
from uuid import UUID

from engage.domain.publicity import aggregate_of

BALLOT_CASTS = ("VoteCast", "AmendmentBallotCast")
QUASI_IDENTIFIERS = ("arrondissement", "age_band")
#: Field names that would be personal data whatever their value.
PERSONAL_FIELDS = {"person_id", "display_name", "email", "name_of_person", "birth_year", "address",
                   "postal_address", "card_number", "category", "sealed_identity",
                   "sealed_number"}
#: One-person aggregates whose id the log shows on purpose: a volunteer's keyed id per
#: (person, call), needed to check the draw, seen only in that one act's leaves.
ID_PUBLISHED = ("VolunteerClaim",)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_HEX = re.compile(r"^[0-9a-f]{32,}$")

Act = tuple[str, str]  # (person id, act)


@dataclass
class PublicLog:
    leaves: dict[int, dict]  # position -> the leaf as the public reads it
    acts: dict[int, set[Act]] = field(default_factory=dict)  # position -> whose acts it shows
    commitment_acts: dict[str, Act] = field(default_factory=dict)  # commitment -> its act


def read_log(services) -> PublicLog:
    with services.db.reading() as cur:
        leaves = {position: json.loads(base64.b64decode(data)) for position, data in cur.execute(
            "SELECT position, data FROM tlog_leaves ORDER BY leaf_index").fetchall()}
        opened = cur.execute(
            "SELECT a.position, c.person_id, a.act_key, c.commitment FROM tlog_acts a"
            " JOIN tlog_commitments c ON c.act_key = a.act_key WHERE c.person_id IS NOT NULL").fetchall()
    log = PublicLog(leaves)
    ballots = {leaf["aggregate_id"]: position for position, leaf in leaves.items() if leaf["type"] in BALLOT_CASTS}
    cast_act: dict[int, Act] = {}
    for position, person, key, value in opened:
        act = (str(UUID(person)), key)
        if position in ballots.values():  # a ballot is one act: its cast and its changes
            act = (act[0], "ballot:" + leaves[position]["aggregate_id"])
            cast_act[position] = act
        log.acts.setdefault(position, set()).add(act)
        log.commitment_acts[value] = act
    for position, leaf in leaves.items():
        cast = ballots.get(leaf.get("aggregate_id"))
        if cast is not None and cast in cast_act:
            log.acts.setdefault(position, set()).add(cast_act[cast])
    return log


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def identifiers(leaf: dict) -> set[str]:
    found = set(strings(leaf["fields"]))
    if "aggregate_id" in leaf:
        found.add(leaf["aggregate_id"])
    return {value for value in found if _UUID.match(value) or _HEX.match(value)}


def public_objects(log: PublicLog) -> set[str]:
    ballots = {leaf["aggregate_id"] for leaf in log.leaves.values() if leaf["type"] in BALLOT_CASTS}
    return {leaf["aggregate_id"] for leaf in log.leaves.values() if "aggregate_id" in leaf} - ballots


def _linkable(log: PublicLog) -> dict[str, list[int]]:
    """Identifier -> the leaves showing it, public objects' ids left out."""
    shown: dict[str, list[int]] = defaultdict(list)
    common = public_objects(log)
    for position, leaf in log.leaves.items():
        for value in identifiers(leaf) - common:
            shown[value].append(position)
    return shown


def linking_problems(log: PublicLog) -> list[str]:
    problems = []
    for value, positions in _linkable(log).items():
        if len(positions) < 2:
            continue
        by_person: dict[str, list[tuple[int, set[str]]]] = defaultdict(list)
        for position in positions:
            mine: dict[str, set[str]] = defaultdict(set)
            for person, act in log.acts.get(position, ()):
                mine[person].add(act)
            for person, acts in mine.items():
                by_person[person].append((position, acts))
        for person, seen in by_person.items():
            for i, (first, first_acts) in enumerate(seen):
                for second, second_acts in seen[i + 1:]:
                    if not first_acts & second_acts:
                        problems.append(
                            f"{value} links two acts of one person: leaves {first}"
                            f" ({log.leaves[first]['type']}) and {second} ({log.leaves[second]['type']})")
    return problems


def quasi_identifier_problems(log: PublicLog) -> list[str]:
    shown = _linkable(log)
    common = public_objects(log)
    problems = []
    for position, leaf in log.leaves.items():
        if not any(name in leaf["fields"] for name in QUASI_IDENTIFIERS):
            continue
        own = log.acts.get(position, set())
        linked: set[Act] = set()
        for value in identifiers(leaf) - common:
            for other in shown[value]:
                if other != position:
                    linked |= log.acts.get(other, set())
        if (own and linked - own) or (not own and len(linked) > 1):
            problems.append(f"leaf {position} ({leaf['type']}) shows {QUASI_IDENTIFIERS} and links to"
                            f" {len(linked - own)} other act(s)")
    return problems


def personal_values(services) -> dict[str, str]:
    """Every personal value engage holds, as text -> what it is: read from the event store
    and opened through the vault, as only engage can."""
    found: dict[str, str] = {}
    app = services.app
    unseal = services.vault.unseal
    for notification in app.recorder.select_notifications(start=1, limit=10**9):
        event = app.mapper.to_domain_event(notification)
        kind = type(event).__name__
        owner = aggregate_of(type(event))
        if owner is not None and not vars(owner).get("public_id") and owner.__name__ not in ID_PUBLISHED:
            found[str(event.originator_id)] = f"id of a {owner.__name__}"
            found[event.originator_id.hex] = f"id of a {owner.__name__}"
        if kind in ("AccountRegistered", "CardIssued"):
            person = event.person_id
            found[str(person)] = found[person.hex] = "person id"
            if kind == "AccountRegistered":
                found[event.display_name] = "display name"
            opened = unseal(person, event.sealed_identity) or {}
            found.update({opened[k]: k for k in ("name", "email") if opened.get(k)})
            if kind == "CardIssued":
                number = (unseal(person, event.sealed_number) or {}).get("card_number")
                if number:
                    found[number] = found[number.replace(" ", "")] = "card number"
        if kind == "PBMemberImported":
            opened = unseal(event.originator_id, event.sealed_identity) or {}
            found.update({opened[k]: k for k in ("name", "email") if opened.get(k)})
    return found


def leaked(log: PublicLog, personal: dict[str, str]) -> list[str]:
    problems = []
    lowered = {value.lower(): what for value, what in personal.items() if len(value) >= 4}
    for position, leaf in log.leaves.items():
        for name in set(leaf["fields"]) & PERSONAL_FIELDS:
            problems.append(f"leaf {position} ({leaf['type']}) has a field {name!r}")
        text = json.dumps(leaf, ensure_ascii=False).lower()
        for value, what in lowered.items():
            if value in text:
                problems.append(f"leaf {position} ({leaf['type']}) shows a {what}: {value!r}")
    return problems


def public_leaf(event: Any, position: int, identifier_key: bytes = b"test-card-number-key-0123456789") -> dict:
    """An event's leaf as the log's projection writes it (format 2), with fresh commitments:
    for tests that look at one event's public form without a database."""
    from engage.domain.attribution import actor_key, open_actor
    from engage.transparency.commitments import commitment, new_salt
    from engage.transparency.public_form import public_form

    key = actor_key(identifier_key)
    return public_form(
        event, position,
        commit=lambda _event, _field, person: None if person is None else commitment(person, new_salt()),
        open_actor=lambda opened, field: open_actor(key, opened.originator_id, getattr(opened, field, None)),
    )
