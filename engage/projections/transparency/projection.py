"""The transparency log's read model: an RFC 9162 Merkle tree over every event, and its
signed checkpoints.

Tables (same DDL on both back ends: hashes as hex text, leaf bytes as base64 text):

- ``tlog_leaves``: leaf i is the i-th event of the log (notification ids ascending,
  gaps and all) with its notification id and its exact bytes (the public form);
- ``tlog_nodes``: the hash of every perfect subtree (level, index), written once when it
  completes (level 0: the leaf hashes). Any root or proof for any size is O(log n)
  lookups here (`engage.transparency.merkle`);
- ``tlog_checkpoints``: every signed checkpoint. Not one of the projection's `tables`:
  a rebuild replays the tree but never forgets what the log has already signed, so the
  signer can check the rebuilt tree against it;
- ``tlog_commitments`` and ``tlog_acts``: the openings of the leaves' per-act commitments
  (`openings`), private.

A leaf is the event's public form (`engage.transparency.public_form`, format 2). A tree of
an older format is retired when the projection starts: its checkpoints move to
``tlog_checkpoints_archive`` (what the old log signed stays on record) and the tree is
replayed in the current format, a new log from size 0.
"""

from __future__ import annotations

import base64
import datetime
import json
import logging
from dataclasses import dataclass
from typing import Any, Callable

from engage.db import Cursor, Database
from engage.domain.accounts.model import Account
from engage.domain.attribution import actor_key, open_actor
from engage.projections.base import Projection
from engage.projections.transparency import openings
from engage.projections.transparency.rows import TableRows, write_together
from engage.transparency import merkle
from engage.transparency.note import Checkpoint, Signer
from engage.transparency.public_form import LEAF_FORMAT, _person, leaf_data, leaf_plan, utc_iso

log = logging.getLogger(__name__)

NAME = "transparency"


class TransparencyProjection(Projection):
    name = NAME
    follows = ()  # every event, whatever its type: an empty list of topics means all
    tables = ("tlog_leaves", "tlog_nodes", "tlog_acts")
    # Its batches wait for the disk at commit (engine._WRITE_POSITIONS): a batch applied again
    # after a crash would draw new commitment salts, so a leaf a visitor already saw (its vote's
    # receipt) would change. The other read models come out of a replay the same.
    commits_durably = True

    def __init__(self, identifier_key: bytes = b""):
        # Sealed actors (a ballot's voter...) are committed to, so the projection opens them.
        self.actor_key = actor_key(identifier_key) if identifier_key else None

    def create_tables(self, cur: Cursor) -> None:
        cur.execute("""CREATE TABLE IF NOT EXISTS tlog_leaves (
                leaf_index BIGINT PRIMARY KEY,
                position BIGINT NOT NULL UNIQUE,
                data TEXT NOT NULL
            )""")
        cur.execute("""CREATE TABLE IF NOT EXISTS tlog_nodes (
                level INTEGER NOT NULL,
                node_index BIGINT NOT NULL,
                hash TEXT NOT NULL,
                PRIMARY KEY (level, node_index)
            )""")
        for table in ("tlog_checkpoints", "tlog_checkpoints_archive"):
            cur.execute(f"""CREATE TABLE IF NOT EXISTS {table} (
                    size BIGINT NOT NULL,
                    root_hash TEXT NOT NULL,
                    note TEXT NOT NULL,
                    verifier_key TEXT NOT NULL,
                    signed_at TEXT NOT NULL,
                    PRIMARY KEY (size{", root_hash" if table.endswith("archive") else ""})
                )""")
        openings.create_tables(cur)
        if stored_format(cur) not in (None, LEAF_FORMAT):
            retire_old_format(cur)

    def drop_tables(self, cur: Cursor) -> None:
        self.create_tables(cur)  # retires an older format before the leaves that tell it go
        super().drop_tables(cur)

    def apply(self, cur: Cursor, event: Any, position: int) -> None:
        self.apply_batch(cur, [(event, position)])

    def apply_batch(self, cur: Cursor, events: list[tuple[Any, int]]) -> None:
        # Its reads (the tree's size and right edge, the commitments already drawn) in one
        # statement, nodes completed within the batch kept in memory, its writes together: on
        # PostgreSQL a live batch costs two round trips of its own (it is on the path of every
        # vote's read-your-writes wait: the consultations group commits after it).
        store = openings.Openings(cur)
        # Each committed field's person and act key, worked out once per event: opening a
        # sealed actor is an AES-GCM decryption, needed by the prefetch and by the leaf.
        acts: list[dict[str, tuple[Any, str]]] = []
        for event, position in events:
            state = vars(event)
            found = {}
            for field, _ in leaf_plan(type(event)).commit:
                if field in state:
                    person = self._person(event, field)
                    found[field] = (person, openings.act_key(event, field, person, position))
            acts.append(found)
        tree = open_batch(cur, store, [key for found in acts for _, key in found.values()])
        for (event, position), found in zip(events, acts):
            tree.append(position, leaf_data(
                event, position,
                lambda ev, field, person, position=position, found=found: store.commit(
                    found[field][1], person, position, field),
                lambda ev, field, found=found: found[field][0],
            ))
            if isinstance(event, Account.PersonalDataErased):
                store.erase(event.originator_id)
        rows, erasures = store.take_writes()
        write_together(cur, tree.take_rows() + rows, erasures)

    def _person(self, event: Any, field: str) -> Any:
        return _person(event, field, vars(event)[field], self._open_actor)

    def _open_actor(self, event: Any, field: str) -> Any:
        if self.actor_key is None:
            raise RuntimeError("the transparency projection needs the identifier key to commit to sealed actors")
        return open_actor(self.actor_key, event.originator_id, getattr(event, field, None))


