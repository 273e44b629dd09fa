"""The organizations' and offers' pages, in French formats and words."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

STAFF = UUID(int=1)
ENGAGE = Path(__file__).resolve().parents[3] / "engage"


def offer(engage, organization_id, title, starts_on, ends_on):
    engage.app.publish_offer(
        organization_id, published_by=STAFF, as_staff=True, title=title, kind="cultural",
        description="Une visite commentée du canal Saint-Martin.", arrondissement=10, starts_on=starts_on,
        ends_on=ends_on, link="", card_conditions="Gratuit sur présentation de la carte.")


def test_an_offers_dates_read_as_french_says_them(testapp):
    engage = testapp.app.registry.engage
    org = engage.app.register_organization(
        name="Les Amis du Canal", kind="association", description="Association de quartier autour du canal.",
        website="", arrondissement=10, registered_by=STAFF).id
    offer(engage, org, "Balade d'un jour", "2027-03-12", "2027-03-12")
    offer(engage, org, "Balade sans fin", "2027-03-01", "")
    offer(engage, org, "Balade d'un mois", "2027-04-01", "2027-04-30")
    engage.engine.catch_up()
    for page in (testapp.get("/offres"), testapp.get(f"/organisations/{org.hex}")):
        notes = {li.select_one("h2, h3").get_text(strip=True): " ".join(li.get_text(" ").split())
                 for li in page.html.select("li") if li.select_one("h2, h3")}
        assert "le 12 mars 2027" in notes["Balade d'un jour"] and "au 12 mars" not in notes["Balade d'un jour"]
        assert "à partir du 1er mars 2027" in notes["Balade sans fin"]
        assert "du 1er avril 2027 au 30 avril 2027" in notes["Balade d'un mois"]


def test_civic_tech_is_written_as_the_commitment_writes_it(testapp):
    for path in ENGAGE.rglob("*"):
        if path.suffix in (".py", ".pt"):
            assert "civic tech" not in path.read_text(encoding="utf-8").lower(), path
    assert "civic-tech" in testapp.get("/organisations").text
