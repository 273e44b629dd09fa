"""The charter adds "where it went" to a contribution's page through the one extension mechanism
(engage/views/extensions.py): the consultation views know nothing of it."""

from uuid import UUID, uuid4

from engage.scripts.charter_demo import advance, demo_consultation
from engage.views.charter.provenance import where_it_went
from engage.views.extensions import _BY_TEMPLATE


def test_the_charter_extends_the_contribution_page():
    assert where_it_went in _BY_TEMPLATE["engage:templates/contribution_page.pt"]


def test_a_cited_contribution_says_where_it_went(testapp):
    engage = testapp.app.registry.engage
    app, by = engage.app, uuid4()
    consultation = demo_consultation(app, by)
    cited, other = (app.contribute(consultation_id=consultation, person_id=uuid4(), has_valid_card=True,
                                   kind="proposition", theme="Information et transparence", text=text).id
                    for text in ("Publier les suites données.", "Des réunions le samedi."))
    app.start_charter()
    article = app.add_article(title="Rendre compte", text="La Ville publie une synthèse.").id.hex
    app.link_charter_to_consultation(consultation)
    advance(app, consultation, "redaction", by=by)
    engage.wait_for(app.revise_article(article, text="La Ville publie une synthèse et ses suites.", base_version=1,
                                       reason="Retenu", contributions=[UUID(str(cited))]).position)

    page = testapp.get(f"/consultations/charte-participation/contributions/{cited.hex}")
    assert "Où est allée cette contribution" in page.text
    assert f"/charte/articles/{article}/versions/2" in page.text and "Rendre compte" in page.text
    assert "Où est allée" not in testapp.get(f"/consultations/charte-participation/contributions/{other.hex}").text
