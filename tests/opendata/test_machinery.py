"""The registry's machinery, on datasets made up for the test: declarations checked,
foreign keys packaged and validated, the feed never cutting a position in two, and the
feed replaying the log when a dataset is added."""

from __future__ import annotations

import json

import pytest

from engage.domain.cards.model import CitizenCard
from engage.opendata import REGISTRY, UPSERT, Dataset, Field, ForeignKey, Registry, packages
from engage.projections.opendata.projection import CHANGES, OpenDataChangesProjection
from engage.projections.opendata.queries import read_changes
from tests.common.opendata import issue_cards, validate


def made_up(name="made-up", **overrides) -> Dataset:
    declaration = dict(
        name=name, title="T", description="D",
        fields=(Field("id", "integer", "Identifiant.", required=True), Field("label", "string", "Libellé.")),
        primary_key=("id",), table="t", projection="p", version_sql="SELECT 1, NULL",
    )
    declaration.update(overrides)
    return Dataset(**declaration)


@pytest.mark.parametrize("overrides", [
    {"name": "Bad Name"},
    {"name": "changes"},
    {"primary_key": ("nope",)},
    {"filters": {"colour": "label"}},
    {"filters": {"arrondissement": "nope"}},
    {"version_sql": ""},
    {"fields": (Field("id", "integer", "x"), Field("id", "string", "y"))},
    {"foreign_keys": (ForeignKey(("nope",), "other", ("id",)),)},
])
def test_declarations_are_checked(overrides):
    with pytest.raises(ValueError):
        made_up(**overrides)


def test_unknown_field_type_is_refused():
    with pytest.raises(ValueError):
        Field("x", "money", "?")


def test_a_name_registers_once():
    registry = Registry()
    registry.register(made_up())
    with pytest.raises(ValueError):
        registry.register(made_up())


def test_foreign_keys_travel_in_one_package_and_validate(engage_services, tmp_path):
    db = engage_services.db
    with db.transaction() as cur:
        cur.execute("CREATE TABLE t_parent (id INTEGER PRIMARY KEY, label TEXT)")
        cur.execute("CREATE TABLE t_child (id INTEGER PRIMARY KEY, parent_id INTEGER, label TEXT)")
        cur.executemany("INSERT INTO t_parent VALUES (%s, %s)", [(1, "un"), (2, "deux")])
        cur.executemany("INSERT INTO t_child VALUES (%s, %s, %s)", [(10, 1, "a"), (11, 2, "b"), (12, 2, "c")])
    registry = Registry()
    parent = registry.register(made_up("parents", table="t_parent"))
    child = registry.register(made_up(
        "children", table="t_child",
        fields=(Field("id", "integer", "Identifiant.", required=True),
                Field("parent_id", "integer", "Le parent.", required=True),
                Field("label", "string", "Libellé.")),
        foreign_keys=(ForeignKey(("parent_id",), "parents", ("id",)),),
    ))
    assert registry.closure(child) == [child, parent]
    package = packages.datapackage(registry, child, licence=packages.licence_from({}),
                                   base_url="http://example.org", created=None)
    assert [r["name"] for r in package["resources"]] == ["children", "parents"]
    assert package["resources"][0]["schema"]["foreignKeys"] == [
        {"fields": ["parent_id"], "reference": {"resource": "parents", "fields": ["id"]}}
    ]
    (tmp_path / "datapackage.json").write_text(json.dumps(package))
    for member in registry.closure(child):
        (tmp_path / member.csv_name).write_bytes(b"".join(packages.csv_stream(db, member)))
    validate(tmp_path / "datapackage.json")

    # A dangling reference is caught by the validation.
    with db.transaction() as cur:
        cur.execute("INSERT INTO t_child VALUES (13, 99, 'orphan')")
    (tmp_path / child.csv_name).write_bytes(b"".join(packages.csv_stream(db, child)))
    with pytest.raises(AssertionError, match="foreign-key"):
        validate(tmp_path / "datapackage.json")


