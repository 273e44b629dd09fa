"""The account page lists the resident's own acts, their own ballot's choice included."""

from uuid import uuid4

from tests.common.accounts import resident, services
from tests.common.consultations import create_consultation


def test_a_vote_cast_on_the_site_appears_with_its_choice_in_the_history(testapp):
    engage = services(testapp)
    resident(testapp, email="ines@exemple.fr", display_name="Inès du 19e")
    consultation = create_consultation(engage.app)
    item = engage.app.contribute(consultation_id=consultation, person_id=uuid4(), has_valid_card=True,
                                 kind="avis", theme="Budget participatif", text="Un budget par quartier.").id
    engage.engine.catch_up()
    page = testapp.get(f"/consultations/charte/contributions/{item.hex}")
    vote = page.forms["vote"]
    vote["option"] = "pas-d-accord"
    vote.submit("submit", status=303)
    history = [" ".join(row.text.split()) for row in testapp.get("/compte").html.select("table.history tbody tr")]
    assert any("Vote « Pas d'accord » sur une contribution de la consultation "
               "« Charte parisienne de la participation »" in row for row in history), history
