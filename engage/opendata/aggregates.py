"""The aggregate tables engage publishes, each with its one suppression rule.

A page, a dataset, a statistics API answer and engage-audit's replay of the same figures
all go through these functions, so they blank the same cells (see suppression.py):

- card holders: arrondissement x age band, with the arrondissements' totals (the home page,
  /api/stats/card-holders), the age bands' totals and the grand total;
- workshop attendance: people present per session, per place and in all (the public table,
  /api/stats/workshop-attendance, recomputable from the public log alone), and around it the
  same total by the attendee's arrondissement and age band (the statistics page, the
  workshop-attendance dataset: needs linkage, checked at the accredited level); the other
  counters (sessions, registrations, ratings) on their own;
- questionnaire results: per question, the answers per option and their sum;
- vote counts: per item, the votes per channel and option, with the option totals (the contributions
  dataset's `agree` is the d'accord total, published by the primary rule: fixed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping
from uuid import UUID

from engage.domain.common import AGE_BANDS, ARRONDISSEMENTS
from engage.opendata.suppression import (
    SMALL_COUNT,
    Cell,
    Group,
    breakdowns,
    cross_table,
    published,
    suppress,
    suppress_small,
)

# -- card holders -------------------------------------------------------------------------

@dataclass(frozen=True)
class CardHolders:
    cells: dict[tuple[int, str], int | None]  # (arrondissement, age band) -> holders or None
    arrondissements: dict[int, int | None]
    total: int | None


def card_holders(counts: Mapping[tuple[int, str], int]) -> CardHolders:
    """counts: (arrondissement, age band) -> holders (missing groups count 0)."""
    values, groups = cross_table(counts, list(ARRONDISSEMENTS), list(AGE_BANDS))
    shown = published(values, suppress(values, groups))
    return CardHolders(
        cells={(a, b): shown[("cell", a, b)] for a in ARRONDISSEMENTS for b in AGE_BANDS},
        arrondissements={a: shown[("row", a)] for a in ARRONDISSEMENTS},
        total=shown[("total",)],
    )


def card_holder_counts(cur) -> dict[tuple[int, str], int]:
    rows = cur.execute("SELECT arrondissement, age_band, holders FROM rm_opendata_card_holders").fetchall()
    return {(int(a), b): int(n) for a, b, n in rows}


def card_holders_as_of(db) -> tuple[int, CardHolders]:
    """(log position, the published table at that position), in one snapshot."""
    with db.reading() as cur:
        if cur.backend == "postgresql":
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        position = cur.scalar("SELECT position FROM projection_tracking WHERE projection = %s",
                              ["opendata_card_holders"], 0)
        counts = card_holder_counts(cur)
    return position, card_holders(counts)


def card_holder_blanks(rows: list[dict[str, Any]]) -> set[tuple[tuple, str]]:
    table = card_holders({(r["arrondissement"], r["age_band"]): r["holders"] for r in rows})
    return {((a, b), "holders") for (a, b), shown in table.cells.items() if shown is None}


# -- workshop attendance ---------------------------------------------------------------------

ATTENDANCE_BREAKDOWNS = ("place", "arrondissement", "age_band")
PRESENT = ("total", "present")
REGISTRATIONS = ("total", "registrations")
#: Counts of sessions, not of people: published as they are.
NOT_PEOPLE = {("total", "sessions_scheduled"), ("total", "sessions_held")}
ONLINE = "en-ligne"  # the place of an online session in the attendance figures


def place_of(arrondissement: int | None) -> str:
    return ONLINE if arrondissement is None else str(arrondissement)


@dataclass(frozen=True)
class Attendance:
    """The public attendance table: people present per session, per place, in all."""

    total: int | None
    places: dict[str, int | None]
    sessions: dict[str, int | None]  # session id -> present


def public_attendance(sessions: list[Mapping[str, Any]]) -> Attendance:
    """sessions: {session_id, arrondissement (None: online), present}, the sessions held ->
    the attendance published by session, by place and in all (the total is the sum of the
    places, a place the sum of its sessions).

    Everything here is in the public log (a session's place in SessionScheduled, each
    attendee's latest mark by its attendance commitment): engage-audit recomputes this table,
    blanks included, from public leaves alone. The attendees' arrondissement and age band are
    NOT in it (their link to a card is not public): that breakdown is `attendance_profile`,
    suppressed around this table without changing it."""
    values, groups = _attendance_equations(sessions)
    shown = published(values, suppress(values, groups))
    return Attendance(total=shown[PRESENT],
                      places={cell[1]: value for cell, value in shown.items() if cell[0] == "place"},
                      sessions={s["session_id"]: shown[("present", _canonical(s["session_id"]))] for s in sessions})


def _canonical(session_id: str) -> str:
    """One spelling of a session id in the cells (the public log's): the tie-breaks between
    equal counts follow the cells' names, so the site and the replay must name them alike."""
    try:
        return str(UUID(str(session_id)))
    except ValueError:
        return str(session_id)  # not a UUID (a test's name): as it is


def _attendance_equations(sessions: list[Mapping[str, Any]]) -> tuple[dict[Cell, int], list[Group]]:
    values: dict[Cell, int] = {PRESENT: 0}
    by_place: dict[Cell, list[Cell]] = {}
    for s in sessions:
        cell, place = ("present", _canonical(s["session_id"])), ("place", place_of(s["arrondissement"]))
        values[cell] = int(s["present"] or 0)
        values[place] = values.get(place, 0) + values[cell]
        values[PRESENT] += values[cell]
        by_place.setdefault(place, []).append(cell)
    groups = [Group(PRESENT, tuple(by_place)), *(Group(place, tuple(cells)) for place, cells in by_place.items())]
    return values, groups


def _attendance_system(table: Attendance, sessions: list[Mapping[str, Any]]):
    """The public table's cells, equations, published and blank cells: what another table
    sharing its totals is suppressed around (fixed: published; hidden: blank)."""
    values, groups = _attendance_equations(sessions)
    shown = {PRESENT: table.total, **{("place", k): v for k, v in table.places.items()},
             **{("present", _canonical(k)): v for k, v in table.sessions.items()}}
    hidden = {cell for cell, value in shown.items() if value is None}
    return values, groups, set(shown) - hidden, hidden


def attendance_profile(figures: Mapping[str, Mapping[str, int]], sessions: list[Mapping[str, Any]],
                       table: Attendance | None = None) -> dict[str, dict[str, int | None]]:
    """The people present by the attendee's arrondissement and age band (the statistics
    page, the workshop-attendance dataset): their totals are the public table's total, so
    they are suppressed with its equations and blanks, which they never change."""
    table = table or public_attendance(sessions)
    values, groups, fixed, hidden = _attendance_system(table, sessions)
    for metric in ("arrondissement", "age_band"):
        counts = figures.get(metric, {})
        values.update({(metric, key): int(value) for key, value in counts.items()})
        groups.append(Group(PRESENT, tuple((metric, key) for key in counts)))
    blank = suppress(values, groups, fixed=fixed, hidden=hidden)
    return {metric: {key: (None if (metric, key) in blank else int(value)) for key, value in
                     figures.get(metric, {}).items()} for metric in ("arrondissement", "age_band")}


def workshop_attendance(figures: Mapping[str, Mapping[str, int]],
                        sessions: list[Mapping[str, Any]]) -> dict[str, dict[str, int | None]]:
    """figures: {metric: {key: value}} (the workshops' counters), sessions: the sessions held
    (see public_attendance) -> the counters as published: present in all and by place from
    the public table, by arrondissement and age band around it, the other counts of people
    (registrations, marked...) by the primary rule alone, counts of sessions as they are."""
    table = public_attendance(sessions)
    result: dict[str, dict[str, int | None]] = {}
    for metric, counts in figures.items():
        for key, value in counts.items():
            cell = (metric, key)
            result.setdefault(metric, {})[key] = int(value) if cell in NOT_PEOPLE else suppress_small(int(value))
    result.setdefault("total", {})["present"] = table.total
    result["place"] = dict(table.places)
    result.update(attendance_profile(figures, sessions, table))
    return result


def attendance_blanks(rows: list[dict[str, Any]], sessions: list[Mapping[str, Any]]) -> set[tuple[tuple, str]]:
    figures: dict[str, dict[str, int]] = {}
    for row in rows:
        figures.setdefault(row["metric"], {})[row["key"]] = row["value"]
    shown = workshop_attendance(figures, sessions)
    return {((metric, key), "value") for metric, counts in shown.items() for key, value in counts.items()
            if value is None and key in figures.get(metric, {})}


# -- questionnaire results ------------------------------------------------------------------

def option_counts(counts: Mapping[str, int]) -> dict[str, int | None]:
    """One question's answers per option, with their sum (for a single-choice question, the
    number of people who answered it: published elsewhere, so fixed)."""
    values: dict[Any, int] = {("option", option): int(n) for option, n in counts.items()}
    values[("total",)] = sum(counts.values())
    hidden = suppress(values, [Group(("total",), tuple(c for c in values if c != ("total",)))],
                      fixed={("total",)})
    return {option: (None if ("option", option) in hidden else int(n)) for option, n in counts.items()}


def questionnaire_blanks(rows: list[dict[str, Any]]) -> set[tuple[tuple, str]]:
    shown = option_counts({r["option"]: r["answers"] for r in rows})
    return {((r["questionnaire_id"], r["question_key"], r["option"]), "answers")
            for r in rows if shown[r["option"]] is None}


# -- vote counts --------------------------------------------------------------------------------

def votes(counts: Mapping[tuple[str, str], int]) -> tuple[dict[tuple[str, str], int | None],
                                                          dict[str, int | None]]:
    """One item's votes as published: ((channel, option) -> votes, option -> total over the
    channels). The item's page shows both; no total per channel is published."""
    values: dict[Any, int] = {("cell", *key): int(n) for key, n in counts.items()}
    groups = []
    for option in sorted({option for _, option in counts}):
        members = tuple(cell for cell in values if cell[0] == "cell" and cell[2] == option)
        values[("option", option)] = sum(values[m] for m in members)
        groups.append(Group(("option", option), members))
    shown = published(values, suppress(values, groups))
    return ({key: shown[("cell", *key)] for key in counts},
            {cell[1]: value for cell, value in shown.items() if cell[0] == "option"})


AGREE = "d-accord"


def agree_cell(counts: Mapping[tuple[str, str], int]) -> int | None:
    """An item's d'accord total as published (by the same rule as its vote table)."""
    return votes(counts)[1].get(AGREE, 0)


def published_agree(cur, agree: Mapping[str, int]) -> dict[str, int | None]:
    """{item: its d'accord total} -> the same, as published, from the item's vote table:
    0 and 1 to 4 need no lookup (0 is published, 1 to 4 never are); the others read the
    items' vote counts (one indexed query for them all)."""
    shown: dict[str, int | None] = {}
    wanted = []
    for item, total in agree.items():
        if total is None or total <= 0:
            shown[item] = total
        elif total < SMALL_COUNT:
            shown[item] = None
        else:
            wanted.append(item)
    if wanted:
        counts: dict[str, dict[tuple[str, str], int]] = {item: {} for item in wanted}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for item, channel, option, n in cur.execute(
                    "SELECT item_id, channel, option, votes FROM rm_vote_counts"
                    f" WHERE item_id IN ({', '.join(['%s'] * len(chunk))})", chunk).fetchall():
                counts[item][(channel, option)] = int(n)
        for item in wanted:
            shown[item] = agree_cell(counts[item])
    return shown


def agree_blanks(rows: list[dict[str, Any]], shown: Mapping[str, int | None]) -> set[tuple[tuple, str]]:
    """The contributions dataset's blank `agree` cells (`shown`: published_agree of the rows)."""
    return {((r["contribution_id"],), "agree") for r in rows if shown.get(r["contribution_id"], r["agree"]) is None}


def vote_table(counts: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], int | None]:
    return votes(counts)[0]


def vote_page(counts: Mapping[str, Mapping[str, int]], hidden: Any = None) -> dict[str, dict[str, Any]]:
    """The item page's {channel: {option: votes}, "total": {...}} as published (`hidden` in
    place of a blank)."""
    cells, totals = votes({(channel, option): n for channel, by_option in counts.items() if channel != "total"
                           for option, n in by_option.items()})
    page: dict[str, dict[str, Any]] = {"total": {o: (hidden if v is None else v) for o, v in totals.items()}}
    for (channel, option), value in cells.items():
        page.setdefault(channel, {})[option] = hidden if value is None else value
    return page


def vote_blanks(rows: list[dict[str, Any]]) -> set[tuple[tuple, str]]:
    shown = vote_table({(r["channel"], r["option"]): r["value"] for r in rows})
    return {((r["item_id"], r["channel"], r["option"]), "value") for r in rows
            if shown[(r["channel"], r["option"])] is None}


# -- workshop sessions ----------------------------------------------------------------------------

def session_cells(sessions: list[Mapping[str, Any]],
                  figures: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int | None]]:
    """sessions: {session_id, arrondissement, cancelled, registered, waitlisted, present};
    figures: the workshops' counters -> {session_id: {count: value or None}} as published.

    A session's `present` is the public attendance table's (`public_attendance`: the
    sessions of a place add up to its published attendance). Its `registered`, unless
    cancelled, is part of the published total of registrations (itself published by the
    primary rule: taken as it is, blank or known); `waitlisted` is summed nowhere (primary
    rule alone). No equation joins registrations and attendance, so each is suppressed on
    its own: the attendance never depends on what the public log does not show."""
    present = public_attendance(sessions).sessions  # a session not held counts 0: no blank
    values: dict[Cell, int] = {}
    registrations = []
    for s in sessions:
        sid = s["session_id"]
        for count in ("registered", "waitlisted"):
            values[(count, sid)] = int(s[count] or 0)
        if not s["cancelled"]:
            registrations.append(("registered", sid))
    total = int(figures.get("total", {}).get("registrations", 0))
    values[REGISTRATIONS] = total
    shown_total = suppress_small(total)
    blank = suppress(values, [Group(REGISTRATIONS, tuple(registrations))],
                     fixed=() if shown_total is None else {REGISTRATIONS},
                     hidden={REGISTRATIONS} if shown_total is None else ())
    return {s["session_id"]: {"registered": None if ("registered", s["session_id"]) in blank else values[
                                  ("registered", s["session_id"])],
                              "waitlisted": None if ("waitlisted", s["session_id"]) in blank else values[
                                  ("waitlisted", s["session_id"])],
                              "present": present.get(s["session_id"], int(s["present"] or 0))}
            for s in sessions}


