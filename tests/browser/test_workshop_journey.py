"""Ateliers Citoyens in a real browser: catalogue, registration, waitlist, roll on a phone,
certificate, verification, feedback, statistics. Every page checked with axe-core."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from engage.projections.workshops import queries as wq
from engage.scripts.demo_workshops import DEMO_FACILITATOR
from tests.common.browser import follow_nav_link, log_in, resident
from tests.common.workshops import make_session

pytestmark = [
    pytest.mark.browser,
    # What the browser shows and how it is reached (axe, keyboard, widths); every page's reads and
    # writes are held on both back ends by its webtest tests (tests/views/). On production's store.
    pytest.mark.backend_independent("the browser's view of pages whose storage tests/views/ holds on both",
                                    backend="postgresql"),
]


def test_registration_journey(page, live_server, check_accessibility):
    services = live_server.app.registry.engage
    resident(services, "lea@exemple.fr", "Léa du 12e")

    page.goto("/")
    check_accessibility(page)
    follow_nav_link(page, "Ateliers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ateliers Citoyens")
    check_accessibility(page)

    page.get_by_label("Famille d'ateliers").select_option("comprendre-les-institutions")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", level=2, name="Comprendre le Conseil de Paris").first).to_be_visible()
    check_accessibility(page)

    # A session with seats left: signed out, the button leads to the login page, then back.
    page.goto("/ateliers?theme=construire-son-projet")
    check_accessibility(page)
    page.get_by_role("link", name="Déposer un projet au budget participatif").first.click()
    check_accessibility(page)
    session_url = page.url
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    check_accessibility(page)
    log_in(page, "lea@exemple.fr")
    expect(page).to_have_url(session_url)
    check_accessibility(page)
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre inscription est enregistrée")
    check_accessibility(page)

    # A full session: the waitlist.
    page.goto("/ateliers?theme=comprendre-les-institutions")
    check_accessibility(page)
    full = page.locator(".session-item", has_text="Complet").first
    full.get_by_role("link").first.click()
    check_accessibility(page)
    page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    expect(page.get_by_role("status").first).to_contain_text("liste d'attente, en position")
    check_accessibility(page)

    page.goto("/ateliers/mes-inscriptions")
    expect(page.get_by_role("heading", name="Mes inscriptions à venir")).to_be_visible()
    expect(page.get_by_text("sur liste d'attente")).to_be_visible()
    check_accessibility(page)

    page.goto("/ateliers/statistiques")
    expect(page.get_by_role("table").first).to_be_visible()
    check_accessibility(page)


def test_roll_on_a_phone_certificate_verification_and_feedback(page, live_server, check_accessibility):
    services = live_server.app.registry.engage
    app = services.app
    attendee = resident(services, "malik@exemple.fr", "Malik du 12e")
    host = app.find_person_by_email(DEMO_FACILITATOR[1])
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=10)
    session_id, _ = make_session(app, capacity=5, facilitator=host, starts_at=start, arrondissement=12,
                                 title="Comprendre le budget de la Ville", theme="comprendre-les-institutions")
    app.register_for_session(session_id, attendee, card_ids=wq.card_ids(services.db, attendee))
    services.engine.catch_up()

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"/ateliers/animation/seance/{session_id.hex}/presences")
    log_in(page, DEMO_FACILITATOR[1], DEMO_FACILITATOR[3], check_accessibility)
    expect(page.get_by_role("heading", level=1)).to_have_text("Feuille de présence")
    check_accessibility(page)
    line = page.get_by_role("group", name="Malik du 12e")
    present = line.get_by_text("Présent·e", exact=True)
    box = present.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a target for a thumb
    present.click()
    page.get_by_role("button", name="Enregistrer la feuille de présence").click()
    expect(page.get_by_role("status")).to_contain_text("Feuille de présence enregistrée")
    check_accessibility(page)
    page.get_by_label("Numéro de Carte Citoyen·ne").fill("12")
    page.get_by_role("button", name="Ajouter comme présent·e").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Se déconnecter").click()
    check_accessibility(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/ateliers/mes-inscriptions")
    log_in(page, "malik@exemple.fr", check=check_accessibility)
    expect(page.get_by_role("heading", name="Ateliers suivis")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("attestation")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attestation de participation")
    check_accessibility(page)
    code = page.locator(".certificate .card-number").inner_text()

    page.goto("/ateliers/mes-inscriptions")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("donner mon avis")).first.click()
    check_accessibility(page)
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_role("alert").first).to_contain_text("Choisissez une note de 1 à 5")
    check_accessibility(page)
    page.get_by_label("5 — très satisfait·e").check()
    page.get_by_label("Commentaire").fill("Clair et concret.")
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_text("avis donné, merci")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Se déconnecter").click()
    check_accessibility(page)
    page.goto("/ateliers/verifier")
    check_accessibility(page)
    page.get_by_label("Code de vérification").fill(code)
    page.get_by_label("Nom imprimé sur l'attestation").fill("Malik du 12e")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("status")).to_contain_text("Attestation authentique")
    expect(page.get_by_role("status")).not_to_contain_text("Malik du 12e")  # never shown: typed by the verifier
    check_accessibility(page)
    page.get_by_label("Code de vérification").fill("ZZZZ")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("alert")).to_contain_text("10 caractères")
    check_accessibility(page)

    # The facilitator reads the feedback under the roll.
    page.goto(f"/ateliers/animation/seance/{session_id.hex}/presences")
    log_in(page, DEMO_FACILITATOR[1], DEMO_FACILITATOR[3], check_accessibility)
    expect(page.get_by_role("heading", name="Avis des participants")).to_be_visible()
    expect(page.get_by_text("Clair et concret.")).to_be_visible()
    check_accessibility(page)


def test_staff_pages(page, live_server, check_accessibility):
    page.goto("/ateliers/animation")
    log_in(page, DEMO_FACILITATOR[1], DEMO_FACILITATOR[3], check_accessibility)
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace animation")
    check_accessibility(page)
    page.get_by_role("link", name="Créer un atelier").click()
    check_accessibility(page)
    page.get_by_role("button", name="Créer l'atelier").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check_accessibility(page)
    page.goto("/ateliers/animation")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("programmer une séance")).first.click()
    expect(page.get_by_label("Animateur ou animatrice")).to_be_visible()
    check_accessibility(page)
    page.goto("/ateliers?theme=rencontrer-des-elus")
    check_accessibility(page)
    page.locator(".session-item h2 a").first.click()
    check_accessibility(page)
    page.get_by_role("link", name="Déplacer la séance").click()
    check_accessibility(page)
    page.go_back()
    check_accessibility(page)
    page.get_by_role("link", name="Annuler la séance").click()
    expect(page.get_by_role("button", name="Annuler la séance")).to_be_visible()
    check_accessibility(page)
