"""The workshop pages through the web (webtest), on both back ends."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID

import pytest

from engage.domain.accounts.model import Role
from tests.common.accounts import PASSWORD, csrf_of, log_in, outbox, services
from tests.common.cards import resident_with_card as resident
from tests.common.workshops import card_holder, make_session, soon


def log_out(app):
    app.reset()


@pytest.fixture
def session_id(testapp):
    facilitator = resident(testapp, "anim@exemple.fr", "Animatrice Nadia", card=False, role=Role.FACILITATOR)
    sid, _ = make_session(services(testapp).app, capacity=1, facilitator=facilitator)
    services(testapp).engine.catch_up()
    return sid


def test_catalogue_lists_filters_and_pages(testapp, session_id):
    page = testapp.get("/ateliers")
    assert "Construire son projet associatif" in page.text and "<span>1</span> sur <span>1</span>" in page.text
    assert "Construire son projet associatif" not in testapp.get("/ateliers?theme=rencontrer-des-elus").text
    assert "Construire son projet associatif" not in testapp.get("/ateliers?arrondissement=3").text
    assert "Construire son projet associatif" in testapp.get("/ateliers?arrondissement=11&theme=construire-son-projet").text
    bad = testapp.get("/ateliers?arrondissement=99&date=demain&theme=x", status=400)
    assert "le filtre est ignoré" in bad.text and "Construire son projet associatif" in bad.text
    # A day already past lists what is still to come; the first day of year 1 too (its Paris
    # midnight is in year 0 in UTC, which Python cannot spell: it answered a 500).
    for past in ("2020-01-01", "0001-01-01"):
        assert "Construire son projet associatif" in testapp.get(f"/ateliers?date={past}").text
    app = services(testapp).app
    for i in range(11):
        make_session(app, title=f"Comprendre le budget {i:02d}", theme="comprendre-les-institutions",
                     starts_at=soon(72 + i))
    services(testapp).engine.catch_up()
    first = testapp.get("/ateliers?theme=comprendre-les-institutions")
    assert "Page suivante" in first.text
    second = first.click("Page suivante")
    assert "Comprendre le budget 10" in second.text and "Page précédente" in second.text


def test_ics_download(testapp, session_id):
    response = testapp.get(f"/ateliers/seance/{session_id.hex}/agenda.ics")
    assert response.content_type == "text/calendar"
    body = response.body.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert re.search(r"DTSTART:\d{8}T\d{6}Z\r\n", body)
    assert "LOCATION:Maison de la vie associative\\, 8 rue du Général Renault (11e)" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    testapp.get("/ateliers/seance/pas-un-id/agenda.ics", status=404)


def test_registration_journey_waitlist_promotion_and_notices(testapp, session_id):
    first = resident(testapp, "camille@exemple.fr", "Camille du 11e")
    second = resident(testapp, "karim@exemple.fr", "Karim du 20e")
    log_in(testapp, "camille@exemple.fr")
    page = testapp.get(f"/ateliers/seance/{session_id.hex}")
    assert "restantes sur" in page.text  # open for booking: the seats left are shown
    done = page.forms["register"].submit(status=303).follow()
    assert "Votre inscription est enregistrée" in done.text and "Me désinscrire" in done.text
    # Twice: a clear message, nothing changed.
    head = services(testapp).engine.head()
    again = testapp.post(f"/ateliers/seance/{session_id.hex}/inscription",
                         {"csrf_token": page.forms["register"]["csrf_token"].value}, status=400)
    assert "déjà inscrit" in again.text and services(testapp).engine.head() == head
    # Registered is not attended: no certificate, no feedback.
    assert "Seules les personnes présentes" in testapp.get(
        f"/ateliers/seance/{session_id.hex}/attestation", status=403).text
    log_out(testapp)
    log_in(testapp, "karim@exemple.fr")
    waiting = testapp.get(f"/ateliers/seance/{session_id.hex}").forms["register"].submit(status=303).follow()
    assert "liste d'attente, en position 1" in waiting.text
    log_out(testapp)
    log_in(testapp, "camille@exemple.fr")
    page = testapp.get(f"/ateliers/seance/{session_id.hex}")
    page.forms["withdraw"].submit(status=303)
    mail = outbox(testapp)[-1]
    assert mail.recipients == ["karim@exemple.fr"] and "Une place s'est libérée" in mail.subject
    log_out(testapp)
    log_in(testapp, "karim@exemple.fr")
    mine = testapp.get("/ateliers/mes-inscriptions")
    assert "Place libérée" in mine.text and "inscrit·e" in mine.text


def test_registration_refused_without_a_card_and_when_signed_out(testapp, session_id):
    testapp.get(f"/ateliers/seance/{session_id.hex}")
    form = testapp.get(f"/ateliers/seance/{session_id.hex}").forms["register"]
    assert "/compte/connexion" in form.submit(status=303).location  # to the login page
    resident(testapp, "sanscarte@exemple.fr", "Sans Carte", card=False)
    log_in(testapp, "sanscarte@exemple.fr")
    head = services(testapp).engine.head()
    page = testapp.get(f"/ateliers/seance/{session_id.hex}")  # no form offered; a POST anyway is refused
    assert "register" not in page.forms
    refused = testapp.post(f"/ateliers/seance/{session_id.hex}/inscription",
                           {"csrf_token": csrf_of(page)}, status=400)
    assert "Carte Citoyen·ne valide est nécessaire" in refused.text
    assert services(testapp).engine.head() == head


def test_cancelled_and_started_sessions_refuse_registrations(testapp, session_id):
    engage = services(testapp)
    person = resident(testapp, "camille@exemple.fr", "Camille du 11e")
    facilitator = engage.app.get_session(session_id).facilitator_id
    log_in(testapp, "anim@exemple.fr")
    cancel = testapp.get(f"/ateliers/animation/seance/{session_id.hex}/annuler")
    cancel.forms["cancel-session"].submit("submit", status=303)
    log_out(testapp)
    log_in(testapp, "camille@exemple.fr")
    token = testapp.get("/ateliers").forms[0]  # any page gives a session; fetch a token below
    page = testapp.get(f"/ateliers/seance/{session_id.hex}")
    assert "Cette séance est annulée" in page.text
    # No booking any more: the page no longer shows how many registered (the dataset's cell).
    assert "restantes sur" not in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    refused = testapp.post(f"/ateliers/seance/{session_id.hex}/inscription", {"csrf_token": csrf}, status=400)
    assert "Cette séance est annulée" in refused.text
    assert token is not None and person and facilitator


def test_staff_create_workshop_and_session_with_bad_input(testapp):
    resident(testapp, "anim@exemple.fr", "Animatrice Nadia", card=False, role=Role.FACILITATOR)
    log_in(testapp, "anim@exemple.fr")
    staff = testapp.get("/ateliers/animation")
    form = staff.click("Créer un atelier").forms["workshop"]
    form["title"] = "Rencontrer vos élus du 18e"
    form["theme"] = "rencontrer-des-elus"
    form["description"] = "Une heure d'échange avec les conseillers d'arrondissement."
    form["language"] = "fr"
    form["accessibility"] = "Accès de plain-pied."
    session_form = form.submit("submit", status=303).follow().forms["session"]
    session_form["starts_at"] = "2020-01-01T18:00"
    session_form["ends_at"] = "2020-01-01T17:00"
    session_form["capacity"] = "0"
    bad = session_form.submit("submit", status=400)
    assert "Au moins une place" in bad.text
    session_form = bad.forms["session"]
    session_form["capacity"] = "20"
    bad = session_form.submit("submit", status=400)
    assert "La fin doit suivre le début" in bad.text
    session_form = bad.forms["session"]
    session_form["starts_at"] = "2020-01-01T18:00"
    session_form["ends_at"] = "2020-01-01T19:00"
    session_form["capacity"] = "20"
    session_form["place"] = "Mairie du 18e"
    session_form["arrondissement"] = "18"
    past = session_form.submit("submit", status=400)
    assert "ne peut pas être dans le passé" in past.text
    session_form = past.forms["session"]
    # Midnight on the first day of year 1 in Paris is still year 0 in UTC, which Python cannot
    # spell: a clear message, not a 500.
    session_form["starts_at"] = "0001-01-01T00:00"
    session_form["ends_at"] = "0001-01-01T00:05"
    before_year_1 = session_form.submit("submit", status=400)
    assert "Saisissez une date et une heure" in before_year_1.text
    session_form = before_year_1.forms["session"]
    session_form["starts_at"] = "2030-03-04T18:00"
    session_form["ends_at"] = "2030-03-04T19:30"
    created = session_form.submit("submit", status=303).follow()
    assert "Rencontrer vos élus du 18e" in created.text and "Mairie du 18e (18e)" in created.text
    assert "18:00" in created.text  # Paris time as typed


def test_residents_cannot_reach_the_staff_pages(testapp, session_id):
    resident(testapp, "camille@exemple.fr", "Camille du 11e")
    log_in(testapp, "camille@exemple.fr")
    testapp.get("/ateliers/animation", status=403)
    testapp.get(f"/ateliers/animation/seance/{session_id.hex}/presences", status=403)


def test_reschedule_notifies_by_mail_and_on_the_page(testapp, session_id):
    resident(testapp, "camille@exemple.fr", "Camille du 11e")
    log_in(testapp, "camille@exemple.fr")
    testapp.get(f"/ateliers/seance/{session_id.hex}").forms["register"].submit(status=303)
    log_out(testapp)
    log_in(testapp, "anim@exemple.fr")
    form = testapp.get(f"/ateliers/animation/seance/{session_id.hex}/deplacer").forms["reschedule"]
    form["starts_at"] = "2030-05-06T10:00"
    form["ends_at"] = "2030-05-06T12:00"
    form.submit("submit", status=303)
    mail = outbox(testapp)[-1]
    assert mail.recipients == ["camille@exemple.fr"] and "10:00" in mail.body
    log_out(testapp)
    log_in(testapp, "camille@exemple.fr")
    assert "Séance déplacée" in testapp.get("/ateliers/mes-inscriptions").text


def test_roll_walk_in_certificate_verification_feedback_and_stats(testapp):
    engage = services(testapp)
    facilitator = resident(testapp, "anim@exemple.fr", "Animatrice Nadia", card=False, role=Role.FACILITATOR)
    other_facilitator = resident(testapp, "anim2@exemple.fr", "Animateur Paul", card=False, role=Role.FACILITATOR)
    person = resident(testapp, "camille@exemple.fr", "Camille du 11e")
    cards = engage.app.get_session  # noqa: keep the app handy
    from datetime import datetime, timezone
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=10)
    sid, _ = make_session(engage.app, capacity=5, facilitator=facilitator, starts_at=start)
    card_ids = [c for c in __import__("engage.projections.workshops.queries", fromlist=["x"]).card_ids(engage.db, person)]
    engage.app.register_for_session(sid, person, card_ids=card_ids)
    walk_in, _, number = card_holder(engage.app, 7)
    engage.engine.catch_up()
    assert other_facilitator and cards
    # Another facilitator: refused, nothing changed.
    log_in(testapp, "anim2@exemple.fr")
    refused = testapp.get(f"/ateliers/animation/seance/{sid.hex}/presences", status=403)
    assert "Seul·e l'animateur·rice de cette séance" in refused.text
    log_out(testapp)
    log_in(testapp, "anim@exemple.fr")
    roll = testapp.get(f"/ateliers/animation/seance/{sid.hex}/presences")
    form = roll.forms["roll"]
    form[f"presence-{person.hex}"] = "present"
    done = form.submit(status=303).follow()
    assert "1 changement" in done.text
    walk = done.forms["walk-in"]
    walk["card_number"] = "123"
    assert "onze chiffres" in walk.submit("submit", status=400).text
    walk["card_number"] = "75 0000 0000 2"  # well formed, on nobody's card
    assert "Aucune Carte Citoyen·ne valide" in walk.submit("submit", status=400).text
    walk = done.forms["walk-in"]
    walk["card_number"] = number
    after = walk.submit("submit", status=303).follow()
    assert "Personne 7" in after.text and "(sur place)" in after.text
    forged = testapp.post(f"/ateliers/animation/seance/{sid.hex}/presences",
                          {"csrf_token": after.forms["roll"]["csrf_token"].value,
                           f"presence-{'0' * 32}": "present"}, status=400)
    assert "rien n'a été enregistré" in forged.text
    log_out(testapp)
    log_in(testapp, "camille@exemple.fr")
    mine = testapp.get("/ateliers/mes-inscriptions")
    assert "Ateliers suivis" in mine.text
    certificate = mine.click(href=f"/ateliers/seance/{sid.hex}/attestation")
    code = re.search(r'class="card-number">([A-Z2-7]{10})<', certificate.text).group(1)
    assert "Camille du 11e" in certificate.text
    feedback = mine.click(href=f"/ateliers/seance/{sid.hex}/avis").forms["feedback"]
    feedback["rating"] = "5"
    feedback["comment"] = "Passionnant."
    feedback.submit("submit", status=303)
    again = testapp.get(f"/ateliers/seance/{sid.hex}/avis").forms["feedback"]
    again["rating"] = "2"
    assert "un seul avis par personne" in again.submit("submit", status=400).text
    log_out(testapp)
    log_in(testapp, "anim@exemple.fr")
    roll_page = testapp.get(f"/ateliers/animation/seance/{sid.hex}/presences")
    assert "Avis des participants" in roll_page.text and "Passionnant." in roll_page.text
    assert "note moyenne 5,0 sur 5" in " ".join(roll_page.html.get_text(" ").split())  # a French decimal comma
    log_out(testapp)
    # The code and the name printed on the attestation: the page never shows the name, so a
    # code alone never joins a display name with an attendance (docs/PRIVACY.md).
    verified = testapp.get("/ateliers/verifier", params={"code": code.lower(), "nom": " camille  DU 11e"})
    assert "Attestation authentique" in verified.text and "Camille du 11e" not in verified.text
    from engage.views.toolkit import when
    [date] = [dt.find_next_sibling("dd").text for dt in verified.html.select("dl.facts dt") if dt.text == "Date"]
    assert date == when(start, "fr", time=True)  # "2 décembre 2026 à 10:15", as every date of engage
    assert "camille@exemple.fr" not in verified.text
    for params in ({"code": code}, {"code": code, "nom": "Dominique du 11e"}, {"code": "AAAAAAAAAA", "nom": "Camille du 11e"}):
        refused = testapp.get("/ateliers/verifier", params=params, status=404).text
        assert "Aucune attestation" in refused and "Attestation authentique" not in refused
    assert "10 caractères" in testapp.get("/ateliers/verifier", params={"code": "x"}, status=400).text
    stats = testapp.get("/ateliers/statistiques")
    assert "Séances tenues" in stats.text and "non publié" in stats.text
    api = testapp.get("/api/stats/workshop-attendance").json
    # 2 present in all: a small count, blank like the place's.
    assert api["total_present"] is None and api["places"] == [{"place": "11", "present": None}]
    assert api["position"] >= 1
    assert UUID(hex=sid.hex) == sid
    assert PASSWORD


def test_registration_after_the_start_is_refused_and_changes_nothing(testapp):
    from datetime import datetime, timezone

    engage = services(testapp)
    resident(testapp, "camille@exemple.fr", "Camille du 11e")
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=5)
    workshop = engage.app.create_workshop(title="Rencontrer vos élus", theme="rencontrer-des-elus",
                                          description="", language="fr", accessibility="",
                                          created_by=engage.app.find_person_by_email("camille@exemple.fr"))
    sid = engage.app.schedule_session(
        workshop_id=workshop.id, starts_at=start, ends_at=start + timedelta(hours=1), arrondissement=18,
        place="Mairie du 18e", online_link="", capacity=10, facilitator_id=workshop.id,
        scheduled_by=workshop.id, now=start - timedelta(days=1)).id
    engage.engine.catch_up()
    log_in(testapp, "camille@exemple.fr")
    page = testapp.get(f"/ateliers/seance/{sid.hex}")
    assert "Les inscriptions sont closes" in page.text and 'id="register"' not in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    head = engage.engine.head()
    refused = testapp.post(f"/ateliers/seance/{sid.hex}/inscription", {"csrf_token": csrf}, status=400)
    assert "Cette séance a déjà commencé" in refused.text
    assert engage.engine.head() == head
    testapp.get("/ateliers/seance/00000000000000000000000000000000", status=404)


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_another_facilitator_is_refused_everything_and_sees_nobody(testapp):
    """Issue 16: facilitator B can neither move, cancel nor keep facilitator A's session, and
    the 403 page shows none of its participants or feedback; an admin can."""
    from datetime import datetime, timezone

    engage = services(testapp)
    nadia = resident(testapp, "anim@exemple.fr", "Animatrice Nadia", card=False, role=Role.FACILITATOR)
    resident(testapp, "anim2@exemple.fr", "Animateur Paul", card=False, role=Role.FACILITATOR)
    resident(testapp, "admin@ville.exemple", "Agente Inès", card=False, role=Role.ADMIN)
    camille = resident(testapp, "camille@exemple.fr", "Camille du 11e")
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=10)
    sid, _ = make_session(engage.app, capacity=5, facilitator=nadia, starts_at=start)
    from engage.projections.workshops import queries as wq

    engage.app.register_for_session(sid, camille, card_ids=wq.card_ids(engage.db, camille))
    engage.app.record_attendance(sid, {camille: True}, by=nadia)
    engage.app.give_feedback(sid, camille, rating=4, comment="Très concret, merci Nadia.")
    _, _, number = card_holder(engage.app, 3)
    engage.engine.catch_up()
    base = f"/ateliers/animation/seance/{sid.hex}"

    log_in(testapp, "anim2@exemple.fr")
    token = _csrf(testapp.get("/ateliers/animation"))
    head = engage.engine.head()
    refusals = [
        lambda: testapp.get(base + "/presences", status=403),
        lambda: testapp.post(base + "/presences", {"csrf_token": token, f"presence-{camille.hex}": "absent"},
                             status=403),
        lambda: testapp.post(base + "/presences/sur-place", {"csrf_token": token, "card_number": number},
                             status=403),
        lambda: testapp.get(base + "/deplacer", status=403),
        lambda: testapp.post(base + "/deplacer", {"csrf_token": token, "starts_at": "2030-05-06T10:00",
                                                  "ends_at": "2030-05-06T12:00", "submit": "submit"}, status=403),
        lambda: testapp.get(base + "/annuler", status=403),
        lambda: testapp.post(base + "/annuler", {"csrf_token": token, "submit": "submit"}, status=403),
    ]
    for refuse in refusals:
        page = refuse()
        assert "Seul·e l'animateur·rice de cette séance" in page.text
        assert "Camille du 11e" not in page.text and "Très concret" not in page.text
        assert "Avis des participants" not in page.text and camille.hex not in page.text
    assert engage.engine.head() == head  # nothing written
    assert base + "/deplacer" not in testapp.get(f"/ateliers/seance/{sid.hex}").text
    session = engage.app.get_session(sid)
    assert not session.cancelled and session.starts_at == start and session.attended(camille)
    log_out(testapp)

    log_in(testapp, "admin@ville.exemple")
    roll = testapp.get(base + "/presences")
    assert "Camille du 11e" in roll.text and "Très concret" in roll.text
    form = testapp.get(base + "/annuler").forms["cancel-session"]
    form.submit("submit", status=303)
    assert engage.app.get_session(sid).cancelled


def test_the_session_page_offers_only_what_this_visitor_can_do(testapp, session_id):
    url = f"/ateliers/seance/{session_id.hex}"
    resident(testapp, "sans-carte@exemple.fr", "Sans carte", card=False)
    log_in(testapp, "sans-carte@exemple.fr", PASSWORD)
    page = testapp.get(url)  # no card: no form, why, and where to get one
    assert "register" not in page.forms and "il faut une Carte Citoyen·ne valide" in page.text
    assert 'href="http://localhost/carte"' in page.text
    log_out(testapp)
    resident(testapp, "camille@exemple.fr", "Camille du 11e")
    log_in(testapp, "camille@exemple.fr", PASSWORD)
    page = testapp.get(url)
    assert "register" in page.forms and "La séance est complète" not in page.text
    page.forms["register"].submit(status=303)
    log_out(testapp)
    resident(testapp, "lea@exemple.fr", "Léa du 20e")
    log_in(testapp, "lea@exemple.fr", PASSWORD)
    page = testapp.get(url)  # full (one seat): said so, and the waitlist offered
    assert "La séance est complète" in page.text and "liste d'attente" in page.forms["register"].text


def test_the_roll_names_each_person_for_its_facilitator_only_and_the_walk_in_asks_for_eleven_digits(testapp):
    engage = services(testapp)
    facilitator = resident(testapp, "anim@exemple.fr", "Animatrice Nadia", card=False, role=Role.FACILITATOR)
    sid, _ = make_session(engage.app, capacity=5, facilitator=facilitator, starts_at=soon(0.15))  # roll open
    desk_holder, desk_card, _ = card_holder(engage.app, 3)  # a card from the desk, no account
    engage.app.register_for_session(sid, desk_holder, card_ids=[desk_card])
    _, _, number = card_holder(engage.app, 4)
    engage.engine.catch_up()
    log_in(testapp, "anim@exemple.fr")
    roll = testapp.get(f"/ateliers/animation/seance/{sid.hex}/presences")
    assert "Personne 3" in roll.text and "Participant·e sans compte" not in roll.text
    assert "onze chiffres" in roll.text.lower() and "10 chiffres" not in roll.text
    walk = roll.forms["walk-in"]
    walk["card_number"] = number[:10]
    refused = walk.submit("submit", status=400)
    assert "onze chiffres" in refused.html.select_one("#walk-in").text
    assert "Personne 4" not in refused.text
    walk = refused.forms["walk-in"]
    walk["card_number"] = f"{number[:2]} {number[2:6]} {number[6:10]} {number[10:]}"
    after = walk.submit("submit", status=303).follow()
    assert "Personne 4" in after.text
    log_out(testapp)
    assert "Personne 3" not in testapp.get(f"/ateliers/seance/{sid.hex}").text


def test_the_card_notice_is_for_visitors_without_a_valid_card(testapp, session_id):
    notice = "Réservé aux détenteurs d'une Carte Citoyen·ne valide"
    assert notice in testapp.get(f"/ateliers/seance/{session_id.hex}").text  # anonymous
    resident(testapp, "camille@exemple.fr", "Camille du 11e")
    resident(testapp, "karim@exemple.fr", "Karim du 20e", card=False)
    log_in(testapp, "camille@exemple.fr")
    assert notice not in testapp.get(f"/ateliers/seance/{session_id.hex}").text  # holds a valid card
    log_out(testapp)
    log_in(testapp, "karim@exemple.fr")  # signed in without a card: told why, and where to get one
    assert "il faut une Carte Citoyen·ne valide" in testapp.get(f"/ateliers/seance/{session_id.hex}").text


def test_my_coming_registrations_are_in_date_order(testapp):
    from engage.projections.workshops.queries import card_ids

    engage = services(testapp)
    person = resident(testapp, "camille@exemple.fr", "Camille du 11e")
    for title, days in (("Atelier du mois prochain", 30), ("Atelier de demain", 1), ("Atelier de la semaine", 7)):
        sid, _ = make_session(engage.app, title=title, starts_at=soon(24 * days))
        engage.app.register_for_session(sid, person, card_ids=card_ids(engage.db, person))
    engage.engine.catch_up()
    log_in(testapp, "camille@exemple.fr")
    text = testapp.get("/ateliers/mes-inscriptions").text
    order = [text.index(t) for t in ("Atelier de demain", "Atelier de la semaine", "Atelier du mois prochain")]
    assert order == sorted(order)