def session_figures(cur) -> dict[str, dict[str, int]]:
    figures: dict[str, dict[str, int]] = {}
    for metric, key, value in cur.execute("SELECT metric, key, value FROM rm_workshop_stats").fetchall():
        figures.setdefault(metric, {})[key] = int(value)
    return figures


def session_blanks(rows: list[dict[str, Any]], figures: Mapping[str, Mapping[str, int]]) -> set[tuple[tuple, str]]:
    shown = session_cells(rows, figures)
    return {((sid,), count) for sid, counts in shown.items() for count, value in counts.items() if value is None}


# -- one total broken down several ways (the inclusion page) ------------------------------------

def broken_down(total: int, parts: Mapping[str, Mapping[str, int]]) -> tuple[dict[str, dict[str, int | None]],
                                                                                int | None]:
    """One population's total and its breakdowns ({way: {key: people}}), as published. The
    people of the total in none of a way's cells (none in practice: each way has its
    "unknown") are that way's hidden remainder: never published, protected like a blank."""
    values, groups = breakdowns(total, parts)
    rest = set()
    for index, (name, counts) in enumerate(parts.items()):
        missing = int(total) - sum(counts.values())
        if missing < 0:
            raise ValueError(f"{name}: the cells hold more people than the total")
        if missing:
            values[("rest", name)] = missing
            rest.add(("rest", name))
            groups[index] = Group(groups[index].total, (*groups[index].members, ("rest", name)))
    shown = published(values, suppress(values, groups, hidden=rest))
    return ({name: {key: shown[(name, key)] for key in counts} for name, counts in parts.items()},
            shown[("total",)])
