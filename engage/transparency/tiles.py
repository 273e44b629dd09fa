"""The log as static files, in the C2SP tlog-tiles layout: servable by any web server or CDN.

    checkpoint                      the latest signed checkpoint (with witness cosignatures)
    tile/<L>/<N>                    a full tile: 256 hashes of Merkle level 8·L, 32 bytes each,
                                    nodes N·256 ... N·256+255 of that level
    tile/<L>/<N>.p/<W>              the partial tile of the tree's right edge: its first W hashes
    tile/entries/<N>[.p/<W>]        the leaves themselves: each as a big-endian uint16 length
                                    and the leaf's bytes (the canonical JSON the log hashes)

<N> is written in groups of three digits, all but the last prefixed with "x" (1234067 ->
x001/x234/067). A full tile never changes (cache it forever); a partial tile is replaced by a
wider one, then by the full tile. Level 0 holds the leaf hashes, level 1 the hashes of
subtrees of 256 leaves, and so on: a client rebuilds any root or proof from a few tiles and
checks it against the signed checkpoint (`root_from_tiles`).

Pure functions over a tree (`merkle.NodeSource` and the leaves), no SQL: the web view serves
them from the stored tree, `write_tiles` writes them to a directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Iterator

from engage.transparency import merkle

HEIGHT = 8
WIDTH = 1 << HEIGHT  # 256 hashes or entries per tile
HASH_SIZE = 32
_PATH = re.compile(r"^tile/(?P<level>entries|[0-9]{1,2})/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})(?:\.p/(?P<width>[0-9]{1,3}))?$")


class TileError(ValueError):
    """A path that names no tile, or a tile this tree does not have (yet)."""


def encode_index(n: int) -> str:
    groups = []
    while True:
        groups.append(f"{n % 1000:03d}")
        n //= 1000
        if n == 0:
            break
    return "/".join(["x" + g for g in reversed(groups[1:])] + [groups[0]])


def tile_path(level: int | str, index: int, width: int = WIDTH) -> str:
    path = f"tile/{level}/{encode_index(index)}"
    return path if width == WIDTH else f"{path}.p/{width}"


def parse_path(path: str) -> tuple[int | str, int, int]:
    """(level or "entries", index, width) of a tile path; TileError when it names no tile."""
    found = _PATH.match(path)
    if not found:
        raise TileError(f"not a tile path: {path!r}")
    index = int(found["index"].replace("x", "").replace("/", ""))
    if encode_index(index) != found["index"]:
        raise TileError(f"not the canonical spelling of tile {index}: {path!r}")
    width = int(found["width"]) if found["width"] else WIDTH
    if not 1 <= width <= WIDTH or (found["width"] and width == WIDTH):
        raise TileError(f"a partial tile's width is 1 to 255: {path!r}")
    level = found["level"] if found["level"] == "entries" else int(found["level"])
    return level, index, width


def nodes_at(size: int, level: int) -> int:
    """How many complete hashes the tiles of `level` hold for a tree of `size` leaves."""
    return size >> (HEIGHT * level)


def tiles_of(size: int) -> Iterator[tuple[int | str, int, int]]:
    """Every tile (level or "entries", index, width) of a tree of `size` leaves."""
    level = 0
    while True:
        count = nodes_at(size, level)
        if count == 0:
            break
        for index in range((count + WIDTH - 1) // WIDTH):
            width = min(WIDTH, count - index * WIDTH)
            yield level, index, width
            if level == 0:
                yield "entries", index, width
        level += 1


def hash_tile(tree: merkle.NodeSource, size: int, level: int, index: int, width: int) -> bytes:
    if (index * WIDTH + width) > nodes_at(size, level):
        raise TileError(f"tile {level}/{index} of width {width} is beyond a tree of {size} leaves")
    first = index * WIDTH
    return b"".join(tree.node(HEIGHT * level, first + i) for i in range(width))


def entry_bundle(leaves: list[bytes]) -> bytes:
    parts = []
    for leaf in leaves:
        if len(leaf) > 0xFFFF:
            raise TileError(f"a leaf of {len(leaf)} bytes does not fit an entry bundle (64 KiB)")
        parts.append(len(leaf).to_bytes(2, "big") + leaf)
    return b"".join(parts)


def read_bundle(data: bytes) -> list[bytes]:
    leaves, at = [], 0
    while at < len(data):
        if at + 2 > len(data):
            raise TileError("an entry bundle ends in the middle of a length")
        length = int.from_bytes(data[at:at + 2], "big")
        leaves.append(data[at + 2:at + 2 + length])
        if len(leaves[-1]) != length:
            raise TileError("an entry bundle ends in the middle of an entry")
        at += 2 + length
    return leaves


def root_from_tiles(fetch: Callable[[str], bytes], size: int) -> bytes:
    """The root of the first `size` leaves, from tiles alone: every entry bundle must hash to
    its level-0 tile, and every hash of an upper tile must be the subtree of the 256 hashes
    under it. A client needs nothing else but the signed checkpoint to compare with."""
    below = level_hashes(fetch, size, 0)
    for index in range((len(below) + WIDTH - 1) // WIDTH):
        width = min(WIDTH, len(below) - index * WIDTH)
        leaves = read_bundle(fetch(tile_path("entries", index, width)))
        if [merkle.leaf_hash(leaf) for leaf in leaves] != below[index * WIDTH:index * WIDTH + width]:
            raise TileError(f"entry bundle {index} does not hash to level-0 tile {index}")
    accumulator = merkle.RootAccumulator()
    for digest in below:
        accumulator.append_hash(digest)
    level = 1
    while nodes_at(size, level):
        hashes = level_hashes(fetch, size, level)
        if hashes != [_subtree(below, i * WIDTH, WIDTH) for i in range(len(hashes))]:
            raise TileError(f"the tiles of level {level} do not match the tiles below them")
        below, level = hashes, level + 1
    return accumulator.root()


def level_hashes(fetch: Callable[[str], bytes], size: int, level: int) -> list[bytes]:
    count = nodes_at(size, level)
    hashes: list[bytes] = []
    for index in range((count + WIDTH - 1) // WIDTH):
        width = min(WIDTH, count - index * WIDTH)
        hashes.extend(_split(fetch(tile_path(level, index, width)), width))
    return hashes


def _subtree(hashes: list[bytes], start: int, count: int) -> bytes:
    layer = hashes[start:start + count]
    while len(layer) > 1:
        layer = [merkle.node_hash(layer[i], layer[i + 1]) for i in range(0, len(layer), 2)]
    return layer[0]


def _split(data: bytes, width: int) -> list[bytes]:
    if len(data) != width * HASH_SIZE:
        raise TileError(f"a tile of width {width} holds {width * HASH_SIZE} bytes, not {len(data)}")
    return [data[i:i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def write_tiles(directory: Path, tree: merkle.NodeSource, leaves: Callable[[int, int], list[bytes]],
                old_size: int, size: int, checkpoint_note: str) -> int:
    """Write the tiles a tree of `size` leaves has and one of `old_size` had not, then the
    checkpoint (last, atomically: a reader never sees a checkpoint before its tiles).
    `leaves(start, end)` gives the leaves' bytes. Returns how many files were written."""
    written = 0
    before = set(tiles_of(old_size))
    for level, index, width in tiles_of(size):
        path = directory / tile_path(level, index, width)
        if (level, index, width) in before and path.exists():
            continue  # a tile's content is fixed by its path: written once
        if level == "entries":
            data = entry_bundle(leaves(index * WIDTH, index * WIDTH + width))
        else:
            data = hash_tile(tree, size, level, index, width)
        _write(path, data)
        written += 1
    _write(directory / "checkpoint", checkpoint_note.encode())
    return written + 1


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
