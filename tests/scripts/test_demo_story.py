"""The demo tells one story, and every page tells it the same way: the 2017 consultation launched,
restituted, the charter drafted with it and adopted in December 2017, at their 2017 dates; and a
live consultation of today that a resident can try."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest

from engage.projections.charter.provenance_queries import charter_consultation
from engage.projections.consultations import queries as cq
from engage.scripts.demo import load_demo
from engage.scripts.demo_consultations import SLUG as LIVE
from engage.scripts.demo_people import DEMO_PASSWORD, DEMO_RESIDENT
from engage.scripts.demo_restitution import SLUG as STORY
from tests.common.accounts import log_in


@pytest.fixture
def demo(testapp):
    load_demo(testapp.app.registry.engage, cards=5)
    return testapp


def rows(testapp, dataset):
    return list(csv.DictReader(io.StringIO(testapp.get(f"/opendata/{dataset}/{dataset}.csv").text)))


def test_every_page_tells_the_same_2017_story(demo):
    db = demo.app.registry.engage.db
    # The charter's consultation is the one the restitution belongs to, and the commitment links both.
    assert charter_consultation(db).slug == STORY
    engagement = demo.get("/engagement").text
    assert f"/consultations/{STORY}/restitution/versions/1" in engagement
    assert "2017 DDCT 183" in engagement or "/charte/adoptee" in engagement
    story = cq.consultation(db, STORY)
    assert story.current_phase == "adoption"
    assert [p["starts_on"][:7] for p in story.plan] == ["2017-01", "2017-06", "2017-09", "2017-11"]

    # Adopted, so frozen: no amendment or vote offered, and the page says why.
    charter = demo.get("/charte").text
    assert "son texte est figé" in charter and "amendement(s) en attente" not in charter
    assert "les amendements et les votes sont ouverts pendant sa phase" not in charter
    assert f"/consultations/{STORY}" in charter and "La charte a été rédigée avec la consultation" in charter

    # Dates agree: the deliberation of December 2017, the adopted version published that day.
    deliberation = rows(demo, "deliberations")[0]
    assert deliberation["DELIB_ID"] == "2017 DDCT 183" and deliberation["DELIB_DATE"].startswith("2017-12")
    versions = rows(demo, "charter-versions")
    assert all(v["published_at"].startswith("2017-") for v in versions)
    assert versions[-1]["published_at"][:10] == deliberation["DELIB_DATE"][:10]
    assert "12 décembre 2017" in demo.get("/charte/adoptee").text

    # The 2017 contributions are dated 2017, the restitution published in June 2017.
    contributions = [c for c in rows(demo, "contributions") if c["consultation_id"] == story.consultation_id]
    assert contributions and all(c["posted_at"].startswith("2017-") for c in contributions)
    restitution = demo.get(f"/consultations/{STORY}/restitution").text
    assert "juin 2017" in restitution
    phases = [p for p in rows(demo, "consultation-phases") if p["consultation_id"] == story.consultation_id]
    assert [p["started_at"][:7] for p in phases] == ["2017-01", "2017-06", "2017-09", "2017-11"]
    milestones = rows(demo, "commitment-milestones")
    assert all(m["actual_end"].startswith("2017-") for m in milestones), milestones
    assert "Comment participer" in demo.get("/guide").text

    # The 2017 consultation offers no contribution form; the live one of today does.
    closed = demo.get(f"/consultations/{STORY}").text
    assert "Les contributions et les votes sont clos" in closed and f"/consultations/{STORY}/contribuer" not in closed
    listing = demo.get("/consultations").text
    assert f"/consultations/{STORY}" in listing and f"/consultations/{LIVE}" in listing


def test_a_resident_tries_the_live_consultation_end_to_end(demo):
    db = demo.app.registry.engage.db
    live = cq.consultation(db, LIVE)
    assert live.current_phase == "consultation"
    page = demo.get(f"/consultations/{LIVE}").text
    assert f"/consultations/{LIVE}/contribuer" in page
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    assert any(m.starts_at > now for m in cq.meetings(db, live.consultation_id))  # a meeting ahead
    log_in(demo, DEMO_RESIDENT[0], DEMO_PASSWORD)
    form = demo.get(f"/consultations/{LIVE}/contribuer").forms["contribution"]
    form["kind"] = "proposition"
    form["theme"] = live.themes[0]
    form["text"] = "Un panneau dans chaque mairie qui dit ce que la charte a changé."
    item = form.submit("submit", status=303).follow()
    assert "Un panneau dans chaque mairie" in item.text
    other = re.search(rf'href="http://localhost(/consultations/{LIVE}/contributions/[0-9a-f]+)"',
                      demo.get(f"/consultations/{LIVE}").text).group(1)
    vote = demo.get(other).forms["vote"]
    vote["option"] = "d-accord"
    voted = vote.submit("submit", status=303).follow()
    assert "Votre vote" in voted.text and "Pour le changer" in voted.text
