"""Key files (the log's signing key, the vault's KEK): written once, readable by their owner only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_new_secret(path: Path, text: str, *, prefix: str) -> None:
    """Write `text` to a new file at `path` (mode 0600); never overwrite one (FileExistsError).

    Written aside then linked into place: a rival process (the web and the projection worker
    both start in development) never reads a half-written key, and the loser of the race
    keeps the winner's key.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix)
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
        os.link(temporary, path)  # fails if the file exists: never replaced
    finally:
        os.unlink(temporary)
