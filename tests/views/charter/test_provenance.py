"""Provenance both ways, through the web on both back ends: an editor cites the contributions that shaped
an article version (picker checkboxes, pasted addresses); the version page lists its amendment and its
contributions; the contribution page says where it went; what cannot be cited is refused, nothing recorded."""

import re
from uuid import uuid4

from engage.scripts.charter_demo import advance, demo_consultation
from tests.common.charter import first_article_url, propose, submit

TEXTS = ("Publier les suites données à chaque proposition, sous huit jours.",
         "Des réunions le samedi matin avec une garde d'enfants.",
         "Un message hors sujet, masqué par la modération.")


def consultation_with_contributions(editor):
    """A consultation with three contributions (the last one hidden), then in its drafting phase,
    and the charter (one article) linked to it."""
    engage = editor.app.registry.engage
    app, by = engage.app, editor.person_id
    consultation = demo_consultation(app, by)
    ids = [app.contribute(consultation_id=consultation, person_id=uuid4(), has_valid_card=True, kind="proposition",
                          theme="Information et transparence", text=text).id for text in TEXTS]
    app.hide_contribution(ids[2], reason="Hors sujet", moderator_id=by)
    submit(editor.get("/charte/redaction"), "start")
    submit(editor.get("/charte/redaction"), "article", title="Rendre compte", text="La Ville publie une synthèse.")
    submit(editor.get("/charte/redaction"), "link", consultation=consultation.hex)
    advance(app, consultation, "redaction", by=by)
    engage.engine.catch_up()
    return consultation, [i.hex for i in ids]


def test_cited_contributions_both_ways(testapp, editor, resident):
    consultation, ids = consultation_with_contributions(editor)
    article = first_article_url(editor)
    amendment = propose(resident, article, "La Ville publie une synthèse et la suite donnée à chaque contribution.")
    amendment_url = amendment.location.replace("http://localhost", "")

    # The picker: a search over the consultation's published contributions, results as checkboxes.
    page = editor.get(amendment_url + "?recherche=samedi")
    decision = page.forms["decision"]
    assert len(decision.fields["checkbox"]) == 1 and f'value="{ids[1]}"' in page.text
    assert "hors sujet" not in editor.get(amendment_url).text.lower()  # a hidden one is never offered
    decision["decision"] = "accept"
    decision["reason"] = "Retenu avec les contributions."
    decision.fields["checkbox"][0].checked = True
    decision["references"] = f"http://localhost/consultations/charte-participation/contributions/{ids[0]}"
    decision.submit("submit", status=303)

    version_page = testapp.get(article + "/versions/2")
    assert amendment_url in version_page.text and "Retenu avec les contributions." in version_page.text
    for contribution_id, text in zip(ids[:2], TEXTS[:2]):
        assert f"/contributions/{contribution_id}" in version_page.text and text in version_page.text
    assert "inspirée de 2 contributions :" in testapp.get(article).text

    where = testapp.get(f"/consultations/charte-participation/contributions/{ids[1]}")
    assert "Où est allée cette contribution" in where.text and article + "/versions/2" in where.text
    assert "Où est allée" not in testapp.get(f"/consultations/charte-participation/contributions/{ids[2]}").text
    # The diff's spoken labels follow the page's language.
    testapp.get("/langue/en", status=303)
    english = testapp.get(article + "/comparer?de=1&a=2").text
    assert '<ins><span class="visually-hidden">added: </span>' in english and "ajouté" not in english.lower()


def test_what_cannot_be_cited_is_refused_and_nothing_is_recorded(testapp, editor):
    consultation, ids = consultation_with_contributions(editor)
    article = first_article_url(editor)
    edit = article + "/modifier"
    hidden = submit(editor.get(edit), "revise", status=400, text="Nouveau texte.", reason="Relu", references=ids[2])
    assert f"La contribution « {ids[2][:8]} » a été masquée ou retirée" in hidden.text
    unknown = submit(editor.get(edit), "revise", status=400, text="Nouveau texte.", reason="Relu",
                     references=uuid4().hex)
    assert "n'existe pas dans la consultation de la charte" in unknown.text
    garbage = submit(editor.get(edit), "revise", status=400, text="Nouveau texte.", reason="Relu",
                     references="la-contribution-sur-les-jeunes")
    assert "n'est ni l'adresse ni l'identifiant d'une contribution" in garbage.text
    page = testapp.get(article)
    assert "Version actuelle : 1." in page.text and "Nouveau texte." not in page.text
    # A valid citation by an editor's own revision, by its bare id.
    submit(editor.get(edit), "revise", text="Nouveau texte.", reason="Relu", references=ids[0])
    assert re.search(rf"/contributions/{ids[0]}", testapp.get(article + "/versions/2").text)
    testapp.get(article + "/versions/9", status=404)
    testapp.get(article + "/versions/deux", status=404)
