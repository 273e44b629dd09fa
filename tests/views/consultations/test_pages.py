"""Consultations through the web: plan, contribute, vote, moderate, meetings, notifications."""

from __future__ import annotations

import hashlib
from uuid import UUID

import pytest

from tests.common.accounts import ADMIN, csrf_of, outbox
from tests.common.accounts import with_roles as resident
from tests.common.consultations import THEMES, create_via_web


def test_editor_creates_plans_and_opens_a_consultation(editor_app):
    page = create_via_web(editor_app)
    assert "Charte parisienne de la participation" in page.text
    page = editor_app.get("/consultations/charte")
    assert "(en cours)" in page.text and "1er novembre 2026" in page.text  # French: the 1st is an ordinal
    listing = editor_app.get("/consultations")
    assert "/consultations/charte" in listing.text
    edit = editor_app.get("/consultations/charte/modifier").forms["consultation"]
    edit["consultation_ends"] = "2027-01-15"  # overlaps the restitution: refused
    refused = edit.submit("submit", status=400)
    assert "quatre phases" in refused.text
    edit = refused.forms["consultation"]
    edit["consultation_ends"] = "2026-12-20"
    edit.submit("submit", status=303)
    assert "20 décembre 2026" in editor_app.get("/consultations/charte").text


def test_residents_cannot_edit_and_anonymous_must_sign_in(testapp, editor_app):
    create_via_web(editor_app)
    assert testapp.get("/consultations/charte").status_int == 200
    assert "/compte/connexion" in testapp.get("/consultations/charte/contribuer", status=303).location
    testapp.get("/consultations/inconnue", status=404)
    resident(testapp, "camille@exemple.fr", "Camille du 11e")
    testapp.get("/consultations/nouvelle", status=403)
    testapp.get("/moderation", status=403)


def contribute(app, text="Publier les comptes rendus des conseils de quartier.", kind="proposition",
               theme=THEMES[0], status=303):
    form = app.get("/consultations/charte/contribuer").forms["contribution"]
    form["kind"] = kind
    form["theme"] = theme
    form["text"] = text
    return form.submit("submit", status=status)


def assert_why_not_published(page):
    """Each "non publié" leads to a visible explanation on the page (not a title attribute)."""
    links = [a for a in page.html.select('a[href="#non-publie"]')]
    assert links and all(a.get_text(strip=True) == "non publié" for a in links)
    note = page.html.select_one("#non-publie").get_text(" ", strip=True)
    assert "moins de 5" in note and "protéger" in note


def test_contribute_vote_and_see_the_count(editor_app, make_app):
    create_via_web(editor_app)
    camille = make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    item = contribute(camille, text="<script>alert(1)</script> Des <b>réunions</b> le soir").follow()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in item.text and "<script>alert" not in item.text
    assert "Votre contribution est publiée" in item.text
    vote = item.forms["vote"]
    vote["option"] = "d-accord"
    item = vote.submit("submit", status=303).follow()
    assert "Votre vote est enregistré" in item.text
    counts = item.html.select("table.counts tbody tr")
    # One vote: a count under 5, not published (as in the vote-counts dataset).
    assert [c.get_text(strip=True) for c in counts[0].find_all(["th", "td"])] == [
        "D'accord", "non publié", "0", "non publié"]
    assert_why_not_published(item)
    assert_why_not_published(camille.get("/consultations/charte"))  # one "d'accord" in the list
    # change of mind, then withdraw
    vote = item.forms["vote"]
    vote["option"] = "mitige"
    item = vote.submit("submit", status=303).follow()
    assert [td.text for td in item.html.select("table.counts tbody tr")[1].find_all("td")] == [
        "non publié", "0", "non publié"]
    item = item.forms["vote"].submit("submit", status=303)  # unchanged: fine, nothing new
    listing = camille.get("/consultations/charte?type=proposition&canal=en-ligne")
    assert "Camille du 11e" in listing.text
    assert "Aucune contribution" in camille.get("/consultations/charte?canal=en-presentiel").text


