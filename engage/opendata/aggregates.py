"""The aggregate tables engage publishes, each with its one suppression rule.

A page, a dataset, a statistics API answer and engage-audit's replay of the same figures
all go through these functions, so they blank the same cells (see suppression.py):

- card holders: arrondissement x age band, with the arrondissements' totals (the home page,
  /api/stats/card-holders), the age bands' totals and the grand total;
- workshop attendance: people present in all, broken down by the session's place, by the
  attendee's arrondissement and by age band (the statistics page, /api/stats/workshop-
  attendance); the other counters (sessions, registrations, ratings) on their own;
- questionnaire results: per question, the answers per option and their sum;
- vote counts: per item, the votes per channel and option, with the option totals (the contributions
  dataset's `agree` is the d'accord total, published by the primary rule: fixed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from engage.domain.common import AGE_BANDS, ARRONDISSEMENTS
from engage.opendata.suppression import SMALL_COUNT, Cell, Group, breakdowns, cross_table, published, suppress

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


def workshop_attendance(figures: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int | None]]:
    """figures: {metric: {key: value}} (the workshops' counters) -> the same, as published."""
    values: dict[tuple[str, str], int] = {
        (metric, key): int(value) for metric, counts in figures.items() for key, value in counts.items()
    }
    values.setdefault(PRESENT, 0)
    groups = [Group(PRESENT, tuple(cell for cell in values if cell[0] == name)) for name in ATTENDANCE_BREAKDOWNS]
    people = {cell: value for cell, value in values.items() if cell not in NOT_PEOPLE}
    shown = published(values, suppress(people, groups))
    result: dict[str, dict[str, int | None]] = {}
    for (metric, key), value in shown.items():
        result.setdefault(metric, {})[key] = value
    return result


def attendance_blanks(rows: list[dict[str, Any]]) -> set[tuple[tuple, str]]:
    figures: dict[str, dict[str, int]] = {}
    for row in rows:
        figures.setdefault(row["metric"], {})[row["key"]] = row["value"]
    shown = workshop_attendance(figures)
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

ONLINE = "en-ligne"  # the place of an online session in the attendance figures


def session_cells(sessions: list[Mapping[str, Any]],
                  figures: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int | None]]:
    """sessions: {session_id, arrondissement, cancelled, registered, waitlisted, present};
    figures: the workshops' counters -> {session_id: {count: value or None}} as published.

    A session's `present` is part of its place's published attendance (and of the total
    present); its `registered`, unless cancelled, of the published total of registrations;
    `waitlisted` is summed nowhere (primary rule alone). The attendance figures are
    published by their own table (workshop_attendance, which never reads the sessions):
    here they are taken as they are published (their blanks blank, the rest known) and the
    complements are chosen among the sessions, so that no blank of either table can be
    computed from both together."""
    table = workshop_attendance(figures)
    values: dict[Cell, int] = {}
    fixed, hidden = set(), set()
    for metric, counts in figures.items():
        for key, value in counts.items():
            cell = (metric, key)
            if cell in NOT_PEOPLE:
                continue
            values[cell] = int(value)
            (hidden if table[metric][key] is None else fixed).add(cell)
    values.setdefault(PRESENT, 0)
    values.setdefault(REGISTRATIONS, 0)
    if table.get("total", {}).get("present", 0) is None:
        hidden.add(PRESENT)
    if table.get("total", {}).get("registrations", 0) is None:
        hidden.add(REGISTRATIONS)
    fixed -= hidden
    fixed |= {cell for cell in (PRESENT, REGISTRATIONS) if cell not in hidden}
    groups = [Group(PRESENT, tuple(cell for cell in values if cell[0] == name)) for name in ATTENDANCE_BREAKDOWNS]
    by_place: dict[Cell, list[Cell]] = {}
    registrations = []
    for s in sessions:
        sid = s["session_id"]
        for count in ("registered", "waitlisted", "present"):
            values[(count, sid)] = int(s[count] or 0)
        place = ("place", str(s["arrondissement"]) if s["arrondissement"] is not None else ONLINE)
        values.setdefault(place, 0)
        by_place.setdefault(place, []).append(("present", sid))
        if not s["cancelled"]:
            registrations.append(("registered", sid))
    groups += [Group(place, tuple(members)) for place, members in by_place.items()]
    groups.append(Group(REGISTRATIONS, tuple(registrations)))
    blank = suppress(values, groups, fixed=fixed, hidden=hidden)
    return {s["session_id"]: {count: (None if (count, s["session_id"]) in blank else int(s[count] or 0))
                              for count in ("registered", "waitlisted", "present")} for s in sessions}


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
