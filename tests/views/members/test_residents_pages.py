"""Participatory-budget import, organizations, offers and seats by lot through the web stack."""

import hashlib
import json
import secrets
import subprocess
import sys
from pathlib import Path
from uuid import UUID

import pytest
from webtest import Upload

import engage as engage_package
from engage.domain.accounts.model import Role
from engage.domain.seats import lots
from tests.common.accounts import confirmed as account
from tests.common.accounts import log_in
from tests.common.seats import independent_draw

CSV_HEADER = "email;arrondissement;nom;date d'adhésion\n"


def as_admin(app):
    person_id = account(app, "agent@paris.example", "Agent Ville", Role.ADMIN)
    log_in(app, email="agent@paris.example")
    return person_id


def upload(app, content: bytes, status=200, filename="membres.csv"):
    form = app.get("/gestion/membres").forms["pb-import"]
    form["membership_file"] = Upload(filename, content, "text/csv")
    return form.submit("submit", status=status)


def rows(count, start=0):
    return "".join(f"m{i}@exemple.fr;{1 + i % 20};Membre {i};2024-02-01\n" for i in range(start, start + count))


def test_import_page_needs_the_permission(testapp):
    assert "/compte/connexion" in testapp.get("/gestion/membres", status=303).location
    account(testapp, "habitant@exemple.fr", "Habitant 11")
    log_in(testapp, email="habitant@exemple.fr")
    testapp.get("/gestion/membres", status=403)


def test_import_report_line_by_line_and_idempotent(testapp):
    as_admin(testapp)
    engage = testapp.app.registry.engage
    page = upload(testapp, (CSV_HEADER + rows(30) + "M3@exemple.fr;2;;\n").encode())
    assert "30" in page.html.select_one(".report-figures").text
    assert "Ligne 32 : doublon de la ligne 5 (même adresse électronique), ignorée." in page.text
    head = engage.engine.head()
    again = upload(testapp, (CSV_HEADER + rows(30) + "M3@exemple.fr;2;;\n").encode(), status=400)
    assert "Ce fichier a déjà été importé : rien n'a été ajouté." in again.text
    assert engage.engine.head() == head
    overlap = upload(testapp, (CSV_HEADER + rows(5, start=28)).encode())
    assert "Ligne 2 : membre déjà importé, ignoré." in overlap.text and "Ligne 3 : membre déjà importé" in overlap.text
    assert "Membres ajoutés</dt><dd>3</dd>" in overlap.text


@pytest.mark.parametrize("content, message", [
    ((CSV_HEADER + "pas-une-adresse;11;;\n").encode(), "Ligne 2 : adresse électronique invalide « pas-une-adresse »."),
    ((CSV_HEADER + "a@exemple.fr;22;;\n").encode(), "Ligne 2 : arrondissement inconnu « 22 »"),
    (b"email;nom\na@exemple.fr;A\n", "Colonne obligatoire absente de l'en-tête : « arrondissement »."),
    (("email;arrondissement;nom\na@exemple.fr;3;Zoé\n").encode("latin-1"), "n'est pas encodé en UTF-8"),
    ((CSV_HEADER + "a@exemple.fr\n").encode(), "Ligne 2 : la colonne « arrondissement » manque."),
])
def test_a_bad_file_is_refused_whole_with_french_messages(testapp, content, message):
    as_admin(testapp)
    head = testapp.app.registry.engage.engine.head()
    page = upload(testapp, content, status=400)
    assert message in page.text
    assert "aucun membre n'a été importé" in page.text or "Colonne" in message
    assert testapp.app.registry.engage.engine.head() == head


def test_no_file_is_a_form_error(testapp):
    as_admin(testapp)
    form = testapp.get("/gestion/membres").forms["pb-import"]
    page = form.submit("submit", status=400)
    assert "Choisissez un fichier CSV à envoyer." in page.text


def register_org(app, **overrides):
    form = app.get("/organisations/nouvelle").forms["organization"]
    values = {"name": "Conseil parisien de la jeunesse", "kind": "consultative-body",
              "description": "L'instance consultative des jeunes Parisiennes et Parisiens.",
              "website": "https://www.paris.fr/cpj", "place": "paris"}
    values.update(overrides)
    for key, value in values.items():
        form[key] = value
    return form.submit("submit")