def test_a_vote_without_a_known_option_is_refused_in_french_and_records_nothing(editor_app, make_app):
    create_via_web(editor_app)
    camille = make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    item = contribute(camille).follow()
    vote_url = item.forms["vote"].action
    token = item.forms["vote"]["csrf_token"].value
    head = camille.app.registry.engage.engine.head()
    for fields in ({"option": "peut-etre"}, {"option": ""}, {}):
        answer = camille.post(vote_url, {"csrf_token": token, "submit": "submit", **fields}, status=303)
        assert answer.location.endswith("#votes")
        assert "Choisissez une réponse." in answer.follow().text
    assert camille.app.registry.engage.engine.head() == head
    camille.post(vote_url, {"option": "d-accord", "submit": "submit"}, status=400)  # no CSRF token
    assert camille.app.registry.engage.engine.head() == head
    item = camille.post(vote_url, {"csrf_token": token, "option": "pas-d-accord", "submit": "submit"},
                        status=303).follow()
    assert "Votre vote est enregistré" in item.text and item.forms["vote"]["option"].value == "pas-d-accord"


def test_bad_contributions_are_refused_in_french_and_change_nothing(editor_app, make_app):
    create_via_web(editor_app)
    camille = make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    head = camille.app.registry.engage.engine.head()
    page = contribute(camille, text="   ", status=400)
    assert "Écrivez le texte" in page.text or "vide" in page.text
    page = contribute(camille, text="x" * 4001, status=400)
    assert "4 000 caractères" in page.text
    form = camille.get("/consultations/charte/contribuer").forms["contribution"]
    form["kind"], form["theme"], form["text"] = "proposition", THEMES[0], "ok"
    form.fields["theme"][0].force_value("Thème inventé")
    assert "thèmes de la consultation" in form.submit("submit", status=400).text
    assert camille.app.registry.engage.engine.head() == head


def test_edit_withdraw_reply_report_hide_restore_and_notifications(editor_app, make_app):
    create_via_web(editor_app)
    camille, lea = make_app(), make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    resident(lea, "lea@exemple.fr", "Léa du 20e")
    item_url = contribute(camille).location
    item = camille.get(item_url)
    edit = camille.get(item_url + "/modifier").forms["edit"]
    edit["text"] = "Version corrigée"
    assert "Version corrigée" in edit.submit("submit", status=303).follow().text
    camille.get(item_url + "/modifier").forms["edit"]  # still within 15 minutes
    # someone else can't edit it
    other = lea.get(item_url + "/modifier").forms["edit"]
    other["text"] = "Intrus"
    assert "Seul l'auteur" in other.submit("submit", status=400).text
    # a reply notifies the author
    reply = lea.get(item.html.find("a", string="Répondre")["href"]).forms["contribution"]
    reply["kind"], reply["text"] = "avis", "Bonne idée, et en ligne aussi."
    reply.submit("submit", status=303)
    notes = camille.get("/compte/notifications")
    assert "Quelqu'un a répondu à votre contribution" in notes.text
    # report, then a moderator hides it with a public reason
    report = lea.get(item_url + "/signaler").forms["report"]
    report["reason"] = "Hors sujet"
    report.submit("submit", status=303)
    queue = editor_app.get("/moderation")
    assert "Hors sujet" in queue.text
    hide = editor_app.get(item_url + "/masquer").forms["hide"]
    hide["reason"] = "Contraire à la charte de modération"
    hidden = hide.submit("submit", status=303).follow()
    assert "Contraire à la charte de modération" in hidden.text and "Version corrigée" not in hidden.text
    assert "La contribution est masquée" in hidden.html.select_one(".notice.success").text  # the moderator is told
    told = outbox(editor_app)[-1]  # the author may answer: the reply reaches the moderators, not a no-reply box
    assert told.recipients == ["camille@exemple.fr"] and "répondez à ce message" in told.body
    assert told.extra_headers["Reply-To"] == editor_app.app.registry.settings["engage.moderation_contact"]
    public = make_app().get(item_url)
    assert "Version corrigée" not in public.text and "masquée par la modération" in public.text
    assert "Version corrigée" not in make_app().get("/consultations/charte").text
    assert "masquée par la modération" in camille.get("/compte/notifications").text
    assert "Version corrigée" not in camille.get("/consultations/charte", params={"q": "corrigée"}).text
    assert camille.get("/consultations/charte?q=%E9t%E9").status_int == 200  # not UTF-8: ignored
    restore = editor_app.get(item_url).forms["restore"]
    restore.submit(status=303)
    assert "Version corrigée" in make_app().get(item_url).text
    # withdrawal after a confirmation step
    camille.get(item_url + "/retirer").forms["withdraw"].submit("submit", status=303)
    assert "retirée par son auteur" in make_app().get(item_url).text


