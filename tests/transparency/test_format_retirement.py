"""Format 1 (every field not named sealed_*, person ids and display names included) is never
written again: a database holding a format-1 tree retires it, on startup and on
engage-rebuild: what the old log signed moves to tlog_checkpoints_archive, and the tree is
replayed in format 2, a new log from size 0 (issue 15, item 6)."""

from __future__ import annotations

import base64
import json

from engage.projections.transparency.projection import SqlTree, stored_format
from engage.transparency.note import Checkpoint

OLD_NOTE = "an old log's signed checkpoint"


def _write_format_1_tree(services) -> int:
    """Replace the stored tree by the same events in format 1, with one signed checkpoint."""
    with services.db.transaction() as cur:
        leaves = cur.execute("SELECT position, data FROM tlog_leaves ORDER BY leaf_index").fetchall()
        for table in ("tlog_leaves", "tlog_nodes", "tlog_acts", "tlog_checkpoints"):
            cur.execute(f"DELETE FROM {table}")
        tree = SqlTree(cur)
        for position, data in leaves:
            old = json.loads(base64.b64decode(data))
            del old["format"]
            old["fields"] = {"person_id": "00000000-0000-4000-8000-000000000001", "display_name": "Ancien Nom"}
            tree.append(position, json.dumps(old, sort_keys=True).encode())
        size = tree.size()
        root = tree.root(size)
        note = services.checkpoints.signer.sign(Checkpoint(services.checkpoints.origin, size, root).text())
        cur.execute("INSERT INTO tlog_checkpoints (size, root_hash, note, verifier_key, signed_at)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [size, root.hex(), note, OLD_NOTE, "2026-01-01T00:00:00.000000Z"])
        assert stored_format(cur) == 1
    return size


def _state(services):
    with services.db.reading() as cur:
        leaves = [json.loads(base64.b64decode(d)) for (d,) in
                  cur.execute("SELECT data FROM tlog_leaves ORDER BY leaf_index").fetchall()]
        archived = cur.execute("SELECT size, verifier_key FROM tlog_checkpoints_archive").fetchall()
        current = cur.execute("SELECT size, verifier_key FROM tlog_checkpoints ORDER BY size").fetchall()
    return leaves, archived, current


def _assert_retired(site, size):
    leaves, archived, current = _state(site.services)
    assert archived == [(size, OLD_NOTE)]  # what the old log signed stays on record, apart
    assert len(leaves) == size and {leaf["format"] for leaf in leaves} == {2}
    assert "Ancien Nom" not in json.dumps(leaves) and "person_id" not in json.dumps(leaves)
    assert current and all(key != OLD_NOTE for _, key in current)  # a new log, signed anew
    assert current[-1][0] == size


def test_a_format_1_tree_is_retired_on_startup(make_site):
    site = make_site()
    site.issue_cards(3)
    site.catch_up()
    size = _write_format_1_tree(site.services)
    site.services.close()

    restarted = make_site()
    restarted.catch_up()
    _assert_retired(restarted, size)


def test_a_format_1_tree_is_retired_by_a_rebuild(site):
    site.issue_cards(2)
    site.catch_up()
    size = _write_format_1_tree(site.services)  # while the application runs
    site.services.engine.rebuild(["transparency"])  # what engage-rebuild <ini> transparency does
    site.catch_up()
    _assert_retired(site, size)


def test_engage_rebuild_retires_a_format_1_tree(site, database_url, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    site.issue_cards(2)
    site.catch_up()
    size = _write_format_1_tree(site.services)
    ini = tmp_path / "rebuild.ini"
    ini.write_text(
        "[app:main]\nuse = egg:engage\n"
        f"engage.database_url = {database_url}\n"
        "engage.session_secret = test-only\n"
        "engage.identifier_key = test-card-number-key-0123456789\n"
        f"engage.transparency.key_path = {tmp_path / 'transparency.key'}\n"
        "engage.transparency.origin = test.engage.example/log\n")
    done = subprocess.run([Path(sys.executable).parent / "engage-rebuild", str(ini), "transparency"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "retiring it" in done.stderr
    site.catch_up()  # the running application signs the new log
    _assert_retired(site, size)