def test_organizations_offers_and_representatives(testapp):
    rep = account(testapp, "rep@exemple.fr", "Rita du 10e")
    as_admin(testapp)
    form = testapp.get("/organisations/nouvelle").forms["organization"]
    form["name"], form["website"] = "", "pas-un-site"
    page = form.submit("submit", status=400)
    assert "Indiquez le nom de l'organisation." in page.text and "commençant par https://" in page.text
    org_page = register_org(testapp, name="Les Amis du Canal", kind="association", place="10",
                            description="Association de quartier autour du canal Saint-Martin.").follow()
    assert "Les Amis du Canal" in org_page.text
    form = testapp.get("/organisations/nouvelle").forms["organization"]
    form["name"], form["kind"], form["place"] = "les amis du canal", "association", "10"
    form["description"] = "Une autre description assez longue."
    assert "Une organisation porte déjà ce nom." in form.submit("submit", status=400).text
    attach = org_page.forms["attach"]
    attach["email"] = "inconnu@exemple.fr"
    assert "Aucun compte n'existe avec cette adresse" in attach.submit("submit", status=400).text
    attach = testapp.get(org_page.request.url).forms["attach"]
    attach["email"] = "rep@exemple.fr"
    org_page = attach.submit("submit", status=303).follow()
    assert "Rita du 10e" in org_page.text
    org_id = UUID(org_page.request.path.rsplit("/", 1)[1])
    testapp.app.registry.engage.app.check_representative(rep, org_id)

    # The representative publishes an offer.
    testapp.post("/compte/deconnexion", {"csrf_token": org_page.forms["attach"]["csrf_token"].value})
    log_in(testapp, email="rep@exemple.fr")
    form = testapp.get(f"/organisations/{org_id.hex}/offres/nouvelle").forms["offer"]
    form["title"], form["kind"], form["place"] = "Balade au fil du canal", "cultural", "10"
    form["description"] = "Une visite commentée du canal Saint-Martin."
    form["starts_on"], form["ends_on"] = "2027-05-31", "2027-05-01"
    form["card_conditions"] = "Gratuit sur présentation de la carte."
    assert "La date de fin de l'offre précède sa date de début." in form.submit("submit", status=400).text
    form["ends_on"] = "2027-06-30"
    form.submit("submit", status=303)
    offers = testapp.get("/offres?type=cultural&arrondissement=10")
    assert "Balade au fil du canal" in offers.text and "31 mai 2027" in offers.text
    assert "Balade" not in testapp.get("/offres?type=civic").text
    assert "Les Amis du Canal" in testapp.get("/organisations?arrondissement=10").text
    assert "Les Amis du Canal" not in testapp.get("/organisations?arrondissement=paris").text
    testapp.get("/offres?page=abc&type=nope&arrondissement=99")  # ignored, never a 500
    testapp.get("/organisations/not-a-uuid", status=404)
    # A stranger cannot publish.
    testapp.post("/compte/deconnexion", {"csrf_token": offers.forms[0]["csrf_token"].value})
    account(testapp, "autre@exemple.fr", "Autre personne")
    log_in(testapp, email="autre@exemple.fr")
    assert "Vous ne représentez pas cette organisation." in testapp.get(
        f"/organisations/{org_id.hex}/offres/nouvelle", status=403).text