def test_one_report_per_person_through_the_web(editor_app, make_app):
    """Issue 16: reporting the same contribution again is refused in French and not counted."""
    create_via_web(editor_app)
    camille, lea = make_app(), make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    resident(lea, "lea@exemple.fr", "Léa du 20e")
    item_url = contribute(camille).location
    engine = editor_app.app.registry.engage.engine

    def report(app, reason, status):
        form = app.get(item_url + "/signaler").forms["report"]
        form["reason"] = reason
        return form.submit("submit", status=status)

    report(lea, "Hors sujet", 303)
    head = engine.head()
    again = report(lea, "Toujours hors sujet", 400)
    assert "déjà signalé" in again.text
    assert engine.head() == head
    assert "1 signalement ·" in editor_app.get("/moderation").text
    report(editor_app, "Propos déplacés", 303)
    assert "2 signalements ·" in editor_app.get("/moderation").text


def test_meeting_transcription_with_scan_and_show_of_hands(editor_app, make_app):
    create_via_web(editor_app)
    form = editor_app.get("/consultations/charte/reunions/nouvelle").forms["meeting"]
    form["title"] = "Réunion publique du 11e"
    form["starts_at"] = "2026-12-03T18:30"
    form["place"] = "Mairie du 11e"
    refused = form.submit("submit", status=400)  # no arrondissement
    assert "arrondissement" in refused.text
    form = refused.forms["meeting"]
    form["arrondissement"] = "11"
    # Midnight on the first day of year 1 in Paris is still year 0 in UTC, which Python cannot
    # spell: a clear message, not a 500, and nothing recorded.
    form["starts_at"] = "0001-01-01T00:00"
    head = editor_app.app.registry.engage.engine.head()
    before_year_1 = form.submit("submit", status=400)
    assert "Indiquez la date et l'heure de la réunion" in before_year_1.text
    assert editor_app.app.registry.engage.engine.head() == head
    form = before_year_1.forms["meeting"]
    form["starts_at"] = "2026-12-03T18:30"
    meeting = form.submit("submit", status=303).follow()
    assert "3 décembre 2026 à 18:30" in meeting.text
    head = meeting.forms["headcount"]
    head["headcount"] = "-3"
    assert "négatif" in head.submit("submit", status=400).text
    head = editor_app.get(meeting.request.url).forms["headcount"]
    head["headcount"] = "42"
    assert "42" in head.submit("submit", status=303).follow().text
    sheets = editor_app.get(meeting.request.url + "/feuilles").forms["sheets"]
    sheets["count"] = "1"
    sheets.submit("submit", status=303)
    transcribe = editor_app.get(meeting.request.url + "/transcrire").forms["transcription"]
    transcribe["sheet"] = "000001-8"
    transcribe["kind"], transcribe["theme"] = "proposition", THEMES[2]
    transcribe["text"] = "Tirer au sort une partie des conseillers de quartier."
    transcribe["paper_reference"] = "F-11-007"
    scan = b"%PDF-1.4 scan du formulaire"
    transcribe["scan"] = ("scan.pdf", scan)
    done = transcribe.submit("submit", status=303).follow()
    assert "provenance" in done.text
    listing = make_app().get("/consultations/charte?canal=en-presentiel")
    assert "Tirer au sort" in listing.text and "recueillie en réunion" in listing.text
    item_url = listing.html.select("ol.contributions a")[0]["href"]
    item = editor_app.get(item_url)
    assert hashlib.sha256(scan).hexdigest() in item.text and "F-11-007" in item.text
    hands = item.forms["hands"]
    hands["agree"], hands["mixed"], hands["disagree"] = "30", "5", "2"
    item = hands.submit("submit", status=303).follow()
    row = item.html.select("table.counts tbody tr")[0]
    assert [td.text for td in row.find_all("td")] == ["0", "30", "30"]
    # 30 d'accord passes the threshold of 2: the policy flags it for study
    services = editor_app.app.registry.engage
    services.engine.catch_up()
    services.engine.catch_up()
    assert "À l'étude par la Ville" in make_app().get(item_url).text
    counts = make_app().get("/consultations/charte")
    assert [td.text for td in counts.html.select("table")[1].find_all("td")] == ["0", "1"]


