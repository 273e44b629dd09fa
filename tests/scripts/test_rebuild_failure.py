"""engage-rebuild when one group's process fails: the others are stopped and named, never
waited for (a group trailing the failed one would wait for it forever)."""

from __future__ import annotations

import threading
import time

from engage.scripts.rebuild import rebuild_in_parallel

PATIENCE = 60  # seconds; only a hang reaches it, nothing measures it


def fail_or_wait(ini: str, name: str, until: int, line: int, started) -> None:
    """A group's replay stand-in: "broken" fails at once, every other group waits, as a group
    trailing it does."""
    if name == "broken":
        raise SystemExit(3)
    time.sleep(3600)


def test_a_failed_group_stops_the_others_and_every_unfinished_group_is_named():
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.update(failed=rebuild_in_parallel(
        "unused.ini", ["broken", "trailing", "other"], 10, replay=fail_or_wait)), daemon=True)
    runner.start()
    runner.join(PATIENCE)
    assert not runner.is_alive(), "the rebuild waited for groups that could never finish"
    assert outcome["failed"] == ["broken", "trailing", "other"]