def stored_format(cur: Cursor) -> int | None:
    """The format of the stored tree's leaves (None: no leaf yet)."""
    data = cur.scalar("SELECT data FROM tlog_leaves ORDER BY leaf_index LIMIT 1")
    if data is None:
        return None
    return json.loads(base64.b64decode(data)).get("format", 1)


def retire_old_format(cur: Cursor) -> None:
    """Start the log anew in the current format; keep what the old one signed, apart."""
    format_ = stored_format(cur)
    log.warning("the transparency log is in format %s: retiring it, replaying in format %s",
                format_, LEAF_FORMAT)
    cur.execute(f"INSERT INTO tlog_checkpoints_archive ({_CHECKPOINT_COLUMNS})"
                f" SELECT {_CHECKPOINT_COLUMNS} FROM tlog_checkpoints")
    cur.execute("DELETE FROM tlog_checkpoints")
    for table in ("tlog_leaves", "tlog_nodes", "tlog_acts"):
        cur.execute(f"DELETE FROM {table}")
    cur.execute("UPDATE projection_tracking SET position = 0 WHERE projection = %s", [NAME])


class SqlTree:
    """The stored tree, seen through one cursor (so inside one transaction)."""

    def __init__(self, cur: Cursor):
        self.cur = cur

    def size(self) -> int:
        last = self.cur.scalar("SELECT MAX(leaf_index) FROM tlog_leaves")
        return 0 if last is None else last + 1

    def node(self, level: int, index: int) -> bytes:
        found = self.cur.scalar(
            "SELECT hash FROM tlog_nodes WHERE level = %s AND node_index = %s", [level, index]
        )
        if found is None:
            raise LookupError(f"no node ({level}, {index}): the tree is shorter than asked")
        return bytes.fromhex(found)

    def append(self, position: int, data: bytes) -> int:
        index = self.size()
        self.cur.execute(
            "INSERT INTO tlog_leaves (leaf_index, position, data) VALUES (%s, %s, %s)",
            [index, position, base64.b64encode(data).decode()],
        )
        for level, node_index, digest in merkle.completed_nodes(
            self, index, merkle.leaf_hash(data)
        ):
            self.cur.execute(
                "INSERT INTO tlog_nodes (level, node_index, hash) VALUES (%s, %s, %s)",
                [level, node_index, digest.hex()],
            )
        return index

    def root(self, size: int) -> bytes:
        return merkle.root_hash(self, size)

    def entries(self, start: int, end: int) -> list[tuple[int, int, bytes]]:
        """(index, position, leaf bytes) for leaves start <= index < end."""
        rows = self.cur.execute(
            "SELECT leaf_index, position, data FROM tlog_leaves"
            " WHERE leaf_index >= %s AND leaf_index < %s ORDER BY leaf_index",
            [start, end],
        ).fetchall()
        return [(index, position, base64.b64decode(data)) for index, position, data in rows]


