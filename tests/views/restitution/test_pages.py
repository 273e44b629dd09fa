"""The restitution through the web, on both back ends: answer, quote, report, publish, verify."""

from __future__ import annotations

import hashlib
import re
from uuid import UUID

from pyramid_mailer import get_mailer

from engage.projections.consultations import queries as q
from tests.common.accounts import with_roles as resident
from tests.common.consultations import THEMES, create_via_web

WHY = "La charte prévoit désormais un compte rendu sous huit jours."


def _setup(app):
    """The consultation created through the web, three contributions, still in its consultation phase."""
    services = app.app.registry.engage
    create_via_web(app)
    cid = UUID(q.consultation(services.db, "charte").consultation_id)
    holder = services.app.issue_card(name="Nom Prénom", email="holder@exemple.fr", arrondissement=11,
                                     age_band="25-34", consent_to_consultation=True).person_id
    editor = services.app.find_person_by_email("editrice@exemple.fr")  # editors take part too
    authors = [holder, UUID(int=101), editor]
    items = [services.app.contribute(consultation_id=cid, person_id=authors[i], has_valid_card=True,
                                     kind="proposition", theme=THEMES[i % 2],
                                     text=f"Proposition numéro {i} : des comptes rendus.").id
             for i in range(3)]
    services.engine.catch_up()
    return services, cid, items


