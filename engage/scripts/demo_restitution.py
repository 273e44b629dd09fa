"""Demo data of the commitment's 2017 consultation, the one the charter was drafted with: launched
in January 2017, contributions online and at a public meeting until June, then the City's answer
to every contribution, a few quotes and the published restitution report (June 2017), linked from
the commitment's restitution milestone. The charter's drafting (September) and adoption
(December 2017) follow in charter_demo.py, on this same consultation.

These are reconstructed historical acts: entered by engage-demo today, through the application
(events, never SQL), each recorded at the 2017 date it happened (engage.domain.clock.recorded_at).
The live consultation of today, open to visitors, is demo_consultations.py."""

from __future__ import annotations

import datetime
import hashlib
import random
from uuid import UUID

from engage.domain.clock import recorded_at
from engage.domain.consultations.model import consultation_id, sheet_label
from engage.projections.consultations import queries as q
from engage.projections.restitution import queries as rq
from engage.scripts import paris_time

SLUG = "participation-2017"
STAFF = UUID("00000000-0000-4000-8000-00000000d3e1")
TITLE = "Charte parisienne de la participation"
THEMES = ["Être informé", "Être consulté", "Suivre les décisions", "Participer près de chez soi"]
# (display name, arrondissement, age band): groups of five or more show their figures.
RESIDENTS = [(f"{first} du {n}e" if n > 1 else f"{first} du 1er", n, band)
             for first, n, band in (
                 ("Alice", 11, "25-34"), ("Bruno", 11, "35-49"), ("Chloé", 11, "25-34"), ("Driss", 11, "50-64"),
                 ("Emma", 11, "25-34"), ("Farid", 18, "35-49"), ("Gaëlle", 18, "25-34"), ("Hélène", 18, "65-plus"),
                 ("Idriss", 18, "35-49"), ("Jules", 18, "18-24"), ("Kenza", 20, "35-49"), ("Lucien", 20, "50-64"),
                 ("Maëlle", 20, "25-34"), ("Nora", 20, "35-49"), ("Oscar", 20, "18-24"), ("Paul", 15, "50-64"),
                 ("Quentin", 15, "65-plus"), ("Rose", 5, "35-49"), ("Sami", 13, "25-34"), ("Tess", 3, "50-64"))]
PROPOSALS = [
    (0, "Envoyer une lettre d'information de l'arrondissement chaque mois, aussi sur papier.",
     "partiellement-retenue", "La lettre mensuelle sera numérique ; une version papier est disponible dans les mairies d'arrondissement."),
    (0, "Publier les ordres du jour des conseils de quartier au moins quinze jours avant.",
     "retenue", "Inscrit dans la charte (article 2) : les ordres du jour sont publiés quinze jours avant chaque séance."),
    (1, "Consulter les habitants avant chaque grand projet d'aménagement, pas après.",
     "retenue", "La charte prévoit une concertation avant toute décision sur les projets d'aménagement de plus d'un million d'euros."),
    (1, "Organiser des consultations dans les écoles et les lycées.",
     "partiellement-retenue", "Le Conseil parisien de la jeunesse portera une consultation par an dans les lycées volontaires."),
    (1, "Rendre le vote obligatoire pour les consultations.",
     "non-retenue", "Une consultation reste un droit et non une obligation : la Ville ne peut pas imposer d'y répondre."),
    (2, "Dire pour chaque proposition ce que la Ville en a fait et pourquoi.",
     "retenue", "C'est l'objet de cette restitution : chaque contribution reçoit une réponse motivée, publiée et datée."),
    (2, "Un tableau de bord public des engagements, mis à jour chaque trimestre.",
     "retenue", "Le tableau de bord des engagements est en ligne (page « Engagement ») et mis à jour à chaque étape."),
    (2, "Supprimer la taxe d'habitation pour les participants.",
     "hors-champ", "La fiscalité locale relève de la loi et non de la charte de la participation."),
    (3, "Des permanences des élus le samedi matin dans chaque quartier.",
     "partiellement-retenue", "Des permanences mensuelles le samedi seront proposées dans les mairies d'arrondissement volontaires."),
    (3, "Prêter des salles municipales gratuitement aux collectifs d'habitants.",
     "retenue", "Les maisons de la vie associative et citoyenne prêteront leurs salles gratuitement, sur réservation."),
    (3, "Installer des boîtes à idées dans les halls des bailleurs sociaux.",
     "non-retenue", "Les bailleurs n'ont pas souhaité d'équipement permanent ; des formulaires papier restent disponibles en mairie."),
    (0, "Traduire les documents des consultations en plusieurs langues et en facile à lire.",
     "partiellement-retenue", "Les synthèses seront publiées en facile à lire et à comprendre (FALC) ; les traductions sont à l'étude."),
]
PAPER = [
    (3, "Garder des réunions en vrai : tout le monde n'est pas à l'aise avec internet.", "F-17-011"),
    (1, "Prévenir les habitants par affichage dans les halls d'immeuble avant chaque réunion.", "F-17-012"),
]
QUOTES = (5, 0, 9)


# The consultation's plan, as the commitment's steps tell it: launched in January 2017, restitution
# in June, drafting of the charter from September, adoption by the Conseil de Paris in December.
PLAN_2017 = (("consultation", "2017-01-16", "2017-06-14"), ("restitution", "2017-06-15", "2017-09-03"),
             ("redaction", "2017-09-04", "2017-10-31"), ("adoption", "2017-11-01", "2017-12-31"))
LAUNCH = paris_time(2017, 1, 16, 9)
RESTITUTION = paris_time(2017, 6, 15, 9)
PUBLISHED = paris_time(2017, 6, 28, 11)


def plan_2017() -> list[dict]:
    return [{"phase": p, "starts_on": s, "ends_on": e} for p, s, e in PLAN_2017]