class BatchTree(SqlTree):
    """A batch's leaves, kept in memory and appended by `flush` (or `take_rows`) in one pass: the
    leaf hashes in a tight loop, the nodes they complete from the tree's right edge, then one
    write for the leaf rows and one for the node rows. The same tree as appending each leaf
    in turn (`SqlTree.append`).

    `start` and `edge`: the stored tree's size and the hashes of its right edge, when read
    already (`open_batch`); otherwise the size is read here and the edge at the first flush."""

    def __init__(self, cur: Cursor, start: int | None = None, edge: dict[int, bytes] | None = None):
        super().__init__(cur)
        self._start = super().size() if start is None else start
        # Each level's last completed node (merkle.extend keeps it so): the edge and then some.
        self._edge_hashes = edge
        self._positions: list[int] = []
        self._data: list[bytes] = []

    def size(self) -> int:
        return self._start + len(self._data)

    def append(self, position: int, data: bytes) -> int:
        self._positions.append(position)
        self._data.append(data)
        return self._start + len(self._data) - 1

    def flush(self) -> None:
        write_together(self.cur, self.take_rows())

    def take_rows(self) -> list[TableRows]:
        """The rows of the leaves appended since the last call and of the nodes they complete, for
        `write_together`: the tree goes on after them."""
        if not self._data:
            return []
        if self._edge_hashes is None:
            self._edge_hashes = self._edge()
        nodes = merkle.extend(self._edge_hashes, self._start, merkle.leaf_hashes(self._data))
        leaves = [(index, position, base64.b64encode(data).decode())
                  for index, (position, data) in enumerate(zip(self._positions, self._data), start=self._start)]
        self._start += len(self._data)
        self._positions, self._data = [], []
        return [("tlog_leaves", ("leaf_index", "position", "data"), leaves),
                ("tlog_nodes", ("level", "node_index", "hash"),
                 [(level, index, digest.hex()) for level, index, digest in nodes])]

    def _edge(self) -> dict[int, bytes]:
        wanted = merkle.edge(self._start)
        if not wanted:
            return {}
        rows = self.cur.execute(
            "SELECT level, node_index, hash FROM tlog_nodes WHERE "
            + " OR ".join(["(level = %s AND node_index = %s)"] * len(wanted)),
            [value for pair in wanted for value in pair]).fetchall()
        return _edge_of(self._start, rows)


def _edge_of(size: int, rows: list[tuple[int, int, str | None]]) -> dict[int, bytes]:
    """The right edge of a tree of `size` leaves from its stored nodes' rows (level, index, hash)."""
    wanted = merkle.edge(size)
    found = {level: bytes.fromhex(digest) for level, index, digest in rows
             if (level, index) in wanted and digest is not None}
    if len(found) != len(wanted):
        raise LookupError(f"the stored tree of {size} leaves misses nodes of its right edge")
    return found


# A batch's reads on PostgreSQL in one statement (one round trip, a static text psycopg prepares):
# the stored tree's size, the nodes of its right edge (merkle.edge: at each level whose bit is
# set in the size, node size >> level, minus one), and the commitments already drawn for the
# batch's act keys. Rows (kind, act key, level, number, text): (0, NULL, NULL, size, NULL),
# then (1, NULL, level, node index, its hash or NULL when missing) per edge node and (2, act
# key, NULL, NULL, commitment) per commitment. Each edge node is a scalar subquery on the whole
# primary key, so a lookup whatever the plan: as a join, the generic plan psycopg's prepared
# statement settled on while a rebuild's table was small matched the level alone, and scanned
# every node of that level at each batch (a replay's PostgreSQL CPU doubled, and growing).
_BATCH_READ = """
WITH tree AS MATERIALIZED (SELECT COALESCE(MAX(leaf_index) + 1, 0) AS size FROM tlog_leaves)
SELECT 0, NULL::text, NULL::integer, size, NULL::text FROM tree
UNION ALL
SELECT 1, NULL, k.level, (tree.size >> k.level) - 1,
       (SELECT hash FROM tlog_nodes WHERE level = k.level AND node_index = (tree.size >> k.level) - 1)
FROM tree CROSS JOIN generate_series(0, 62) AS k(level)
WHERE (tree.size >> k.level) & 1 = 1
UNION ALL
SELECT 2, act_key, NULL, NULL, commitment FROM tlog_commitments WHERE act_key = ANY(%s)"""


