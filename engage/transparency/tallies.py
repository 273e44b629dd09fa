"""The public figures engage-audit rebuilds from the log and compares with the site's.

One `Tally` per published figure, registered in `TALLIES` by name. Each publishes a JSON
document at `path` whose "position" says which log position it reflects; the auditor
replays the public entries up to that position through `replay`, and `compare` lists
the differences with the published document (an empty list: they agree).

Every replay reads public leaves alone (format 2: only the fields the events declare public;
a person appears as {"commitment": hex}, different for every act): what needs linkage
(one card per person, attendance by the attendee's arrondissement) is the accredited
level's (`engage.transparency.accredited`).

To add a figure: publish it at /api/stats/<name> with its "position" (paged: a `next`
link, the auditor follows it), write its replay over public entries (dicts: format,
position, type, aggregate_id and version for public objects, timestamp, fields) and its
comparison, and add it to TALLIES.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from engage.opendata.aggregates import card_holders, public_attendance, vote_table

PublicEntry = dict[str, Any]


@dataclass(frozen=True)
class Tally:
    path: str
    replay: Callable[[Iterable[PublicEntry]], Any]
    compare: Callable[[Any, dict], list[str]]


def replay_card_holders(entries: Iterable[PublicEntry]) -> Counter:
    """(arrondissement, age band) -> cards issued: the whole table, since which cells the
    site blanks (small counts and their complements) depends on all of it."""
    holders: Counter = Counter()
    for entry in entries:
        if entry["type"] == "CardIssued":
            holders[(entry["fields"]["arrondissement"], entry["fields"]["age_band"])] += 1
    return holders


def compare_card_holders(holders: Counter, published: dict) -> list[str]:
    differences = []
    table = card_holders(holders)
    rows = {row["arrondissement"]: row["holders"] for row in published.get("arrondissements", [])}
    for arrondissement in sorted(set(rows) | set(table.arrondissements)):
        expected = table.arrondissements.get(arrondissement, 0)
        shown = rows.get(arrondissement, "missing")
        if shown != expected:
            differences.append(
                f"arrondissement {arrondissement}: the log gives {_shown(expected)},"
                f" the site publishes {_shown(shown)}"
            )
    if published.get("total") != table.total:
        differences.append(
            f"total: the log gives {_shown(table.total)}, the site publishes {_shown(published.get('total'))}"
        )
    return differences


def _shown(value: Any) -> str:
    return "blank (suppressed)" if value is None else str(value)


def replay_workshop_attendance(entries: Iterable[PublicEntry]) -> list[dict]:
    """The sessions held, as the site's public attendance table takes them: each session's
    place (SessionScheduled) and its people present, the latest mark of each attendee (an
    attendee is their "person" commitment, the same for every mark of theirs in that
    session and different everywhere else). Nothing links an attendee to a card: the
    breakdown by arrondissement and age band is checked at the accredited level."""
    places: dict[str, int | None] = {}
    marks: dict[str, dict[str, bool]] = {}
    for entry in entries:
        fields = entry["fields"]
        if entry["type"] == "SessionScheduled":
            places[entry["aggregate_id"]] = fields.get("arrondissement")
        elif entry["type"] == "AttendanceRecorded":
            marks.setdefault(entry["aggregate_id"], {})[_commitment(fields.get("person"))] = bool(fields["present"])
    return [{"session_id": session, "arrondissement": places.get(session),
             "present": sum(by_person.values())} for session, by_person in sorted(marks.items())]


def _commitment(value: Any) -> str | None:
    return value.get("commitment") if isinstance(value, dict) else None


def compare_workshop_attendance(sessions: list[dict], published: dict) -> list[str]:
    """The site blanks small counts and their complements over sessions, places and the
    total together (`public_attendance`): so does the replay."""
    table = public_attendance(sessions)
    differences = []
    pairs = (("place", {r.get("place"): r.get("present") for r in published.get("places", [])}, table.places),
             ("session", {r.get("session_id"): r.get("present") for r in published.get("sessions", [])},
              table.sessions))
    for kind, shown, expected in pairs:
        for key in sorted(set(shown) | set(expected), key=str):
            if key not in shown or shown[key] != expected.get(key, 0):
                differences.append(f"{kind} {key}: the log gives {_shown(expected.get(key, 0))},"
                                   f" the site publishes {_shown(shown.get(key, 'nothing'))}")
    for name, expected in (("total_present", table.total), ("sessions_held", len(sessions))):
        if published.get(name) != expected:
            differences.append(
                f"{name}: the log gives {_shown(expected)}, the site publishes {_shown(published.get(name))}"
            )
    return differences


TALLIES: dict[str, Tally] = {
    "card holders per arrondissement": Tally(
        "/api/stats/card-holders", replay_card_holders, compare_card_holders
    ),
    "workshop attendance": Tally(
        "/api/stats/workshop-attendance", replay_workshop_attendance, compare_workshop_attendance
    ),
}


# -- consultations ---------------------------------------------------------------------------


def replay_votes_per_item(entries: Iterable[PublicEntry]) -> Counter:
    """(item, channel, option) -> votes: online ballots by their keyed vote id (each holds one
    current option), plus the latest show-of-hands count per (meeting, item)."""
    ballots: dict[str, tuple[str, str | None]] = {}
    hands: dict[tuple[str, str], dict] = {}
    for entry in entries:
        kind, fields = entry["type"], entry["fields"]
        if kind == "VoteCast":
            ballots[entry["aggregate_id"]] = (fields["item_id"], fields["option"])
        elif kind == "VoteChanged" and entry["aggregate_id"] in ballots:
            ballots[entry["aggregate_id"]] = (ballots[entry["aggregate_id"]][0], fields["option"])
        elif kind == "VoteWithdrawn" and entry["aggregate_id"] in ballots:
            ballots[entry["aggregate_id"]] = (ballots[entry["aggregate_id"]][0], None)
        elif kind == "ShowOfHandsRecorded":
            hands[(entry["aggregate_id"], fields["item_id"])] = fields["counts"]
    counts: Counter = Counter()
    for item, option in ballots.values():
        if option is not None:
            counts[(item, "en ligne", option)] += 1
    for (_meeting, item), by_option in hands.items():
        for option, value in by_option.items():
            counts[(item, "en présentiel", option)] += value
    return +counts  # zeros dropped, as the site drops them


def compare_votes_per_item(counts: Counter, published: dict) -> list[str]:
    """The site blanks small counts and their complements item by item: so does the replay."""
    by_item: dict[str, dict] = {}
    for (item, channel, option), value in counts.items():
        by_item.setdefault(item, {})[(channel, option)] = value
    expected = {(item, *key): value for item, cells in by_item.items()
                for key, value in vote_table(cells).items()}
    shown = {(r["item_id"], r["channel"], r["option"]): r["value"] for r in published.get("counts", [])}
    return [
        f"item {key[0]} ({key[1]}, {key[2]}): the log gives {_shown(expected.get(key, 0))},"
        f" the site publishes {_shown(shown.get(key, 'nothing'))}"
        for key in sorted(set(shown) | set(expected))
        if shown.get(key, "nothing") != expected.get(key, 0) or key not in shown
    ]


def replay_contributions_per_consultation(entries: Iterable[PublicEntry]) -> Counter:
    counts: Counter = Counter()
    for entry in entries:
        if entry["type"] == "ContributionPosted":
            counts[(entry["fields"]["consultation_id"], entry["fields"]["channel"])] += 1
    return counts


def compare_contributions_per_consultation(counts: Counter, published: dict) -> list[str]:
    shown = {(r["consultation_id"], r["channel"]): r["contributions"] for r in published.get("counts", [])}
    return [
        f"consultation {key[0]} ({key[1]}): the log gives {counts.get(key, 0)},"
        f" the site publishes {shown.get(key, 'nothing')}"
        for key in sorted(set(shown) | set(counts))
        if shown.get(key) != counts.get(key, 0) or key not in shown
    ]


TALLIES["votes per item"] = Tally("/api/stats/votes-per-item", replay_votes_per_item, compare_votes_per_item)
TALLIES["contributions per consultation"] = Tally(
    "/api/stats/contributions-per-consultation",
    replay_contributions_per_consultation,
    compare_contributions_per_consultation,
)