def test_stats_endpoints(editor_app, make_app):
    create_via_web(editor_app)
    camille = make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    item = contribute(camille).follow()
    vote = item.forms["vote"]
    vote["option"] = "pas-d-accord"
    vote.submit("submit", status=303)
    votes = camille.get("/api/stats/votes-per-item").json
    assert [(r["channel"], r["option"], r["value"]) for r in votes["counts"]] == [("en ligne", "pas-d-accord", None)]
    contributions = camille.get("/api/stats/contributions-per-consultation").json
    assert [(r["channel"], r["contributions"]) for r in contributions["counts"]] == [("en ligne", 1)]
    assert votes["position"] > 0


def test_authors_get_mail_for_replies_and_hiding(editor_app, make_app):
    from pyramid_mailer import get_mailer

    create_via_web(editor_app)
    camille, lea = make_app(), make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    resident(lea, "lea@exemple.fr", "Léa du 20e")
    item_url = contribute(camille).location
    reply = lea.get("/consultations/charte/contribuer", params={"reponse_a": item_url.rsplit("/", 1)[1]})
    form = reply.forms["contribution"]
    form["kind"], form["text"] = "avis", "D'accord avec vous."
    form.submit("submit", status=303)
    sent = get_mailer(lea.app.registry).outbox[-1]
    assert sent.recipients == ["camille@exemple.fr"] and "a répondu" in sent.body
    hide = editor_app.get(item_url + "/masquer").forms["hide"]
    hide["reason"] = "Propos hors charte"
    hide.submit("submit", status=303)
    sent = get_mailer(editor_app.app.registry).outbox[-1]
    assert sent.recipients == ["camille@exemple.fr"] and "Propos hors charte" in sent.body


def test_a_card_requested_while_signed_in_opens_card_only_consultations(editor_app, make_app):
    create_via_web(editor_app, card="oui")
    camille = make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    # No card: no form, but why, and where to get one; a POST anyway is refused, nothing written.
    page = camille.get("/consultations/charte/contribuer")
    assert "contribution" not in page.forms and "Carte Citoyen·ne valide" in page.text
    assert 'href="http://localhost/carte"' in page.text
    head = camille.app.registry.engage.engine.head()
    camille.post("/consultations/charte/contribuer", {"csrf_token": csrf_of(page), "kind": "avis", "text": "ok"},
                 status=409)
    assert camille.app.registry.engage.engine.head() == head
    consultation = camille.get("/consultations/charte").text
    assert "/consultations/charte/contribuer" not in consultation and "Demander ma Carte Citoyen·ne" in consultation
    form = camille.get("/carte").forms["card-request"]
    form["arrondissement"], form["age_band"] = "11", "25-34"
    form["consent"], form["newsletter"] = "oui", "non"
    form.submit("submit", status=303)
    contribute(camille)  # now accepted