def open_batch(cur: Cursor, store: openings.Openings, keys: list[str]) -> BatchTree:
    """The tree a batch appends its leaves to, and `store` told the commitments already drawn for
    `keys` (the batch's act keys): one round trip on PostgreSQL (_BATCH_READ); on SQLite, in
    process, the three reads one after another."""
    if cur.backend != "postgresql":
        store.prefetch(keys)
        return BatchTree(cur)
    size, edge, known = 0, [], {}
    for kind, key, level, number, text in cur.execute(_BATCH_READ, [sorted(set(keys))]).fetchall():
        if kind == 0:
            size = number
        elif kind == 1:
            edge.append((level, number, text))
        else:
            known[key] = text
    store.remember(known)
    return BatchTree(cur, size, _edge_of(size, edge))


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    note: str
    verifier_key: str
    signed_at: str

    @property
    def size(self) -> int:
        return self.checkpoint.size


_CHECKPOINT_COLUMNS = "size, root_hash, note, verifier_key, signed_at"


def _signed_checkpoint(row: tuple) -> SignedCheckpoint:
    size, root_hex, note, verifier_key, signed_at = row
    origin = note.split("\n", 1)[0]  # a checkpoint's first line
    return SignedCheckpoint(
        Checkpoint(origin, size, bytes.fromhex(root_hex)), note, verifier_key, signed_at
    )


def latest_checkpoint(cur: Cursor) -> SignedCheckpoint | None:
    row = cur.execute(
        f"SELECT {_CHECKPOINT_COLUMNS} FROM tlog_checkpoints ORDER BY size DESC LIMIT 1"
    ).fetchone()
    return _signed_checkpoint(row) if row else None


def all_checkpoints(cur: Cursor) -> list[SignedCheckpoint]:
    rows = cur.execute(
        f"SELECT {_CHECKPOINT_COLUMNS} FROM tlog_checkpoints ORDER BY size"
    ).fetchall()
    return [_signed_checkpoint(row) for row in rows]


