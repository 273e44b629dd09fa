"""The stored tree as C2SP tlog-tiles (engage.transparency.tiles): read for the web view,
and written as static files after each signed checkpoint when engage.transparency.tiles_dir
is set, for any web server or CDN to serve without the application."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

from engage.db import Cursor, Database
from engage.projections.transparency.projection import CheckpointSigner, latest_checkpoint
from engage.transparency import tiles
from engage.transparency.tiles import HEIGHT, WIDTH, TileError

log = logging.getLogger(__name__)


class TileSource:
    """The stored tree seen as tiles: one query per tile, never one per hash."""

    def __init__(self, cur: Cursor):
        self.cur = cur

    def hashes(self, level: int, index: int, width: int) -> bytes:
        first = index * WIDTH
        rows = self.cur.execute(
            "SELECT node_index, hash FROM tlog_nodes WHERE level = %s AND node_index >= %s"
            " AND node_index < %s ORDER BY node_index",
            [HEIGHT * level, first, first + width],
        ).fetchall()
        if len(rows) != width:
            raise TileError(f"tile {level}/{index} of width {width} is beyond the stored tree")
        return b"".join(bytes.fromhex(digest) for _, digest in rows)

    def leaves(self, start: int, end: int) -> list[bytes]:
        rows = self.cur.execute(
            "SELECT data FROM tlog_leaves WHERE leaf_index >= %s AND leaf_index < %s ORDER BY leaf_index",
            [start, end],
        ).fetchall()
        if len(rows) != end - start:
            raise TileError(f"entries {start} to {end} are beyond the stored tree")
        return [base64.b64decode(data) for (data,) in rows]

    def tile(self, path: str) -> tuple[bytes, bool]:
        """(the tile's bytes, whether it is full and so never changes)."""
        level, index, width = tiles.parse_path(path)
        if level == "entries":
            data = tiles.entry_bundle(self.leaves(index * WIDTH, index * WIDTH + width))
        else:
            data = self.hashes(level, index, width)
        return data, width == WIDTH


def read_tile(db: Database, path: str) -> tuple[bytes, bool]:
    with db.reading() as cur:
        return TileSource(cur).tile(path)


class _StoredTree:
    """merkle.NodeSource over TileSource, for tiles.write_tiles (hashes read a tile at a time)."""

    def __init__(self, source: TileSource, size: int):
        self.source, self.size, self._cache = source, size, {}

    def node(self, level: int, index: int) -> bytes:
        tile_level, tile_index = level // HEIGHT, index // WIDTH
        key = (tile_level, tile_index)
        if key not in self._cache:
            width = min(WIDTH, tiles.nodes_at(self.size, tile_level) - tile_index * WIDTH)
            data = self.source.hashes(tile_level, tile_index, width)
            self._cache = {key: data}  # one tile at a time: tiles are written in order
        offset = (index % WIDTH) * tiles.HASH_SIZE
        return self._cache[key][offset:offset + tiles.HASH_SIZE]


class TileWriter:
    """After the signer: writes the tiles of the latest signed checkpoint into `directory`.

    Given the process's `signer`, it reads the latest checkpoint only when one may be new: on
    its first run, after the signer has signed, and once the signer's interval has passed since
    the latest checkpoint (a rival signer cannot sign earlier); a vote's catch-up then costs it
    no statement."""

    def __init__(self, db: Database, directory: Path, *, signer: CheckpointSigner | None = None):
        self.db = db
        self.directory = Path(directory)
        self.written_size = _size_of(self.directory / "checkpoint")
        self.signer = signer
        self._signed_seen: int | None = None  # the signer's count when it last looked

    def _may_be_new(self) -> bool:
        signer = self.signer
        if signer is None or self._signed_seen is None or signer.signed != self._signed_seen:
            return True
        not_before = signer.nothing_new_before()
        return not_before is None or signer.clock() >= not_before

    def __call__(self) -> int:
        if not self._may_be_new():
            return 0
        if self.signer is not None:
            self._signed_seen = self.signer.signed
        with self.db.reading() as cur:
            latest = latest_checkpoint(cur)
            if latest is None or latest.size == self.written_size:
                return 0
            source = TileSource(cur)
            # A shorter log than the files: a retired log (a new leaf format): write all anew.
            old = self.written_size if latest.size >= self.written_size else 0
            written = tiles.write_tiles(
                self.directory, _StoredTree(source, latest.size), source.leaves,
                old, latest.size, latest.note,
            )
        self.written_size = latest.size
        log.info("transparency tiles: %s files written for %s leaves", written, latest.size)
        return written


def _size_of(checkpoint: Path) -> int:
    try:
        return int(checkpoint.read_text().split("\n")[1])
    except (OSError, IndexError, ValueError):
        return 0

