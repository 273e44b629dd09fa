"""A run of vote events as plain values, for the set-wise vote paths of the consultations and
restitution projections (both in the consultations group's process)."""

from __future__ import annotations

import threading
from operator import itemgetter
from typing import Any

from engage.domain.consultations.model import Vote

#: (vote id hex, item id hex or None, option or None, first vote): see `ballots_of`.
Ballot = tuple[str, str | None, str | None, bool]

#: Sorts rows by their first column (a key): strings compare in C, tuples would not.
by_key = itemgetter(0)

_last = threading.local()


def ballots_of(run: list[tuple[Any, int]]) -> list[Ballot]:
    """Per vote event of a run (its events are exactly VoteCast, VoteChanged and VoteWithdrawn,
    `base.runs`), in log order: the vote id; the item, a first vote's only (VoteCast: the
    ballot's one event that creates its row); the option it now holds (None once withdrawn);
    whether it is that first vote. Ids as hex once each: UUID.hex formats its integer at every
    call, and the run's loops read each id several times.

    The consultations and restitution projections get the same run of votes of a batch (the
    same event objects): the second one reuses the first one's list (do not change it)."""
    first, last = run[0][0], run[-1][0]
    memo = getattr(_last, "memo", None)
    if memo is not None and memo[0] is first and memo[1] is last and memo[2] == len(run):
        return memo[3]
    cast, withdrawn = Vote.VoteCast, Vote.VoteWithdrawn
    ballots: list[Ballot] = []
    for e, _ in run:
        kind = type(e)
        if kind is cast:
            ballots.append((e.originator_id.hex, e.item_id.hex, e.option, True))
        else:
            ballots.append((e.originator_id.hex, None, None if kind is withdrawn else e.option, False))
    # The events are held with the list, so `is` above never matches a new object at an old address.
    _last.memo = (first, last, len(run), ballots)
    return ballots


def stored_ballots(ballots: list[Ballot]) -> list[str]:
    """The vote ids whose row may already be stored: not a first vote's (a ballot's VoteCast is its
    one event that creates its row, the event store holding exactly one per ballot), so a run of
    first votes reads nothing back."""
    return list({vote for vote, _, _, cast in ballots if not cast})