def test_the_feed_never_cuts_a_position_in_two(engage_services):
    db = engage_services.db
    with db.transaction() as cur:
        rows = [(position, seq, "d", f"{position}.{seq}", UPSERT, "2026-11-25T10:00:00+00:00")
                for position, count in ((1, 1), (2, 3), (3, 1), (4, 5)) for seq in range(count)]
        cur.executemany("INSERT INTO rm_opendata_changes VALUES (%s, %s, %s, %s, %s, %s)", rows)
        cur.execute("UPDATE projection_tracking SET position = 4 WHERE projection = %s", [CHANGES])
    page = read_changes(db, 0, 2)
    assert [c["key"] for c in page["changes"]] == ["1.0"] and page["next"] == 1
    page = read_changes(db, 1, 2)  # position 2 alone is larger than the page: taken whole
    assert [c["key"] for c in page["changes"]] == ["2.0", "2.1", "2.2"] and page["next"] == 2
    page = read_changes(db, 2, 10)
    assert [c["position"] for c in page["changes"]] == [3, 4, 4, 4, 4, 4] and page["next"] == 4


def test_adding_a_dataset_replays_the_feed(engage_services):
    engage = engage_services
    issue_cards(engage, {(9, "18-24"): 2})
    registry = Registry()
    for dataset in REGISTRY:
        registry.register(dataset)
    registry.register(made_up("cards-by-band", changes={CitizenCard.CardIssued: lambda e: [(e.age_band, UPSERT)]}))
    engage.engine.projections[CHANGES] = OpenDataChangesProjection(registry)
    engage.engine.setup()  # as a deploy does: the feed's shape changed
    engage.engine.catch_up()
    changes = read_changes(engage.db, 0, 100)["changes"]
    assert [c["dataset"] for c in changes].count("cards-by-band") == 2
    assert [(c["dataset"], c["operation"]) for c in changes].count(("card-holders", UPSERT)) == 2
    # Setting up again with the same shape replays nothing.
    engage.engine.setup()
    assert engage.engine.positions()[CHANGES] == engage.engine.head()


def test_a_change_function_may_look_up_a_read_model(engage_services):
    engage = engage_services
    registry = Registry()

    def by_holders(event, cur):
        count = cur.scalar("SELECT COUNT(*) FROM rm_cards WHERE arrondissement = %s", [event.arrondissement])
        return [(f"{event.arrondissement}:{count}", UPSERT)]

    registry.register(made_up("lookups", changes={CitizenCard.CardIssued: by_holders}))
    engage.engine.projections[CHANGES] = OpenDataChangesProjection(registry)
    engage.engine.setup()
    issue_cards(engage, {(9, "18-24"): 2})
    assert [c["key"] for c in read_changes(engage.db, 0, 10)["changes"]] == ["9:2", "9:2"]


def test_indexes_a_dataset_asks_for(engage_services):
    from engage.projections.opendata.projection import create_indexes

    registry = Registry()
    registry.register(made_up("indexed", table="rm_cards", indexes=(("rm_cards", ("arrondissement", "card_id")),
                                                                     ("rm_not_there_yet", ("x",)))))
    db = engage_services.db
    with db.transaction() as cur:
        create_indexes(cur, registry)
        create_indexes(cur, registry)  # idempotent
    with db.reading() as cur:
        if cur.backend == "postgresql":
            found = cur.scalar("SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s", ["od_rm_cards_arrondissement_card_id"])
        else:
            found = cur.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = %s",
                               ["od_rm_cards_arrondissement_card_id"])
    assert found == 1


def test_datasets_written_ahead_of_their_capability_wait_for_it():
    from importlib.util import find_spec

    for module, names in (("engage.domain.consultations", ("consultations", "contributions", "vote-counts")),
                          ("engage.domain.questionnaires", ("questionnaire-results",)),
                          ("engage.domain.charter", ("charter-versions", "deliberations")),
                          ("engage.domain.workshops", ("workshops",)),
                          ("engage.domain.organizations", ("offers",))):
        present = find_spec(module) is not None
        for name in names:
            assert (name in REGISTRY) == present, (name, present)


def test_export_snapshots_plan_without_merge_joins(backend, engage_services):
    """A merge join made keyset pages of joined datasets quadratic (benchmarks/export_2m.py)."""
    from engage.opendata.query import snapshot

    if backend != "postgresql":
        pytest.skip("SQLite has no merge joins")
    with snapshot(engage_services.db) as cur:
        assert cur.scalar("SHOW enable_mergejoin") == "off"
        assert cur.scalar("SHOW transaction_isolation") == "repeatable read"
