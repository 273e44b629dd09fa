"""What a command hands back to the interface: where its events landed in the log."""

from typing import Any


def last_position(recordings: list[Any]) -> int:
    """Notification id of the last event written: the position a page waits for."""
    return max(r.notification.id for r in recordings)
