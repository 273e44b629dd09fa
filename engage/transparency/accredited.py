"""The accredited level of engage-audit: the rules that need to link acts to people.

The public log shows a person only as a commitment, different for every act, so from public
leaves alone nobody can tell that two cards, two ballots or a card and a registration
belong to the same person. An accredited auditor receives the openings (person and salt of
every commitment, `engage.transparency.sealed_openings`), checks each against its leaf,
and then checks:

- one card per person: no person has two CardIssued;
- one vote per person and item: no person has two ballots (VoteCast of different ballot
  ids) on one item;
- registration reserved to card holders: the person of each SessionRegistered and
  WaitlistPromoted had a card issued before it;
- attendance only of registered people or walk-in card holders: each AttendanceRecorded
  with present=True is of a person registered in that session at that time, or a walk-in
  (walk_in=True) with a card issued before it.

It also recomputes the one published figure that needs linkage: people present by the
attendee's arrondissement and age band (the workshop statistics), with the site's blanks.

What it cannot check: a card's later suspension or revocation (those events name the card,
whose id is private, not its holder), and the acts of erased people (their openings are
destroyed: counted, never opened).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Callable, Protocol

from engage.opendata.aggregates import attendance_profile
from engage.transparency.commitments import opens
from engage.transparency.sealed_openings import SealedOpeningsError, unseal
from engage.transparency.tallies import replay_workshop_attendance

#: Violations listed per rule; the others are counted.
SHOWN = 10


class Findings(Protocol):
    def ok(self, message: str) -> None: ...

    def problem(self, message: str) -> None: ...


def check_openings_file(data: bytes, private_key: Any, entries: list[bytes], origin: str,
                        report: Findings, more: Callable[[int, int | None], list[bytes]] | None = None,
                        document: Callable[[str], dict] | None = None) -> None:
    """Decrypt the openings, check them against `entries` (the log's leaves, from index 0;
    `more(start, stop)` fetches the leaves beyond them, to the end when stop is None), then
    check the rules, and with `document` (a published figure by its path, every page of it)
    the figures that need linkage. Every finding goes to `report`."""
    try:
        opened = unseal(data, private_key)
    except SealedOpeningsError as error:
        report.problem(f"accredited: {error}")
        return
    size = opened.get("tree_size")
    if opened.get("origin") != origin:
        report.problem(f"accredited: the openings are for log {opened.get('origin')!r}, not {origin!r}")
        return
    if isinstance(size, int) and size > len(entries) and more is not None:
        entries = entries + more(len(entries), size)
    if not isinstance(size, int) or size > len(entries):
        report.problem(f"accredited: the openings cover {size} leaves, the log serves {len(entries)}")
        return
    leaves = [_parse(data) for data in entries[:size]]
    people = check_openings(leaves, opened.get("openings", []), int(opened.get("erased", 0)), report)
    if people is None:
        return
    check_rules(leaves, people, report)
    if document is not None:
        published = document(PROFILE_PATH)
        position = published.get("position")
        if isinstance(position, int) and more is not None and _last_position(entries) < position:
            entries = entries + more(len(entries), None)
        check_attendance_profile([_parse(data) for data in entries], size, people, published, report)


def _last_position(entries: list[bytes]) -> int:
    return _parse(entries[-1]).get("position", 0) if entries else 0


def _parse(data: bytes) -> dict:
    try:
        entry = json.loads(data)
    except ValueError:
        return {}
    return entry if isinstance(entry, dict) else {}


def check_openings(leaves: list[dict], openings: list[dict], erased: int,
                   report: Findings) -> dict[tuple[int, str], str] | None:
    """(leaf index, field) -> person for every opening that opens its leaf's commitment;
    None when any does not (the file or the log is not what it claims)."""
    people: dict[tuple[int, str], str] = {}
    wrong: list[str] = []
    for opening in openings:
        try:
            index, field = int(opening["leaf_index"]), str(opening["field"])
            leaf = leaves[index] if 0 <= index < len(leaves) else {}
            shown = (leaf.get("fields") or {}).get(field)
            if leaf.get("position") != opening["position"] or shown != {"commitment": opening["commitment"]}:
                wrong.append(f"leaf {index} ({field}): not the commitment the leaf shows")
            elif not opens(opening["commitment"], opening["person_id"], opening["salt"]):
                wrong.append(f"leaf {index} ({field}): the person and salt do not open its commitment")
            else:
                people[(index, field)] = str(opening["person_id"])
        except (KeyError, TypeError, ValueError):
            wrong.append(f"malformed opening {str(opening)[:80]}")
    if wrong:
        report.problem(f"accredited: {len(wrong)} openings do not verify: " + "; ".join(wrong[:SHOWN]))
        return None
    committed = sum(1 for leaf in leaves for value in (leaf.get("fields") or {}).values()
                    if isinstance(value, dict) and "commitment" in value)
    missing = committed - len(people) - erased
    if missing > 0:
        report.problem(f"accredited: {missing} commitments of the log have no opening"
                       " (neither given nor erased): the rules cannot be checked for them")
    report.ok(f"accredited: {len(people)} openings verify against their leaves"
              f" ({erased} erased: their acts cannot be linked any more)")
    return people


def check_rules(leaves: list[dict], people: dict[tuple[int, str], str], report: Findings) -> None:
    cards: dict[str, list[int]] = defaultdict(list)
    ballots: dict[tuple[str, str], set[str]] = defaultdict(set)
    ballot_leaves: dict[tuple[str, str], list[int]] = defaultdict(list)
    registered: dict[tuple[str, str], bool] = {}
    violations: dict[str, list[str]] = {rule: [] for rule in RULES}
    for index, leaf in enumerate(leaves):
        kind, fields, aggregate = leaf.get("type"), leaf.get("fields") or {}, leaf.get("aggregate_id")
        if kind == "CardIssued" and (index, "person") in people:
            cards[people[(index, "person")]].append(index)
        elif kind == "VoteCast" and (index, "voter") in people:
            key = (people[(index, "voter")], str(fields.get("item_id")))
            ballots[key].add(str(aggregate))
            ballot_leaves[key].append(index)
        elif kind in ("SessionRegistered", "WaitlistPromoted", "SessionWaitlisted", "RegistrationCancelled"):
            person = people.get((index, "person"))
            if person is None:
                continue
            if kind in ("SessionRegistered", "WaitlistPromoted") and not cards.get(person):
                violations["registration"].append(f"{kind} at leaf {index} (position {leaf.get('position')})"
                                                  " by a person with no card issued before it")
            registered[(str(aggregate), person)] = kind in ("SessionRegistered", "WaitlistPromoted")
        elif kind == "AttendanceRecorded" and fields.get("present") is True:
            person = people.get((index, "person"))
            if person is None:
                continue
            if registered.get((str(aggregate), person)):
                continue
            if fields.get("walk_in") is True and cards.get(person):
                continue
            why = "a walk-in with no card issued before it" if fields.get("walk_in") else \
                "not registered in that session"
            violations["attendance"].append(f"present at leaf {index} (position {leaf.get('position')}): {why}")
    violations["card"] = [f"a person holds {len(found)} cards (CardIssued at leaves "
                          f"{', '.join(map(str, found))})" for found in cards.values() if len(found) > 1]
    violations["vote"] = [f"a person has {len(ids)} ballots on item {item} (VoteCast at leaves "
                          f"{', '.join(map(str, ballot_leaves[(person, item)]))})"
                          for (person, item), ids in ballots.items() if len(ids) > 1]
    for rule, title in RULES.items():
        found = violations[rule]
        if found:
            more = f" (and {len(found) - SHOWN} more)" if len(found) > SHOWN else ""
            report.problem(f"accredited: {title}: {len(found)} violations: " + "; ".join(found[:SHOWN]) + more)
        else:
            report.ok(f"accredited: {title}: holds")


PROFILE_PATH = "/api/stats/workshop-attendance"


def check_attendance_profile(leaves: list[dict], opened: int, people: dict[tuple[int, str], str],
                             published: dict, report: Findings) -> None:
    """People present by the attendee's arrondissement and age band, as the site counts them
    (at each change of a mark, the attendee's card then), replayed with the openings and
    suppressed around the public attendance table, compared with the published profile."""
    title = f"attendance by arrondissement and age band ({PROFILE_PATH})"
    position = published.get("position")
    if not isinstance(position, int) or not isinstance(published.get("profile"), dict):
        report.problem(f"accredited: {title}: not published with its log position")
        return
    cards: dict[str, tuple[str, str]] = {}
    marks: dict[tuple[str, str], bool] = {}
    counts: dict[str, dict[str, int]] = {"arrondissement": {}, "age_band": {}}
    public: list[dict] = []
    for index, leaf in enumerate(leaves):
        if leaf.get("position", 0) > position:
            break
        public.append(leaf)
        kind, fields = leaf.get("type"), leaf.get("fields") or {}
        if kind not in ("CardIssued", "AttendanceRecorded"):
            continue
        person = people.get((index, "person"))
        if person is None:
            why = "acts after the openings (download them again)" if index >= opened else \
                "acts of erased people"
            report.ok(f"accredited: {title}: not compared, the figure counts {why}")
            return
        if kind == "CardIssued":
            cards[person] = (str(fields.get("arrondissement")), str(fields.get("age_band")))
            continue
        key = (str(leaf.get("aggregate_id")), person)
        delta = bool(fields.get("present")) - marks.get(key, False)
        marks[key] = bool(fields.get("present"))
        if delta:
            home, band = cards.get(person, ("inconnu", "inconnu"))
            for metric, value in (("arrondissement", home), ("age_band", band)):
                counts[metric][value] = counts[metric].get(value, 0) + delta
    expected = attendance_profile(counts, replay_workshop_attendance(public))
    differences = []
    for metric, rows in expected.items():
        shown = {row.get("key"): row.get("present") for row in published["profile"].get(metric, [])}
        for key in sorted(set(shown) | set(rows)):
            if key not in shown or shown[key] != rows.get(key, 0):
                differences.append(f"{metric} {key}: the log gives {rows.get(key, 0)},"
                                   f" the site publishes {shown.get(key, 'nothing')}")
    if differences:
        report.problem(f"accredited: {title} differs from the log: " + "; ".join(differences[:SHOWN]))
    else:
        report.ok(f"accredited: {title} matches the log replayed up to position {position}")


RULES = {
    "card": "one card per person",
    "vote": "one vote per person and item",
    "registration": "registration reserved to card holders",
    "attendance": "attendance only of registered people or walk-in card holders",
}


__all__ = ["SealedOpeningsError", "check_openings", "check_openings_file", "check_rules"]
