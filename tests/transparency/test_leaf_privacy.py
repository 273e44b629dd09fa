"""The public log of the demo (every capability's events) links nobody (issue 15, items 3 and 7).

The demo is loaded once, into a SQLite file of this module's own, as engage-demo does."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter

import pytest

from engage.scripts.demo import load_demo
from tests.common.leaves import leaked, linking_problems, personal_values, quasi_identifier_problems, read_log
from tests.conftest import app_settings

DEMO_CARDS = 30


@pytest.fixture(scope="module")
def demo():
    from engage.services import Engage

    directory = tempfile.mkdtemp(prefix="engage-leaf-privacy-")
    services = Engage.from_settings(
        app_settings(f"sqlite:///{directory}/demo.sqlite",
                     **{"engage.transparency.key_path": f"{directory}/log.key"}),
        run_projections=False)
    try:
        load_demo(services, cards=DEMO_CARDS)
        services.engine.catch_up()
        yield services, read_log(services)
    finally:
        services.close()
        shutil.rmtree(directory, ignore_errors=True)


def test_the_demo_writes_format_2_only(demo):
    _, log = demo
    assert len(log.leaves) > 500
    assert {leaf["format"] for leaf in log.leaves.values()} == {2}


def test_no_demo_leaf_holds_personal_data(demo):
    services, log = demo
    personal = personal_values(services)
    kinds = Counter(personal.values())
    assert kinds["person id"] >= 2 * DEMO_CARDS and kinds["card number"] >= DEMO_CARDS
    assert kinds["display name"] >= 5 and kinds["name"] >= DEMO_CARDS and kinds["email"] >= DEMO_CARDS
    assert leaked(log, personal) == []


def test_no_identifier_links_two_acts_of_one_person(demo):
    _, log = demo
    people = Counter(person for acts in log.acts.values() for person, _ in acts)
    # The check has something to bite on: residents with several acts each, ballots with changes.
    assert sum(1 for count in people.values() if count >= 3) >= 10
    assert any(leaf["type"] == "VoteChanged" for leaf in log.leaves.values())
    assert linking_problems(log) == []


def test_quasi_identifiers_appear_only_where_nothing_links(demo):
    _, log = demo
    shown = [leaf for leaf in log.leaves.values() if "age_band" in leaf["fields"]]
    assert {leaf["type"] for leaf in shown} >= {"CardIssued", "VolunteerRegistered"}
    assert quasi_identifier_problems(log) == []
