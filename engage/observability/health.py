"""Readiness: can this web node answer residents correctly right now?

Liveness (/healthz) only says the process answers; readiness (/readyz) checks what a
correct answer needs, each check with a reason an operator can act on:

- database: the event store answers a query;
- projections: the read models are at most `max_projection_lag` events behind the log
  (a page would otherwise wait for its read-your-writes until it times out);
- replica (only with engage.database_url_read): how far the hot standby is behind, in bytes
  of WAL; never fails readiness, since the primary serves the reads the replica cannot;
- transparency: the signing key is loaded, and when the tree has grown, the latest signed
  checkpoint is younger than `max_checkpoint_age` seconds (the signer runs where the
  projections run: an old checkpoint means that process is stuck or down).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Mapping

DEFAULT_MAX_PROJECTION_LAG = 10_000
DEFAULT_MAX_CHECKPOINT_AGE = 600.0


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Limits:
    max_projection_lag: int = DEFAULT_MAX_PROJECTION_LAG
    max_checkpoint_age: float = DEFAULT_MAX_CHECKPOINT_AGE

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> "Limits":
        return cls(
            int(settings.get("engage.readyz.max_projection_lag", DEFAULT_MAX_PROJECTION_LAG)),
            float(settings.get("engage.readyz.max_checkpoint_age", DEFAULT_MAX_CHECKPOINT_AGE)),
        )


@dataclass(frozen=True)
class Status:
    """What the log and the read models have reached, read in one transaction."""

    head: int
    positions: dict[str, int]
    tree_size: int
    checkpoint_size: int | None
    checkpoint_age: float | None  # seconds since the latest checkpoint was signed

    @property
    def lag(self) -> dict[str, int]:
        return {name: max(0, self.head - position) for name, position in self.positions.items()}


def status(engage: Any, now: datetime.datetime | None = None) -> Status:
    from engage.projections.transparency.projection import SqlTree, latest_checkpoint

    now = now or datetime.datetime.now(datetime.timezone.utc)
    head = engage.engine.head()
    with engage.db.reading(primary=True) as cur:
        positions = dict(cur.execute("SELECT projection, position FROM projection_tracking").fetchall())
        size = SqlTree(cur).size()
        latest = latest_checkpoint(cur)
    age = None
    if latest is not None:
        signed_at = datetime.datetime.fromisoformat(latest.signed_at.replace("Z", "+00:00"))
        age = max(0.0, (now - signed_at).total_seconds())
    names = set(engage.engine.projections)
    return Status(head, {n: p for n, p in positions.items() if n in names}, size,
                  latest.size if latest else None, age)


def readiness(engage: Any, limits: Limits, now: datetime.datetime | None = None) -> list[Check]:
    try:
        with engage.db.reading(primary=True) as cur:
            cur.scalar("SELECT 1")
        current = status(engage, now)
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", with its reason
        return [Check("database", False, f"{type(error).__name__}: {error}")]
    checks = [Check("database", True, "answers")]
    worst = max(current.lag.items(), key=lambda item: item[1], default=("", 0))
    checks.append(Check(
        "projections", worst[1] <= limits.max_projection_lag,
        f"{worst[1]} events behind ({worst[0]})" if worst[1] else "up to date",
    ))
    replica = getattr(engage.db, "replica", None)
    if replica is not None:
        checks.append(replica_check(engage.db))
    signer = getattr(engage, "checkpoints", None)
    if signer is None:
        checks.append(Check("transparency", False, "no signing key loaded"))
    elif current.tree_size > (current.checkpoint_size or 0) and (
            current.checkpoint_age is None or current.checkpoint_age > limits.max_checkpoint_age):
        age = "never signed" if current.checkpoint_age is None else f"signed {current.checkpoint_age:.0f} s ago"
        checks.append(Check("transparency", False,
                            f"{current.tree_size - (current.checkpoint_size or 0)} leaves unsigned, {age}"))
    else:
        checks.append(Check("transparency", True, f"checkpoint of {current.checkpoint_size or 0} leaves"))
    return checks


def replica_check(db: Any) -> Check:
    """The read replica's lag; ok either way (the primary answers when it lags or is down)."""
    try:
        behind = db.replica.lag(db.wal_position())
    except Exception as error:  # noqa: BLE001 - a replica down is reported, not fatal
        return Check("replica", True, f"unavailable, reads go to the primary ({type(error).__name__}: {error})")
    return Check("replica", True, f"{behind} bytes behind the primary" if behind else "up to date")
