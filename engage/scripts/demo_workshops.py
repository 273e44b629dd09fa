"""Demo Ateliers Citoyens: the commitment's three families, sessions across arrondissements,
some full with a waitlist, some past with their roll marked and feedback given.

Everything goes through the application's use cases (events, never SQL)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from uuid import UUID
from zoneinfo import ZoneInfo

from engage.domain.accounts.model import Role

PARIS = ZoneInfo("Europe/Paris")
# A demo facilitator who can sign in on a development server (never in production data).
DEMO_FACILITATOR = ("Nadia Benali", "animation@exemple.fr", "Nadia de l'atelier", "quatre mots pour la démonstration")

WORKSHOPS = [
    ("Construire son projet associatif", "construire-son-projet",
     "De l'idée au projet : définir un objectif, trouver des partenaires, monter un budget simple et "
     "connaître les aides de la Ville. Apportez votre idée, même à peine esquissée.",
     "fr", "Salle de plain-pied, boucle magnétique, supports en gros caractères sur demande."),
    ("Déposer un projet au budget participatif", "construire-son-projet",
     "Comment rédiger un projet recevable, l'estimer avec les services et convaincre vos voisins de voter.",
     "fr", "Accessible en fauteuil roulant ; documents en français facile à lire et à comprendre."),
    ("Comprendre le Conseil de Paris", "comprendre-les-institutions",
     "Qui décide quoi entre la Ville, les mairies d'arrondissement et l'État ? Une séance pour s'y retrouver, "
     "avec la visite commentée d'une séance du Conseil.",
     "fr-lsf", "Interprétation en langue des signes française ; salle accessible."),
    ("Rencontrer les élus de votre arrondissement", "rencontrer-des-elus",
     "Une heure d'échange avec le maire d'arrondissement et ses adjoints : vos questions, leurs réponses, "
     "et le suivi promis par écrit.",
     "fr", "Salle des fêtes de la mairie, accès de plain-pied."),
]

# (workshop index, days from today, hour, arrondissement or None for online, place, capacity, registrants)
UPCOMING = [
    (0, 3, 18, 11, "Maison de la vie associative et citoyenne du 11e, 8 rue du Général Renault", 12, 6),
    (0, 10, 10, 19, "Maison de la vie associative et citoyenne du 19e, 15 passage Ramey", 8, 11),  # full
    (1, 5, 18, 20, "Mairie du 20e, 6 place Gambetta", 15, 4),
    (1, 12, 18, None, "", 30, 9),
    (2, 7, 18, 4, "Hôtel de Ville, salle des Prévôts, place de l'Hôtel de Ville", 6, 9),  # full
    (2, 14, 14, 13, "Mairie du 13e, 1 place d'Italie", 20, 3),
    (3, 4, 19, 18, "Mairie du 18e, 1 place Jules Joffrin", 25, 7),
    (3, 9, 19, 15, "Mairie du 15e, 31 rue Péclet", 25, 5),
    (3, 16, 19, 10, "Mairie du 10e, 72 rue du Faubourg Saint-Martin", 25, 2),
    (1, 20, 10, 14, "Maison de la vie associative et citoyenne du 14e, 22 rue Deparcieux", 12, 1),
    (0, 24, 18, 17, "Maison de la vie associative et citoyenne du 17e, 25 rue Lantiez", 12, 0),
]
# (workshop index, days before today, hour, arrondissement, place, capacity, registrants, absent)
PAST = [
    (0, 14, 18, 11, "Maison de la vie associative et citoyenne du 11e, 8 rue du Général Renault", 12, 10, 2),
    (2, 21, 18, 4, "Hôtel de Ville, salle des Prévôts, place de l'Hôtel de Ville", 20, 14, 3),
    (3, 7, 19, 20, "Mairie du 20e, 6 place Gambetta", 25, 9, 1),
]
COMMENTS = ["Très clair, merci à l'animatrice.", "J'ai enfin compris qui fait quoi.",
            "Un peu court, mais des réponses concrètes.", "", "Je reviendrai avec mon association."]


def _at(day_offset: int, hour: int) -> datetime:
    day = datetime.now(PARIS).date() + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS).astimezone(timezone.utc)


def facilitator(engage) -> UUID:
    """The demo facilitator's account (signed up, confirmed, facilitator role)."""
    name, email, display_name, password = DEMO_FACILITATOR
    if engage.accounts is not None:
        person_id = engage.accounts.sign_up(name=name, email=email, display_name=display_name,
                                            password=password).person_id
    else:
        person_id = engage.app.register_account(name=name, email=email, display_name=display_name).person_id
    engage.app.confirm_email(person_id)
    engage.app.grant_role(person_id, Role.FACILITATOR, granted_by=person_id)
    return person_id


def load_workshops_demo(engage, holders: list[tuple[UUID, UUID]], *, seed: int = 2017) -> int:
    """Workshops and sessions; registrants drawn from the demo card holders (person, card)."""
    if not holders:
        return 0
    rng = random.Random(seed)
    app = engage.app
    host = facilitator(engage)
    workshop_ids = [
        app.create_workshop(title=t, theme=th, description=d, language=lang, accessibility=acc,
                            created_by=host).id
        for t, th, d, lang, acc in WORKSHOPS
    ]
    sessions = 0
    for index, days_ago, hour, arrondissement, place, capacity, registrants, absent in PAST:
        start = _at(-days_ago, hour)
        long_ago = start - timedelta(days=30)
        session_id = app.schedule_session(
            workshop_id=workshop_ids[index], starts_at=start, ends_at=start + timedelta(hours=2),
            arrondissement=arrondissement, place=place, online_link="", capacity=capacity,
            facilitator_id=host, scheduled_by=host, now=long_ago).id
        people = rng.sample(holders, min(registrants, len(holders)))
        for person_id, card_id in people:
            app.register_for_session(session_id, person_id, card_ids=[card_id], now=long_ago)
        marks = {person_id: i >= absent for i, (person_id, _) in enumerate(people)}
        app.record_attendance(session_id, marks, by=host, now=start)
        for i, (person_id, _) in enumerate(people[absent:absent + 4]):
            app.give_feedback(session_id, person_id, rating=rng.choice([3, 4, 4, 5, 5]),
                              comment=COMMENTS[i % len(COMMENTS)])
        sessions += 1
    for index, days, hour, arrondissement, place, capacity, registrants in UPCOMING:
        start = _at(days, hour)
        session_id = app.schedule_session(
            workshop_id=workshop_ids[index], starts_at=start,
            ends_at=start + timedelta(hours=2 if arrondissement else 1, minutes=30 if arrondissement else 0),
            arrondissement=arrondissement, place=place,
            online_link="" if arrondissement else "https://visio.paris.fr/ateliers-citoyens/budget-participatif",
            capacity=capacity, facilitator_id=host, scheduled_by=host).id
        for person_id, card_id in rng.sample(holders, min(registrants, len(holders))):
            app.register_for_session(session_id, person_id, card_ids=[card_id])
        sessions += 1
    return sessions
