"""The milestones dashboard (/engagement) and the participation guide (/guide) through the web."""

import re

from tests.common.charter import submit


def plan(testapp):
    app = testapp.app.registry.engage
    app.wait_for(app.app.plan_milestone(step=1, title="Lancement de la consultation", description="Guide et ateliers",
                                        planned_start="2017-01-01", planned_end="2017-06-30").position)


def test_dashboard_shows_the_commitment_and_editors_record_progress(testapp, editor, resident):
    plan(testapp)
    page = testapp.get("/engagement")
    assert "Engagement n° 2" in page.text and "Ateliers Citoyens" in page.text
    assert "Lancement de la consultation" in page.text and "1er janvier 2017" in page.text  # French typography: the first of the month is an ordinal
    assert "Pas commencé" in page.text and "/engagement/etapes/1" not in page.text
    resident.get("/engagement/etapes/1", status=403)
    step = editor.get("/engagement/etapes/1")
    bad = submit(step, "progress", status=400, level="complete", actual_start="2017-06-01", actual_end="2017-01-01")
    assert "La date de fin réelle précède" in bad.text
    submit(editor.get("/engagement/etapes/1"), "progress", level="substantial", actual_start="2017-01-15",
           actual_end="", note="Consultation en ligne ouverte")
    bad = submit(editor.get("/engagement/etapes/1"), "deliverable", status=400, title="Piège", url="javascript:alert(1)")
    assert "Le lien du livrable" in bad.text
    submit(editor.get("/engagement/etapes/1"), "deliverable", title="La charte en cours de rédaction", url="/charte")
    page = testapp.get("/engagement")
    assert "Substantiel" in page.text and "15 janvier 2017" in page.text
    assert '<a href="/charte">La charte en cours de rédaction</a>' in page.text
    assert "javascript:" not in page.text
    editor.get("/engagement/etapes/9", status=404)


def test_guide_versions_are_kept_and_rendered_safely(testapp, editor):
    assert "pas encore de page" in testapp.get("/guide").text
    form = editor.get("/guide/rediger")
    bad = submit(form, "guide", status=400, slug="Mauvaise Adresse", title="Titre", body="Texte")
    assert "L'adresse de la page ne peut contenir" in bad.text
    empty = submit(editor.get("/guide/rediger"), "guide", status=400, slug="bienvenue", title="Titre", body="")
    assert "Rédigez le contenu de la page" in empty.text
    submit(editor.get("/guide/rediger"), "guide", slug="comment-participer", title="Comment participer",
           body="## Les conseils de quartier\n\n<script>alert(1)</script>\n\n[piège](javascript:alert(1))")
    submit(editor.get("/guide/rediger?page=comment-participer"), "guide", slug="comment-participer",
           title="Comment participer", body="## Les conseils de quartier\n\nVersion revue.")
    page = testapp.get("/guide/comment-participer")
    assert "Version revue." in page.text and "Version 2" in page.text
    first = testapp.get("/guide/comment-participer/versions/1")
    assert "<script>alert" not in first.text and "href=\"javascript" not in first.text.lower()
    assert "&lt;script&gt;" in first.text and "la version actuelle est la 2" in first.text
    assert re.search(r"<h3>Les conseils de quartier</h3>|<h2>Les conseils de quartier</h2>", first.text)
    testapp.get("/guide/comment-participer/versions/3", status=404)
    testapp.get("/guide/inconnue", status=404)
    testapp.get("/guide/rediger", status=303)  # anonymous: to the login page