def test_questionnaire_built_answered_once_and_results(editor_app, make_app):
    form = editor_app.get("/questionnaires/nouveau").forms["questionnaire"]
    form["title"] = "La charte et vous"
    form["target"] = "carte"
    form["questions"] = "Votre priorité ? | choix-unique | obligatoire | Information ; Quartiers\nmauvaise ligne"
    refused = form.submit("submit", status=400)
    assert "La ligne 2 ne suit pas le modèle" in refused.text
    form = refused.forms["questionnaire"]
    form["questions"] = ("Votre priorité ? | choix-unique | obligatoire | Information ; Quartiers\n"
                         "Canaux | choix-multiple | facultative | Site ; Réunions\n"
                         "Confiance | echelle | obligatoire\n"
                         "Une idée ? | texte | facultative")
    page = form.submit("submit", status=303).follow()
    url = page.request.path
    camille = make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    page = camille.get(url)  # no card yet: no form, why, and where to get one
    assert "answers" not in page.forms and "autre public" in page.text
    assert 'href="http://localhost/carte"' in page.text
    camille.post(url, {"csrf_token": csrf_of(page), "q1": "Information", "q3": "4"}, status=400)
    card = camille.get("/carte").forms["card-request"]
    card["arrondissement"], card["age_band"] = "11", "25-34"
    card["consent"], card["newsletter"] = "oui", "non"
    card.submit("submit", status=303)
    answers = camille.get(url).forms["answers"]
    answers["q1"] = "Information"
    answers["q3"] = "4"
    answers["q4"] = "<i>Samedi</i> matin"
    results = answers.submit(status=303).follow()
    assert "Merci : votre réponse est enregistrée." in results.text
    assert "&lt;i&gt;Samedi&lt;/i&gt; matin" in results.text
    row = results.html.select("table")[0].select("tbody tr")[0]
    # One answer: not published, as in the questionnaire-results dataset.
    assert [c.get_text(strip=True) for c in row.find_all(["th", "td"])] == ["Information", "non publié"]
    assert_why_not_published(results)
    assert "réponses : non publié" in " ".join(results.html.get_text().split())  # fewer than 5: no count
    assert "Vous avez répondu" in camille.get(url).text and "answers" not in camille.get(url).forms
    assert "La charte et vous" in make_app().get("/questionnaires").text


def test_the_author_gets_mail_when_the_threshold_is_reached(editor_app, make_app):
    from pyramid_mailer import get_mailer

    create_via_web(editor_app, threshold="1")
    camille = make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    item = contribute(camille).follow()
    vote = item.forms["vote"]
    vote["option"] = "d-accord"
    vote.submit("submit", status=303)
    services = camille.app.registry.engage
    services.engine.catch_up()  # the policy runs after a catch-up (the worker's, or this one)
    services.engine.catch_up()
    # Every app built here runs its own worker and policy: whichever flags the item mails, once.
    import time

    outboxes = [get_mailer(app.app.registry).outbox for app in (editor_app, camille)]
    for _ in range(100):  # a worker that flagged it may still be composing its mail
        mails = [m for outbox in outboxes for m in outbox if "à l'étude" in m.subject]
        if mails:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    mails = [m for outbox in outboxes for m in outbox if "à l'étude" in m.subject]
    assert len(mails) == 1 and mails[0].recipients == ["camille@exemple.fr"]


