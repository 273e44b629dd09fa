"""The stored tree as C2SP tlog-tiles (engage.transparency.tiles): read for the web view,
and written as static files after each signed checkpoint when engage.transparency.tiles_dir
is set, for any web server or CDN to serve without the application."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

from engage.db import Cursor, Database
from engage.projections.transparency.projection import latest_checkpoint
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
    """After the signer: writes the tiles of the latest signed checkpoint into `directory`."""

    def __init__(self, db: Database, directory: Path):
        self.db = db
        self.directory = Path(directory)
        self.written_size = _size_of(self.directory / "checkpoint")

    def __call__(self) -> int:
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

