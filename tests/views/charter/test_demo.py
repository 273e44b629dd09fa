"""The demo shows the Paris 2017 commitment at once: milestones, the adopted charter, the guide."""

import re

from engage.scripts.demo import load_demo


def test_demo_loads_the_commitment_and_an_adopted_charter(testapp):
    engage = testapp.app.registry.engage
    load_demo(engage, cards=5)
    page = testapp.get("/engagement")
    assert page.text.count('class="milestone"') == 4 and "Achevé" in page.text
    adopted = testapp.get("/charte/adoptee")
    assert "2017 DDCT 183" in adopted.text and "Données d'illustration" in adopted.text
    assert "la suite qui lui est donnée" in adopted.text  # an accepted amendment made it in
    charter = testapp.get("/charte")
    assert "Version 3" in charter.text
    # Consistent with its consultation: drafted in its « redaction » phase, adopted in « adoption » (2017),
    # article versions citing the contributions that shaped them, and those contributions saying so.
    from engage.projections.charter.provenance_queries import charter_consultation
    from engage.projections.consultations.queries import consultation

    linked = consultation(engage.db, charter_consultation(engage.db).slug)
    assert linked.current_phase == "adoption" and linked.plan[2]["starts_on"].startswith("2017-")
    assert "La charte a été rédigée avec la consultation" in charter.text
    assert re.search(r"\b\d+ contributions? citées?\b", adopted.text)
    version = re.search(r'href="http://localhost(/charte/articles/[0-9a-f]+/versions/2)"', adopted.text).group(1)
    cited = re.search(r'href="http://localhost(/consultations/[\w-]+/contributions/[0-9a-f]+)"',
                      testapp.get(version).text).group(1)
    assert version in testapp.get(cited).text
    assert "Comment participer" in testapp.get("/guide").text
    assert "<strong>en ligne</strong>" in testapp.get("/guide/comment-participer").text


def test_amendments_and_article_versions_are_open_data(testapp):
    load_demo(testapp.app.registry.engage, cards=5)
    amendments = testapp.get("/opendata/charter-amendments/charter-amendments.csv").text.splitlines()
    assert amendments[0].startswith("amendment_id,article_id,base_version,text,rationale,status")
    assert "author" not in amendments[0]
    # Four demo amendments, some accepted (vote counts follow the open-data suppression rules).
    assert len(amendments) == 1 + 4 and any(",accepted," in row for row in amendments)
    versions = testapp.get("/opendata/charter-versions/charter-versions.csv").text
    assert versions.count("\n") >= 1 + 1  # the header and at least the adopted version
    api = testapp.get("/api/charter-amendments").json
    citations = testapp.get("/opendata/charter-citations/charter-citations.csv").text.splitlines()
    assert citations[0] == "article_id,version,contribution_id,cited_at" and len(citations) == 1 + 5
    assert api