def load_restitution_demo(engage, rng: random.Random) -> UUID:
    """The 2017 consultation, from its launch to its published restitution; returns its id."""
    app = engage.app
    with recorded_at(paris_time(2017, 1, 9)):
        cid = app.create_consultation(
            slug=SLUG, created_by=STAFF, title=TITLE,
            description=("La consultation de 2017 sur la participation à Paris, d'où est née la charte de la "
                         "participation : comment être informé, consulté, et savoir ce que la Ville fait des avis. "
                         "Elle est close ; voici ce que vous avez dit et la suite donnée."),
            themes=THEMES, plan=plan_2017(), card_required=False, support_threshold=500).id
    with recorded_at(LAUNCH):
        app.start_phase(cid, "consultation", started_by=STAFF)
    people = []
    for index, (display_name, arrondissement, band) in enumerate(RESIDENTS):
        with recorded_at(LAUNCH + datetime.timedelta(days=index, hours=8)):
            person = app.register_account(name=f"Démo restitution {index}",
                                          email=f"restitution-{index}@demo.engage.invalid",
                                          display_name=display_name).person_id
            app.request_card(person_id=person, arrondissement=arrondissement, age_band=band,
                             consent_to_consultation=True, consent_to_newsletter=False)
        people.append(person)
    posted = paris_time(2017, 2, 6, 18)  # contributions from February to the end of May
    items = []
    for index, (theme, text, _status, _why) in enumerate(PROPOSALS):
        with recorded_at(posted + datetime.timedelta(days=9 * index)):
            items.append(app.contribute(consultation_id=cid, person_id=people[index % len(people)],
                                        has_valid_card=True, kind="proposition", theme=THEMES[theme], text=text).id)
    for index, person in enumerate(people[len(PROPOSALS):]):  # the others give their opinion too
        with recorded_at(posted + datetime.timedelta(days=9 * index + 4)):
            app.contribute(consultation_id=cid, person_id=person, has_valid_card=True, kind="avis",
                           theme=THEMES[index % len(THEMES)], parent_id=items[index % len(items)],
                           text=rng.choice(["D'accord, à condition que ce soit tenu dans la durée.",
                                            "Bonne idée, mais il faut des moyens pour la mettre en œuvre.",
                                            "Ça existe déjà dans mon arrondissement et ça marche bien."]))
    with recorded_at(paris_time(2017, 2, 20)):
        meeting = app.schedule_meeting(
            consultation_id=cid, facilitator_id=STAFF, title="Réunion publique sur la participation, mairie du 20e",
            starts_at=paris_time(2017, 3, 14, 18, 30), place="Mairie du 20e, salle des fêtes", arrondissement=20).id
    with recorded_at(paris_time(2017, 3, 15, 10)):
        app.record_headcount(meeting, 63, recorded_by=STAFF)
        sheets = app.number_sheets(meeting, count=60, numbered_by=STAFF)
        # Each paper sheet with its number and the SHA-256 of its scan (here, of a stand-in text).
        paper = [app.transcribe_contribution(meeting_id=meeting, transcriber_id=STAFF, kind="proposition",
                                             theme=THEMES[theme], text=text, paper_reference=reference,
                                             sheet=sheet_label(number),
                                             scan_sha256=hashlib.sha256(f"scan {reference}".encode()).hexdigest()).id
                 for number, (theme, text, reference) in enumerate(PAPER, start=sheets.first)]
        app.record_show_of_hands(meeting, item_id=paper[0], counts={"d-accord": 48, "mitige": 9, "pas-d-accord": 3},
                                 recorded_by=STAFF)
    for index, voter in enumerate(people):  # votes once every proposal is online, in June
        with recorded_at(paris_time(2017, 6, 1, 12) + datetime.timedelta(hours=5 * index)):
            for item in rng.sample(items, k=4):
                app.cast_vote(person_id=voter, item_id=item, has_valid_card=True,
                              option=rng.choices(["d-accord", "mitige", "pas-d-accord"], [6, 2, 2])[0])
    with recorded_at(RESTITUTION):
        app.start_phase(cid, "restitution", started_by=STAFF)
    for index, (item, (_theme, _text, status, why)) in enumerate(zip(items, PROPOSALS)):
        with recorded_at(RESTITUTION + datetime.timedelta(days=1 + index // 3, hours=index % 3)):
            app.answer_contribution(cid, item, status=status, justification=why, answered_by=STAFF)
    with recorded_at(paris_time(2017, 6, 22, 15)):
        app.answer_contribution(cid, paper[0], status="retenue", answered_by=STAFF,
                                justification="Chaque consultation comptera au moins une réunion publique par secteur.")
        # A revised answer: the history stays visible on the contribution's page.
        app.answer_contribution(cid, items[8], status="retenue", answered_by=STAFF,
                                justification="Après un essai dans quatre arrondissements au printemps, les permanences "
                                              "du samedi sont généralisées.")
    with recorded_at(paris_time(2017, 6, 27, 10)):
        for index in QUOTES:
            app.quote_contribution(cid, items[index], quoted_by=STAFF)
        app.quote_contribution(cid, paper[0], quoted_by=STAFF)
    engage.engine.catch_up()
    consultation = q.consultation(engage.db, consultation_id(SLUG).hex)
    with recorded_at(PUBLISHED):
        published = app.publish_restitution(cid, rq.report(engage.db, consultation), published_by=STAFF)
        # The commitment's restitution step (milestone 2, charter_demo.py) links its deliverable.
        app.link_milestone_deliverable(2, title="Rapport de restitution de la consultation 2017 (version 1)",
                                       url=f"/consultations/{SLUG}/restitution/versions/{published.number}")
    return cid
