"""The change feed's query (the opendata_changes read model): what changed after a log position, in whole positions."""

from __future__ import annotations

from engage.opendata.query import utc_z
from engage.projections.opendata.projection import CHANGES


def read_changes(db, since: int, limit: int, dataset: str | None = None) -> dict:
    """Changes after `since`, whole positions only, and the position to ask from next."""
    condition, params = "position > %s", [since]
    if dataset:
        condition += " AND dataset = %s"
        params.append(dataset)
    columns = "position, dataset, record_key, operation, occurred_at"
    with db.reading() as cur:
        reached = cur.scalar("SELECT position FROM projection_tracking WHERE projection = %s", [CHANGES], 0)
        rows = cur.execute(
            f"SELECT {columns} FROM rm_opendata_changes WHERE {condition} AND position <= %s"
            f" ORDER BY position, seq LIMIT {limit + 1}",
            [*params, reached],
        ).fetchall()
        if len(rows) > limit:
            last = rows[limit - 1][0]
            if rows[limit][0] == last:
                # Never cut a position in two: drop it, or (if it fills the page) take it whole.
                kept = [row for row in rows if row[0] != last]
                if kept:
                    rows = kept
                else:
                    rows = cur.execute(
                        f"SELECT {columns} FROM rm_opendata_changes WHERE position = %s ORDER BY seq",
                        [last],
                    ).fetchall()
            else:
                rows = rows[:limit]
            next_position = rows[-1][0]
        else:
            next_position = max(reached, since)
    return {
        "since": since,
        "next": next_position,
        "position": reached,
        "changes": [
            {"position": position, "dataset": name, "key": key, "operation": operation,
             "occurred_at": utc_z(occurred_at)}
            for position, name, key, operation, occurred_at in rows
        ],
    }
