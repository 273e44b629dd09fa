"""Downloads served from files, so a slow client never holds a database connection.

Streaming a CSV straight from the database held one pooled connection (and one snapshot)
for as long as the client took to read it: a few slow clients could take every connection
of the pool and with it the site. Instead:

- an export (a dataset's CSV, a package's zip) is written once per version of its rows
  into a file of the export directory (``engage.opendata.export_dir``; by default
  ``var/opendata-exports``, or beside the SQLite file), from one snapshot, a page of rows
  at a time (constant memory). The connection is held only while the file is written, at
  the speed of the local disk, never while a client reads;
- the file is written under a temporary name and renamed (atomic): a reader never sees a
  half-written file;
- at most ``engage.opendata.export_builders`` exports are written at once (default 2):
  downloads never take more connections than that, however many clients; a request that
  waits longer than ``engage.opendata.export_wait`` seconds for its turn gets a 503 with
  Retry-After;
- the file is named after the database's instance, the dataset, the variant and the
  version token of the rows (the change feed's position, as in the ETag), so a new event
  makes a new file; the older files of the same export are deleted when it is written,
  and the directory is kept under ``engage.opendata.export_max_bytes`` (least recently
  used first);
- served with ETag, Last-Modified, 304 and byte ranges (a client resumes a download).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, BinaryIO, Callable, Mapping

from webob.static import FileIter as _FileIter

from engage.db import Database

DEFAULT_BUILDERS = 2
DEFAULT_WAIT = 20.0
DEFAULT_MAX_BYTES = 2 * 1024 ** 3
PART = ".part"


class FileIter(_FileIter):
    """webob's file iterator (byte ranges), closed by the server when the response ends."""

    def close(self) -> None:
        self.file.close()


class ExportsBusy(Exception):
    """Every export builder is busy: try again in a moment (503, Retry-After)."""

    retry_after = 5


def instance_id(db: Database) -> str:
    """An id drawn when the read models were created: a file never outlives its database."""
    with db.reading() as cur:
        return cur.scalar("SELECT instance_id FROM rm_opendata_instance", default="none")


class ExportCache:
    def __init__(self, directory: str | os.PathLike, *, builders: int = DEFAULT_BUILDERS,
                 wait: float = DEFAULT_WAIT, max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.wait = wait
        self.max_bytes = max_bytes
        self._builders = threading.BoundedSemaphore(builders)
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self.built = 0  # files written by this process (tests, measurements)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], db: Database) -> "ExportCache":
        directory = settings.get("engage.opendata.export_dir")
        if not directory:
            directory = (Path(db.url.path).parent / "opendata-exports") if db.backend == "sqlite" \
                else Path("var") / "opendata-exports"
        return cls(
            directory,
            builders=int(settings.get("engage.opendata.export_builders", DEFAULT_BUILDERS)),
            wait=float(settings.get("engage.opendata.export_wait", DEFAULT_WAIT)),
            max_bytes=int(settings.get("engage.opendata.export_max_bytes", DEFAULT_MAX_BYTES)),
        )

    def path(self, family: str, key: str, suffix: str) -> Path:
        """family: what the file is (instance, dataset, variant); key: which version of it."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        return self.directory / f"{family}.{digest}{suffix}"

    def _lock(self, family: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(family, threading.Lock())

    def existing(self, path: Path) -> bool:
        try:
            os.utime(path)  # recently used: the last to be evicted
        except FileNotFoundError:
            return False
        return True

    def get(self, family: str, key: str, suffix: str, write: Callable[[BinaryIO], str]) -> Path:
        """The file of (family, key), written first if need be (by one thread at a time per
        family: the others wait for it, then find it)."""
        path = self.path(family, key, suffix)
        if self.existing(path):
            return path
        with self._lock(family):
            if self.existing(path):
                return path
            return self.build(family, suffix, write)

    def build(self, family: str, suffix: str, write: Callable[[BinaryIO], str]) -> Path:
        """Writes a file with `write(handle) -> key` (the version it wrote, read in the same
        snapshot as the rows), unless a builder already has; returns its path."""
        if not self._builders.acquire(timeout=self.wait):
            raise ExportsBusy()
        try:
            handle = tempfile.NamedTemporaryFile(dir=self.directory, prefix=f".{family}.", suffix=PART,
                                                 delete=False)
            try:
                with handle:
                    key = write(handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                path = self.path(family, key, suffix)
                os.replace(handle.name, path)
                self.built += 1
            except BaseException:
                Path(handle.name).unlink(missing_ok=True)
                raise
        finally:
            self._builders.release()
        self._prune(family, suffix, keep=path)
        return path

    def _prune(self, family: str, suffix: str, keep: Path) -> None:
        """Older versions of the same export go at once; then the least recently used files
        until the directory fits in max_bytes. (A client still reading a deleted file keeps
        reading it: POSIX frees it when the last reader closes it.)"""
        files = []
        for candidate in self.directory.iterdir():
            if candidate == keep or candidate.name.endswith(PART):
                continue
            try:
                if candidate.name.startswith(f"{family}.") and candidate.name.endswith(suffix):
                    candidate.unlink()
                    continue
                stat = candidate.stat()
            except FileNotFoundError:
                continue
            files.append((stat.st_mtime, stat.st_size, candidate))
        try:
            total = keep.stat().st_size + sum(size for _, size, _ in files)
        except FileNotFoundError:
            return
        for _, size, candidate in sorted(files, key=lambda f: f[0]):
            if total <= self.max_bytes:
                break
            candidate.unlink(missing_ok=True)
            total -= size
