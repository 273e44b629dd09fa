"""Demo data of today's live consultation, "Faire vivre la charte de la participation": the charter
adopted in 2017 (charter_demo.py) asks the City to consult before deciding; this consultation, open
since three weeks, lets visitors try everything end to end: contribute, reply, vote, come to a public
meeting ahead (another one was held last week, its paper contributions transcribed). A questionnaire
for card holders too. Through the application (events), never SQL; the acts of the past three
weeks recorded at their day (engage.domain.clock.recorded_at)."""

from __future__ import annotations

import datetime
import random
from uuid import UUID, uuid4

from engage.domain.accounts.model import Role
from engage.domain.clock import recorded_at
from engage.domain.consultations.model import sheet_label

SLUG = "faire-vivre-la-charte"
TITLE = "Faire vivre la charte de la participation"
THEMES = [
    "Information et transparence",
    "Participation des jeunes",
    "Budget participatif",
    "Conseils de quartier",
    "Suivi des engagements de la Ville",
]
RESIDENTS = ["Camille du 11e", "Karim (20e)", "Léa, Belleville", "Hugo du 15e", "Inès P.", "Mamadou du 18e",
             "Zoé, Paris Centre", "Thomas, 13e", "Aïcha B.", "Louise du 14e", "Yanis (19e)", "Jeanne du 5e"]
CONTRIBUTIONS = [
    ("proposition", 0, "Publier en ligne, sous huit jours, le compte rendu de chaque réunion publique, avec les suites données à chaque proposition."),
    ("proposition", 1, "Réserver une place aux 16-25 ans dans chaque conseil de quartier, avec des horaires compatibles avec les cours."),
    ("avis", 2, "Le budget participatif marche bien, mais il faut mieux expliquer pourquoi certains projets ne sont pas retenus."),
    ("question", 3, "Comment les membres des conseils de quartier seront-ils désignés : tirage au sort, volontariat, ou les deux ?"),
    ("proposition", 4, "Un tableau de bord public des engagements de la charte, mis à jour chaque trimestre, avec un indicateur par engagement."),
    ("argument-pour", 0, "La transparence sur les suites données redonne confiance : on sait que sa contribution a été lue."),
    ("argument-contre", 1, "Une place réservée ne suffit pas : sans accompagnement, les jeunes élus de quartier se découragent vite."),
    ("proposition", 3, "Tenir les réunions de quartier aussi le samedi matin, et proposer une garde d'enfants sur place."),
]
REPLIES = [
    (0, "argument-pour", "Oui, et avec un lien vers les documents présentés en séance."),
    (3, "avis", "Le tirage au sort parmi les volontaires me semble un bon équilibre."),
    (1, "question", "Qui organiserait cet accompagnement : la mairie d'arrondissement ou les associations ?"),
]
PAPER = [
    ("proposition", 3, "Afficher les dates des conseils de quartier dans les halls d'immeubles des bailleurs sociaux.", "F-18-001"),
    ("avis", 0, "Beaucoup de gens n'ont pas internet : il faut garder des formulaires papier dans les mairies.", "F-18-002"),
]