def test_seat_call_from_opening_to_verifiable_draw(testapp, tmp_path):
    as_admin(testapp)
    engage = testapp.app.registry.engage
    org_page = register_org(testapp).follow()
    form = testapp.get(org_page.request.path + "/tirages/nouveau").forms["seat-call"]
    form["title"], form["seats"], form["strata"] = "Sièges 2027", "3", "Nord-est ; 18,19,20 ; x ; 1"
    assert "Strate de la ligne 1 invalide" in form.submit("submit", status=400).text
    form["strata"] = "Nord-est ; 18,19,20 ; ; 1\nJeunes ; ; 18-24 ; 1"
    call_page = form.submit("submit", status=303).follow()
    call_path = call_page.request.path
    call_id = UUID(call_path.rsplit("/", 1)[1])
    for i in range(6):
        issued = engage.app.issue_card(name=f"V {i}", email=f"v{i}@exemple.fr", arrondissement=16 + i % 5,
                                       age_band="18-24" if i % 3 == 0 else "35-49", consent_to_consultation=True)
        engage.app.volunteer_for_seat(call_id, person_id=issued.person_id, card_id=issued.card_id)
    engage.engine.catch_up()
    # The admin has no card: told so, nothing recorded.
    page = testapp.get(call_path)
    assert "Il faut une Carte Citoyen·ne active" in page.text
    head = engage.engine.head()
    resp = testapp.post(call_path + "/volontaire", {"csrf_token": page.forms["commit"]["csrf_token"].value}, status=400)
    assert "Seuls les titulaires d'une Carte Citoyen·ne active" in resp.text and engage.engine.head() == head
    seed = secrets.token_hex(32)
    commit = page.forms["commit"]
    commit["seed_sha256"] = "pas-une-empreinte"
    assert "64 caractères hexadécimaux" in commit.submit("submit", status=400).text
    commit = testapp.get(call_path).forms["commit"]
    commit["seed_sha256"] = hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    page = commit.submit("submit", status=303).follow()
    page = page.forms["close"].submit("submit", status=303).follow()
    # Closed: no volunteering offered any more, and the page says the call is closed.
    assert "volunteer" not in page.forms and "Se porter volontaire" not in page.text
    assert "L'appel est clos" in page.text
    reveal = page.forms["reveal"]
    reveal["seed"] = secrets.token_hex(32)
    assert "ne correspond pas à l'empreinte enregistrée" in reveal.submit("submit", status=400).text
    reveal = testapp.get(call_path).forms["reveal"]
    reveal["seed"] = seed
    page = reveal.submit("submit", status=303).follow()
    assert "Résultat du tirage" in page.text and seed in page.text
    record = testapp.get(f"/api/seat-calls/{call_id.hex}").json
    assert len(record["volunteers"]) == 6 and len(record["selected"]) == 3
    assert lots.seed_commitment(record["seed"]) == record["commitment_sha256"]
    assert record["selected"] == independent_draw(record["seed"], record["volunteers"], record["seats"], record["strata"])
    # The published script, run as anyone would run it, agrees.
    saved = tmp_path / "record.json"
    saved.write_text(json.dumps(record), encoding="utf-8")
    script = Path(engage_package.__file__).parent / "static" / "recompute_draw.py"
    out = subprocess.run([sys.executable, str(script), str(saved)], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == record["selected"] + ["identical to the published result"]


def test_a_member_who_signs_up_is_linked_at_login(testapp):
    as_admin(testapp)
    upload(testapp, (CSV_HEADER + "camille@exemple.fr;11;Camille Martin;2024-01-01\n").encode())
    testapp.post("/compte/deconnexion", {"csrf_token": testapp.get("/").forms[0]["csrf_token"].value})
    account(testapp, "Camille@Exemple.fr", "Camille du 11e")
    log_in(testapp, email="camille@exemple.fr")
    from engage.projections.members import queries as member_queries
    engage = testapp.app.registry.engage
    engage.engine.catch_up()
    person_id = engage.app.find_person_by_email("camille@exemple.fr")
    [member] = list(member_queries.iter_pb_members(engage.db))
    assert member.person_id == person_id.hex and member.arrondissement == 11


def test_staff_pages_redirect_anonymous_and_forbid_residents(testapp):
    engage = testapp.app.registry.engage
    org = engage.app.register_organization(
        name="Conseil parisien de la jeunesse", kind="consultative-body",
        description="L'instance consultative des jeunes.", website="", arrondissement=None,
        registered_by=engage.app.find_person_by_email("x@exemple.fr") or UUID(int=1))
    engage.engine.catch_up()
    staff_pages = ["/gestion/membres", "/organisations/nouvelle", f"/organisations/{org.id.hex}/tirages/nouveau"]
    for path in staff_pages + [f"/organisations/{org.id.hex}/offres/nouvelle"]:
        assert "/compte/connexion" in testapp.get(path, status=303).location, path
    account(testapp, "habitant@exemple.fr", "Habitant 11")
    log_in(testapp, email="habitant@exemple.fr")
    for path in staff_pages:
        testapp.get(path, status=403)
    page = testapp.get(f"/organisations/{org.id.hex}")
    assert "attach" not in page.forms and "Représentant" not in page.text
    token = page.forms[0]["csrf_token"].value
    for path in (f"/organisations/{org.id.hex}/representants", f"/organisations/{org.id.hex}/representants/detacher"):
        testapp.post(path, {"csrf_token": token, "email": "habitant@exemple.fr"}, status=403)
    assert testapp.get("/organisations").status_int == testapp.get("/offres").status_int == 200
    testapp.get("/tirages/0123456789abcdef0123456789abcdef", status=404)
    testapp.get("/api/seat-calls/pas-un-id", status=404)
