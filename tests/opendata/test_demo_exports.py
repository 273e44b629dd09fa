"""On the demo data (every capability's), every package validates and no export carries
anyone's name, email or card number: a dataset added by any capability is checked here
without a test of its own."""

from __future__ import annotations

from engage.opendata import REGISTRY
from engage.opendata.aggregates import NOT_PEOPLE
from engage.opendata.suppression import SMALL_COUNT
from tests.common.opendata import every_export, services, unzip, validate, write_package

DEMO_CARDS = 30


def test_demo_packages_validate_and_leak_nothing(make_app, tmp_path):
    from engage.scripts.demo import load_demo

    app = make_app(**{"engage.transparency.checkpoint_interval": "0"})
    engage = services(app)
    load_demo(engage, cards=DEMO_CARDS)
    engage.engine.catch_up()

    for dataset in REGISTRY:
        validate(write_package(app, dataset.name, tmp_path / dataset.name))
        validate(unzip(app.get(f"/opendata/{dataset.name}.zip").body, tmp_path / f"{dataset.name}-zip"))

    # Every suppressed count (a column that blanks small numbers) holds no 1 to 4.
    for dataset in REGISTRY:
        suppressed = [f.name for f in dataset.fields if f"< {SMALL_COUNT}" in f.sql]
        if dataset.suppression:
            suppressed += list(dataset.suppression.fields)
        if suppressed:
            url = f"/api/{dataset.name}?limit=1000"
            while url:
                page = app.get(url.replace("http://localhost", "")).json
                for row in page["data"]:
                    if (row.get("metric"), row.get("key")) in NOT_PEOPLE:
                        continue  # counts of sessions, not of people
                    for name in suppressed:
                        assert row[name] is None or not 0 < row[name] < SMALL_COUNT, (dataset.name, row)
                url = page["next"]

    with engage.db.reading() as cur:
        card_numbers = [row[0] for row in cur.execute("SELECT number FROM rm_cards WHERE number IS NOT NULL").fetchall()]
    assert len(card_numbers) >= DEMO_CARDS
    names, emails = set(), set()
    for _person_id, in_clear in _identities(engage):
        names.add(in_clear["name"])
        emails.add(in_clear["email"])
    assert names and emails
    for url, body in every_export(app).items():
        text = body.decode("utf-8").lower()
        for secret in (*names, *emails, *card_numbers):
            assert secret.lower() not in text, f"{secret!r} found in {url}"


def _identities(engage):
    """(person id, {name, email}) of the demo's card holders, unsealed as only engage can."""
    from uuid import UUID

    with engage.db.reading() as cur:
        people = [UUID(row[0]) for row in cur.execute("SELECT person_id FROM rm_cards").fetchall()]
    for person_id in people:
        for card in [engage.app.repository.get(UUID(card_id)) for card_id in _cards_of(engage, person_id)]:
            in_clear = engage.vault.unseal(person_id, card.sealed_identity)
            if in_clear:
                yield person_id, in_clear


def _cards_of(engage, person_id):
    with engage.db.reading() as cur:
        return [row[0] for row in cur.execute("SELECT card_id FROM rm_cards WHERE person_id = %s", [person_id.hex]).fetchall()]