def test_editor_answers_quotes_and_publishes_a_verifiable_version(editor_app, testapp):
    services, cid, items = _setup(editor_app)
    item_url = f"/consultations/charte/contributions/{items[0].hex}"
    form = editor_app.get(item_url + "/suite-donnee").forms["answer"]
    form["status"], form["justification"] = "retenue", WHY
    refused = form.submit("submit", status=400)  # the consultation phase is still running
    assert "à partir de la phase de restitution" in refused.text
    services.app.start_phase(cid, "restitution", started_by=UUID(int=7))
    services.engine.catch_up()
    head = services.engine.head()
    refused = editor_app.get("/consultations/charte/restitution/publier").forms["publish"].submit("submit", status=400)
    assert "aucune contribution publiée n'a encore reçu" in refused.text and services.engine.head() == head
    form = editor_app.get(item_url + "/suite-donnee").forms["answer"]
    form["justification"] = WHY
    refused = form.submit("submit", status=400)  # no status chosen
    assert "Choisissez la suite donnée." in refused.text
    form = refused.forms["answer"]
    form["status"] = "retenue"
    form["justification"] = "court"
    refused = form.submit("submit", status=400)
    assert "de 10 à 2 000 caractères" in refused.text
    form = refused.forms["answer"]
    form["status"] = "non-retenue"
    form["justification"] = "Hors du budget de cette année."
    form.submit("submit", status=303)
    form = editor_app.get(item_url + "/suite-donnee").forms["answer"]
    form["status"], form["justification"] = "retenue", WHY
    page = form.submit("submit", status=303).follow()
    assert "Retenue" in page.text and WHY in page.text and "Réponses précédentes" in page.text
    assert "Hors du budget de cette année." in page.text  # the earlier answer stays visible
    editor_app.get(item_url + "/citer").forms["quote"].submit("submit", status=303)
    refused = editor_app.get(item_url + "/citer").forms["quote"].submit("submit", status=400)
    assert "déjà citée" in refused.text
    listing = editor_app.get("/consultations/charte")
    assert "Suite donnée" in listing.text and "/consultations/charte/restitution" in listing.text

    report = testapp.get("/consultations/charte/restitution")
    assert 'role="img"' in report.text and "<desc" in report.text and 'scope="row"' in report.text
    assert "moins de 5" in report.text and WHY in report.text and "Proposition numéro 0" in report.text
    assert "Comment lire ces chiffres" in report.text
    # Key figures and the City's answers first; the method and the published versions below.
    headings = [(int(h.name[1]), h.get_text(strip=True)) for h in report.html.find_all(["h1", "h2", "h3"])]
    titles = [text for _level, text in headings]
    assert titles.index("L'essentiel en chiffres") < titles.index("Par canal") < titles.index(
        "Suite donnée par la Ville") < titles.index("La suite donnée à chaque contribution") < titles.index(
        "Par arrondissement") < titles.index("Comment lire ces chiffres") < titles.index("Versions publiées")
    assert [level for level, _text in headings][0] == 1
    assert all(b - a <= 1 for (a, _), (b, _) in zip(headings, headings[1:]))  # h1 > h2 > h3, no level skipped
    shares = report.html.find("dt", string="Part des contributions ayant reçu une réponse").find_next("dd")
    assert shares.get_text() == "33,3\u00a0%"  # one answer for three contributions
    assert "100,0\u00a0%" in report.text and "xmlns:tal" not in report.text

    publish = editor_app.get("/consultations/charte/restitution/publier").forms["publish"]
    version = publish.submit("submit", status=303).follow()
    assert "/restitution/versions/1" in version.request.url
    digest = re.search(r'<code class="hash">([0-9a-f]{64})</code>', version.text).group(1)
    data = testapp.get("/consultations/charte/restitution/versions/1.json")
    assert data.content_type == "application/json" and hashlib.sha256(data.body).hexdigest() == digest
    again = editor_app.get("/consultations/charte/restitution/publier").forms["publish"].submit("submit", status=400)
    assert "n'a pas changé" in again.text
    # A later answer makes version 2; version 1 still serves its own bytes.
    form = editor_app.get(f"/consultations/charte/contributions/{items[1].hex}/suite-donnee").forms["answer"]
    form["status"], form["justification"] = "hors-champ", "Relève de la compétence de l'État."
    form.submit("submit", status=303)
    editor_app.get("/consultations/charte/restitution/publier").forms["publish"].submit("submit", status=303)
    assert testapp.get("/consultations/charte/restitution/versions/1.json").body == data.body
    assert "compétence de l'État" in testapp.get("/consultations/charte/restitution/versions/2").text
    # Open data: the contribution's arrondissement (from its author's card) and the City's answer.
    rows = {row["contribution_id"]: row for row in testapp.get(f"/api/contributions?consultation={cid.hex}").json["data"]}
    assert rows[items[0].hex]["arrondissement"] == 11 and rows[items[0].hex]["answer_status"] == "retenue"
    assert rows[items[0].hex]["answer_justification"] == WHY and rows[items[2].hex]["answer_status"] is None
    assert testapp.get("/api/contributions?arrondissement=11").json["data"][0]["contribution_id"] == items[0].hex
    versions = testapp.get(f"/api/restitution-versions?consultation={cid.hex}").json["data"]
    assert [(v["number"], v["answered"]) for v in versions] == [(1, 1), (2, 2)]
    assert versions[0]["snapshot_sha256"] == digest
    testapp.get("/consultations/charte/restitution/versions/3", status=404)
    testapp.get("/consultations/charte/restitution/versions/3.json", status=404)
    # The author is told of the City's answer: a notification and a mail (here the editor wrote items[2]).
    form = editor_app.get(f"/consultations/charte/contributions/{items[2].hex}/suite-donnee").forms["answer"]
    form["status"], form["justification"] = "partiellement-retenue", WHY
    form.submit("submit", status=303)
    notices = editor_app.get("/compte/notifications")
    assert "La Ville a répondu à votre contribution." in notices.text
    assert "Suite donnée : Partiellement retenue" in notices.text
    sent = get_mailer(editor_app.app.registry).outbox[-1]
    assert sent.recipients == ["editrice@exemple.fr"] and "Partiellement retenue" in sent.body and WHY in sent.body
    # Residents read the report but may neither answer nor publish.
    resident(testapp, "camille@exemple.fr", "Camille du 11e")
    testapp.get(item_url + "/suite-donnee", status=403)
    testapp.get("/consultations/charte/restitution/publier", status=403)
    assert "Donner ou réviser" not in testapp.get(item_url).text
