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

from ..domain.places import AGE_BANDS, ARRONDISSEMENTS
from .suppression import Group, cross_table, published, suppress


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
    shown = published(values, suppress(values, groups, fixed={("option", "d-accord")}))
    return ({key: shown[("cell", *key)] for key in counts},
            {cell[1]: value for cell, value in shown.items() if cell[0] == "option"})


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