def load_consultation_demo(engage, rng: random.Random) -> UUID | None:
    app = engage.app
    now = datetime.datetime.now(datetime.timezone.utc)
    today = now.date()
    opened = now - datetime.timedelta(days=20)

    def span(start, end):
        return (today + datetime.timedelta(days=start)).isoformat(), (today + datetime.timedelta(days=end)).isoformat()

    plan = []
    for phase, (start, end) in zip(("consultation", "restitution", "redaction", "adoption"),
                                   ((-20, 40), (41, 70), (71, 110), (111, 150))):
        starts_on, ends_on = span(start, end)
        plan.append({"phase": phase, "starts_on": starts_on, "ends_on": ends_on})
    with recorded_at(opened - datetime.timedelta(days=7)):
        editor = app.register_account(name="Équipe participation", email="participation@demo.engage.invalid",
                                      display_name="Équipe participation").person_id
        for role in (Role.EDITOR, Role.FACILITATOR, Role.MODERATOR):
            app.grant_role(editor, role, granted_by=editor)
        people = [app.register_account(name=n, email=f"demo{i}@demo.engage.invalid", display_name=n).person_id
                  for i, n in enumerate(RESIDENTS)]
        consultation = app.create_consultation(
            slug=SLUG, created_by=editor, title=TITLE,
            description=("La charte de la participation, adoptée par le Conseil de Paris en décembre 2017, engage la "
                         "Ville : informer avant de consulter, rendre compte après. Comment la faire vivre dans votre "
                         "quartier, aujourd'hui ?\n"
                         "Contribuez en ligne ou lors des réunions publiques, puis votez sur les propositions."),
            themes=THEMES, plan=plan, card_required=False, support_threshold=1500).id
    with recorded_at(opened):
        app.start_phase(consultation, "consultation", started_by=editor)
    items = []
    for index, (kind, theme, text) in enumerate(CONTRIBUTIONS):
        with recorded_at(opened + datetime.timedelta(days=1 + 2 * index, hours=8)):
            items.append(app.contribute(consultation_id=consultation, person_id=people[index % len(people)],
                                        has_valid_card=True, kind=kind, theme=THEMES[theme], text=text).id)
    for parent, kind, text in REPLIES:
        with recorded_at(opened + datetime.timedelta(days=2 + 2 * parent, hours=12)):
            app.contribute(consultation_id=consultation, person_id=rng.choice(people), has_valid_card=True,
                           kind=kind, theme=THEMES[CONTRIBUTIONS[parent][1]], text=text, parent_id=items[parent])
    held = datetime.datetime.combine(today - datetime.timedelta(days=6), datetime.time(17, 30),
                                     tzinfo=datetime.timezone.utc)
    with recorded_at(opened + datetime.timedelta(days=1)):
        meeting = app.schedule_meeting(
            consultation_id=consultation, facilitator_id=editor, title="Réunion publique : la charte dans le 18e",
            starts_at=held, place="Mairie du 18e, salle des mariages", arrondissement=18).id
    with recorded_at(held + datetime.timedelta(hours=15)):
        app.record_headcount(meeting, 47, recorded_by=editor)
        sheets = app.number_sheets(meeting, count=40, numbered_by=editor)
        for number, (kind, theme, text, reference) in enumerate(PAPER, start=sheets.first):
            items.append(app.transcribe_contribution(
                meeting_id=meeting, transcriber_id=editor, kind=kind, theme=THEMES[theme], text=text,
                paper_reference=reference, sheet=sheet_label(number)).id)
        app.record_show_of_hands(meeting, item_id=items[-2], counts={"d-accord": 31, "mitige": 9, "pas-d-accord": 4},
                                 recorded_by=editor)
    # A meeting ahead: residents can come.
    app.schedule_meeting(
        consultation_id=consultation, facilitator_id=editor, title="Réunion publique : la charte dans le 13e",
        starts_at=datetime.datetime.combine(today + datetime.timedelta(days=12), datetime.time(17, 30),
                                            tzinfo=datetime.timezone.utc),
        place="Mairie du 13e, salle des fêtes", arrondissement=13)
    questionnaire = app.create_questionnaire(
        title="La participation et vous", target="carte", created_by=editor,
        introduction="Un questionnaire court pour les détenteurs de la Carte Citoyen·ne : cinq minutes suffisent.",
        questions=[
            {"label": "Comment préférez-vous être consulté·e ?", "kind": "choix-unique", "required": True,
             "options": ["En ligne", "En réunion publique", "Par courrier"]},
            {"label": "Quels sujets vous intéressent ?", "kind": "choix-multiple", "required": False,
             "options": THEMES},
            {"label": "Votre confiance dans la parole de la Ville", "kind": "echelle", "required": True},
            {"label": "Une idée pour la charte ?", "kind": "texte", "required": False},
        ]).id
    for person in people[:8]:
        app.answer_questionnaire(questionnaire, person_id=person, in_target=True, answers={
            "q1": rng.choice(["En ligne", "En réunion publique", "Par courrier"]),
            "q2": rng.sample(THEMES, k=2), "q3": rng.choice(["2", "3", "4", "5"]),
            "q4": rng.choice(["", "Des réunions le samedi matin.", "Un bilan annuel public."])})
    voters = people + [uuid4() for _ in range(30)]
    for voter in voters:
        for item in rng.sample(items, k=rng.randint(1, 5)):
            option = rng.choices(["d-accord", "mitige", "pas-d-accord"], [6, 2, 2])[0]
            app.cast_vote(person_id=voter, item_id=item, option=option, has_valid_card=True)
    return consultation
