"""The demo shows the Paris 2017 commitment at once: milestones, the adopted charter, the guide."""

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
    assert "Comment participer" in testapp.get("/guide").text
    assert "<strong>en ligne</strong>" in testapp.get("/guide/comment-participer").text