def test_pages_in_english(editor_app, make_app):
    create_via_web(editor_app)
    contribute(editor_app)
    visitor = make_app()
    visitor.set_cookie("engage_lang", "en")
    page = visitor.get("/consultations/charte")
    assert "Current phase:" in page.text and "Consultation" in page.text and "Schedule" in page.text
    item = visitor.get(page.html.select("ol.contributions a")[0]["href"])
    assert "Votes by channel" in item.text and "Agree" in item.text
    assert "Questionnaires" in visitor.get("/questionnaires").text


def test_forged_posts_never_give_a_500(editor_app):
    create_via_web(editor_app)
    item_url = contribute(editor_app).location
    token = editor_app.get("/consultations/charte").forms[1]["csrf_token"].value
    page = editor_app.post(item_url + "/main-levee", {"csrf_token": token, "meeting": "pas-un-uuid",
                                                      "agree": "1", "mixed": "0", "disagree": "0"}, status=400)
    assert "Choisissez la réunion" in page.text
    editor_app.post("/consultations/charte/phase", {"csrf_token": token, "phase": "n-importe"}, status=303)
    editor_app.post(item_url + "/voter", {"csrf_token": token, "option": "peut-etre"}, status=303)
    editor_app.get("/consultations/charte/contributions/pas-un-id", status=404)
    editor_app.get("/questionnaires/pas-un-id", status=404)
    editor_app.post(item_url + "/voter", {"option": "d-accord"}, status=400)  # no CSRF token


def test_contributing_in_an_organizations_name(editor_app, make_app):
    create_via_web(editor_app)
    camille, lea = make_app(), make_app()
    resident(camille, "camille@exemple.fr", "Camille du 11e")
    lea_id = resident(lea, "lea@exemple.fr", "Léa du 20e")
    services = camille.app.registry.engage
    org = services.app.register_organization(
        name="Association des habitants du 11e", kind="association", description="Vie de quartier.",
        website="https://exemple.fr", arrondissement=11, registered_by=ADMIN).id
    services.app.attach_representative(org, email="camille@exemple.fr", attached_by=ADMIN)
    services.engine.catch_up()
    form = camille.get("/consultations/charte/contribuer").forms["contribution"]
    form["kind"], form["theme"], form["text"] = "proposition", THEMES[2], "Des conseils de quartier ouverts."
    form["organization"] = org.hex
    item = form.submit("submit", status=303).follow()
    assert "au nom de" in item.text and "Association des habitants du 11e" in item.text
    assert "Association des habitants du 11e" in camille.get("/consultations/charte").text
    # Léa represents nothing: no choice offered, and a forged choice is refused, nothing written.
    form = lea.get("/consultations/charte/contribuer").forms["contribution"]
    assert "organization" not in form.fields
    from engage.domain.common import DomainError

    head = services.engine.head()
    with pytest.raises(DomainError):
        services.app.contribute(consultation_id=services.app.get_contribution(
            UUID(item.request.path.rsplit("/", 1)[1])).consultation_id, person_id=lea_id, has_valid_card=True,
            kind="avis", theme=THEMES[0], text="Au nom d'une autre", organization_id=org)
    assert services.engine.head() == head


def test_a_flag_for_study_says_when_the_threshold_was_reached(testapp):
    from engage.views.toolkit import when
    from tests.common.consultations import contribute as contribute_through_the_app
    from tests.common.consultations import create_consultation

    engage = testapp.app.registry.engage
    consultation = create_consultation(engage.app, threshold=1)
    item = contribute_through_the_app(engage.app, consultation).id
    engage.wait_for(engage.app.flag_for_study(item, agree_votes=1, threshold=1).position)
    reached = when(engage.app.get_contribution(item).modified_on, "fr")  # the flag's own time
    page = testapp.get(f"/consultations/charte/contributions/{item.hex}")
    assert f"seuil atteint le {reached}" in page.html.select_one(".notice.success").get_text(" ", strip=True)
    listing = testapp.get("/consultations/charte")
    assert f"seuil atteint le {reached}" in listing.html.select_one("ol.contributions").get_text(" ", strip=True)
