"""Contribute, vote, see the count: in a real browser, every page checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pyramid_mailer import get_mailer

from tests.common.browser import follow_nav_link

pytestmark = [
    pytest.mark.browser,
    # What the browser shows and how it is reached (axe, keyboard, widths); every page's reads and
    # writes are held on both back ends by its webtest tests (tests/views/). On production's store.
    pytest.mark.backend_independent("the browser's view of pages whose storage tests/views/ holds on both",
                                    backend="postgresql"),
]

PASSWORD = "une phrase longue et unique 2017"


@pytest.fixture
def live_server(database_url):
    """The demo, whose live consultation of today is open for contributions."""
    from tests.common.browser import demo_server

    with demo_server(database_url) as server:
        yield server


def sign_up_and_log_in(page, live_server, check_accessibility):
    page.goto("/compte/inscription")
    check_accessibility(page)
    form = page.locator("form#signup")
    form.get_by_label("Nom et prénom").fill("Camille Martin")
    form.get_by_label("Adresse électronique").fill("camille@exemple.fr")
    form.get_by_label("Nom public").fill("Camille du 11e")
    form.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    form.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    check_accessibility(page)
    body = get_mailer(live_server.app.registry).outbox[-1].body
    page.goto(re.findall(r"http://[^\s]+(/compte/[\w/-]+)", body)[-1])
    check_accessibility(page)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    check_accessibility(page)
    login = page.locator("form#login")
    login.get_by_label("Adresse électronique").fill("camille@exemple.fr")
    login.get_by_label("Mot de passe").fill(PASSWORD)
    login.get_by_role("button", name="Me connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    check_accessibility(page)


def test_contribute_vote_and_see_the_count(page, live_server, check_accessibility):
    sign_up_and_log_in(page, live_server, check_accessibility)

    follow_nav_link(page, "Consultations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    check_accessibility(page)
    page.get_by_role("link", name="Faire vivre la charte de la participation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Faire vivre la charte de la participation")
    expect(page.get_by_text("Réunion publique : la charte dans le 18e")).to_be_visible()
    check_accessibility(page)

    # Filters and search work without JavaScript.
    page.get_by_label("Canal").select_option("en-presentiel")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("halls d'immeubles")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Contribuer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contribuer")
    check_accessibility(page)
    form = page.locator("form#contribution")
    form.get_by_role("button", name="Publier").click()  # empty: the server explains, in French
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient des erreurs")).to_be_visible()
    check_accessibility(page)
    form.get_by_label("Proposition").check()
    form.get_by_label("Thème").select_option("Conseils de quartier")
    form.get_by_label("Votre contribution").fill("Ouvrir les conseils de quartier <b>aux</b> collégiens.")
    form.get_by_role("button", name="Publier").click()
    expect(page.get_by_text("Votre contribution est publiée")).to_be_visible()
    expect(page.get_by_text("Ouvrir les conseils de quartier <b>aux</b> collégiens.")).to_be_visible()
    check_accessibility(page)

    vote = page.locator("form#vote")
    expect(vote.locator("legend")).to_contain_text("Votre avis sur cette contribution")
    vote.get_by_label("D'accord", exact=True).check()
    vote.get_by_role("button", name="Voter").click()
    expect(page.get_by_text("Votre vote est enregistré")).to_be_visible()
    row = page.locator("table.counts tbody tr").first
    # One vote: under 5, not published (the same blanks as the vote-counts dataset).
    expect(row).to_have_text(re.compile(r"D'accord\s*non publié\s*0\s*non publié"))
    check_accessibility(page)

    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes notifications")
    check_accessibility(page)


def test_staff_pages_plan_meet_transcribe_moderate(page, live_server, check_accessibility):
    from uuid import UUID

    from engage.domain.accounts.model import Role

    sign_up_and_log_in(page, live_server, check_accessibility)
    services = live_server.app.registry.engage
    person = services.app.find_person_by_email("camille@exemple.fr")
    for role in (Role.EDITOR, Role.FACILITATOR, Role.MODERATOR):
        services.app.grant_role(person, role, granted_by=UUID(int=1))
    services.engine.catch_up()

    page.goto("/consultations/nouvelle")
    check_accessibility(page)
    page.get_by_role("button", name="Créer la consultation").click()
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient des erreurs")).to_be_visible()
    check_accessibility(page)

    page.goto("/consultations/faire-vivre-la-charte")
    check_accessibility(page)
    page.get_by_role("link", name="Modifier la consultation et son calendrier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier la consultation")
    check_accessibility(page)

    page.goto("/consultations/faire-vivre-la-charte")
    check_accessibility(page)
    page.get_by_role("link", name="Réunion publique : la charte dans le 18e").click()
    expect(page.get_by_text("Mairie du 18e")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Numéroter de nouvelles feuilles de contribution").click()
    check_accessibility(page)
    page.get_by_label("Nombre de feuilles à imprimer").fill("5")
    page.get_by_role("button", name="Numéroter les feuilles").click()
    numbered = page.get_by_text(re.compile(r"Feuilles \d{6}-\d à \d{6}-\d numérotées"))
    expect(numbered).to_be_visible()
    sheet = re.search(r"Feuilles (\d{6}-\d)", numbered.inner_text()).group(1)
    check_accessibility(page)  # the meeting page, with its sheets to download
    page.get_by_role("link", name="Transcrire une contribution").click()
    check_accessibility(page)
    form = page.locator("form#transcription")
    form.get_by_label("Numéro de la feuille").fill(sheet)
    form.get_by_label("Avis").check()
    form.get_by_label("Thème").select_option("Budget participatif")
    form.get_by_label("Texte de la contribution").fill("Plus de projets dans les quartiers populaires.")
    form.get_by_label("Référence du formulaire papier").fill("F-18-003")
    form.get_by_role("button", name="Enregistrer la contribution").click()
    expect(page.get_by_text("La contribution est enregistrée, avec sa provenance.")).to_be_visible()
    check_accessibility(page)

    page.goto("/consultations/faire-vivre-la-charte/reunions/nouvelle")
    check_accessibility(page)

    page.goto("/consultations/faire-vivre-la-charte")
    check_accessibility(page)
    page.locator("ol.contributions a").first.click()
    check_accessibility(page)  # with the show-of-hands and moderation forms
    item_url = page.url
    page.get_by_role("link", name="Signaler cette contribution").click()
    check_accessibility(page)
    page.get_by_label("Motif").fill("Hors sujet pour cette consultation")
    page.get_by_role("button", name="Signaler").click()
    check_accessibility(page)
    page.goto("/moderation")
    expect(page.get_by_text("Hors sujet pour cette consultation")).to_be_visible()
    check_accessibility(page)
    page.goto(item_url + "/masquer")
    check_accessibility(page)
    page.get_by_label("Motif").fill("Contraire à la charte de modération")
    page.get_by_role("button", name="Masquer").click()
    expect(page.get_by_text("Contraire à la charte de modération")).to_be_visible()
    check_accessibility(page)

    # Her own contribution: edit, then the confirmation step before withdrawing.
    page.goto("/consultations/faire-vivre-la-charte/contribuer")
    check_accessibility(page)
    form = page.locator("form#contribution")
    form.get_by_label("Question").check()
    form.get_by_label("Thème").select_option("Participation des jeunes")
    form.get_by_label("Votre contribution").fill("Les lycéens pourront-ils voter ?")
    form.get_by_role("button", name="Publier").click()
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("Modifier ma contribution")).click()
    check_accessibility(page)
    page.get_by_role("button", name="Enregistrer la nouvelle version").click()
    check_accessibility(page)
    page.get_by_role("link", name="Retirer ma contribution").click()
    check_accessibility(page)
    page.get_by_role("button", name="Retirer ma contribution").click()
    expect(page.get_by_text("Contribution retirée par son auteur ou son autrice.")).to_be_visible()
    check_accessibility(page)


def test_questionnaire_pages(page, live_server, check_accessibility):
    from uuid import UUID

    from engage.domain.accounts.model import Role

    sign_up_and_log_in(page, live_server, check_accessibility)
    services = live_server.app.registry.engage
    person = services.app.find_person_by_email("camille@exemple.fr")
    services.app.grant_role(person, Role.EDITOR, granted_by=UUID(int=1))
    services.engine.catch_up()

    follow_nav_link(page, "Questionnaires")
    check_accessibility(page)
    page.get_by_role("link", name="Nouveau questionnaire").click()
    check_accessibility(page)
    form = page.locator("form#questionnaire")
    form.get_by_label("Titre du questionnaire").fill("La charte et vous")
    form.get_by_label("Tous les habitants inscrits").check()
    form.get_by_label("Questions").fill("Votre priorité ? | choix-unique | obligatoire | Information ; Quartiers\n"
                                        "Une idée ? | texte | facultative")
    form.get_by_role("button", name="Publier le questionnaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La charte et vous")
    check_accessibility(page)
    answers = page.locator("form#answers")
    answers.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("alert")).to_contain_text("questions obligatoires")
    check_accessibility(page)
    page.locator("form#answers").get_by_label("Information").check()
    page.locator("form#answers").get_by_label("Une idée ?").fill("Des réunions le samedi")
    page.locator("form#answers").get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Merci : votre réponse est enregistrée.")).to_be_visible()
    expect(page.get_by_text("Des réunions le samedi")).to_be_visible()
    check_accessibility(page)