class CheckpointSigner:
    """Signs a checkpoint of the stored tree when it has grown and the interval has passed.

    It runs after the projections catch up (the worker's loop, `ProjectionEngine.
    after_catch_up`), not inside a batch: a batch only runs when events arrive, so the
    last events before a quiet spell would wait for the next event to be signed. Every
    committed state of the tree is a whole number of batches, so whatever size it reads
    is a position the tree has fully reached; it reads and signs under the projection's
    tracking lock, so no batch changes the tree meanwhile.

    Before signing it proves, from the stored tree, that the new tree extends the last
    signed one (RFC 9162 consistency): a tree rebuilt from an altered event store is
    never signed, and the log never signs two inconsistent checkpoints.

    It runs after every catch-up, a vote's included, so it remembers when the next
    checkpoint can first be due (the latest one it has read or signed, plus the interval)
    and opens no transaction before then. Checkpoints are only ever added, so a rival
    signer in another process can only make the next one due later: the time remembered
    is never too late. With no checkpoint known it looks every time (the first one is due
    as soon as the tree has a leaf). Past that time it reads on every run, as before, until
    it signs: a quiet spell gets its checkpoint from the worker's periodic catch-ups.
    """

    def __init__(
        self,
        db: Database,
        signer: Signer,
        *,
        interval: float = 60.0,
        clock: Callable[[], datetime.datetime] | None = None,
    ):
        self.db = db
        self.signer = signer
        self.interval = datetime.timedelta(seconds=interval)
        self.clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self._reported: tuple | None = None  # the last refusal logged, so it is logged once
        self._not_before: datetime.datetime | None = None  # no checkpoint can be due earlier
        self.signed = 0  # checkpoints this signer has signed (the tile writer looks when it moves)

    @property
    def origin(self) -> str:
        return self.signer.name

    @property
    def verifier_key(self) -> str:
        return str(self.signer.verifier)

    def sign_if_due(self) -> SignedCheckpoint | None:
        """The new checkpoint, or None when none is due (or signing was refused, and logged)."""
        if self._not_before is not None and self.clock() < self._not_before:
            return None
        with self.db.reading() as cur:
            size, latest = SqlTree(cur).size(), latest_checkpoint(cur)
        self._remember(latest)
        if not self._due(size, latest):
            return None
        with self.db.transaction() as cur:
            self._lock_tree(cur)
            tree = SqlTree(cur)
            size, latest = tree.size(), latest_checkpoint(cur)
            self._remember(latest)
            if not self._due(size, latest):
                return None  # a rival signer was quicker
            root = tree.root(size)
            if latest is not None and not self._extends(tree, latest, size, root):
                return None
            checkpoint = Checkpoint(self.origin, size, root)
            signed = SignedCheckpoint(
                checkpoint,
                self.signer.sign(checkpoint.text()),
                self.verifier_key,
                utc_iso(self.clock()),
            )
            cur.execute(
                f"INSERT INTO tlog_checkpoints ({_CHECKPOINT_COLUMNS}) VALUES (%s, %s, %s, %s, %s)",
                [size, root.hex(), signed.note, signed.verifier_key, signed.signed_at],
            )
        self._remember(signed)
        self.signed += 1
        log.info("transparency checkpoint signed: %s leaves, root %s", size, root.hex())
        return signed

    def _due(self, size: int, latest: SignedCheckpoint | None) -> bool:
        if latest is None:
            return size > 0
        if size <= latest.size:
            if size < latest.size:
                self._refuse(
                    "the tree (%s leaves) is shorter than the last signed checkpoint (%s):"
                    " a rebuild in progress, or events removed from the store",
                    size,
                    latest.size,
                    level=logging.WARNING,
                )
            return False
        return self.clock() - self._signed_at(latest) >= self.interval

    def nothing_new_before(self) -> datetime.datetime | None:
        """No signer (this one or a rival) can sign a checkpoint before this time, as far as
        this signer knows (None: it knows of no checkpoint yet)."""
        return self._not_before

    def _remember(self, latest: SignedCheckpoint | None) -> None:
        if latest is not None:
            self._not_before = self._signed_at(latest) + self.interval

    @staticmethod
    def _signed_at(checkpoint: SignedCheckpoint) -> datetime.datetime:
        return datetime.datetime.fromisoformat(checkpoint.signed_at.replace("Z", "+00:00"))

    def _extends(self, tree: SqlTree, latest: SignedCheckpoint, size: int, root: bytes) -> bool:
        proof = merkle.consistency_proof(tree, latest.size, size)
        if merkle.verify_consistency(latest.size, size, latest.checkpoint.root, root, proof):
            return True
        self._refuse(
            "NOT signing: the stored tree of %s leaves does not extend the signed checkpoint of %s"
            " leaves. The event store or the tree was altered; restore it from a backup.",
            size,
            latest.size,
            level=logging.CRITICAL,
        )
        return False

    def _refuse(self, message: str, *args: Any, level: int) -> None:
        if self._reported != (message, args):
            self._reported = (message, args)
            log.log(level, message, *args)

    @staticmethod
    def _lock_tree(cur: Cursor) -> None:
        # The batch's own lock (engine._lock_position): no batch appends while we read and
        # sign. SQLite's BEGIN IMMEDIATE already holds the database's write lock.
        if cur.backend == "postgresql":
            cur.execute(
                "SELECT position FROM projection_tracking WHERE projection = %s FOR UPDATE", [NAME]
            )


# -- reads for the endpoints and the page ---------------------------------------------


class TreeTooShort(Exception):
    """The stored tree has fewer leaves than asked (a rebuild in progress)."""


def tree_size(db: Database) -> int:
    with db.reading() as cur:
        return SqlTree(cur).size()


def current_checkpoint(db: Database) -> SignedCheckpoint | None:
    with db.reading() as cur:
        return latest_checkpoint(cur)


def signed_checkpoints(db: Database) -> list[SignedCheckpoint]:
    with db.reading() as cur:
        return all_checkpoints(cur)


def entries(db: Database, start: int, end: int) -> list[tuple[int, int, bytes]]:
    with db.reading() as cur:
        return SqlTree(cur).entries(start, end)


def inclusion_proof(db: Database, index: int, size: int) -> list[bytes]:
    with db.reading() as cur:
        return _answer(lambda: merkle.inclusion_proof(SqlTree(cur), index, size))


def consistency_proof(db: Database, old: int, new: int) -> list[bytes]:
    with db.reading() as cur:
        return _answer(lambda: merkle.consistency_proof(SqlTree(cur), old, new))


def _answer(compute: Callable[[], list[bytes]]) -> list[bytes]:
    try:
        return compute()
    except LookupError as error:
        raise TreeTooShort(str(error)) from error


def openings_as_of(db: Database) -> tuple[int, list[dict], int]:
    """(tree size, every opening of its leaves, how many were erased), in one snapshot:
    what an accredited auditor downloads (`openings.released`)."""
    with db.reading() as cur:
        if cur.backend == "postgresql":
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        size = SqlTree(cur).size()
        found, erased = openings.released(cur, size)
    return size, found, erased
