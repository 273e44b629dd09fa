"""engage-demo <ini>: load demonstration data once, so a new user has something to explore."""

import hashlib
import random
import sys
from uuid import UUID

from engage.domain.common import AGE_BANDS, ARRONDISSEMENTS
from engage.scripts import load, usage
from engage.scripts.charter_demo import load_charter_demo, plan_commitment
from engage.scripts.demo_consultations import load_consultation_demo
from engage.scripts.demo_participation import load_participation_demo
from engage.scripts.demo_people import (  # noqa: F401  (DEMO_*: the demo accounts, imported from here too)
    DEMO_PASSWORD,
    DEMO_RESIDENT,
    DEMO_STAFF,
    demo_accounts_text,
    load_demo_people,
)
from engage.scripts.demo_restitution import load_restitution_demo
from engage.scripts.demo_workshops import load_workshops_demo

FIRST_NAMES = ["Camille", "Léa", "Hugo", "Inès", "Karim", "Manon", "Nathan", "Sarah", "Yanis", "Zoé",
               "Mamadou", "Chloé", "Lucas", "Aïcha", "Thomas", "Jeanne", "Malik", "Louise"]
LAST_NAMES = ["Martin", "Bernard", "Diallo", "Nguyen", "Petit", "Moreau", "Haddad", "Laurent",
              "Lefèvre", "Traoré", "Garcia", "Roux", "Fontaine", "Benali"]
DEMO_CARDS = 240


def load_demo(engage, *, cards: int = DEMO_CARDS, seed: int = 2017, charter_adopted: bool = True,
              charter_stage: str | None = None) -> int:
    """The demo, through the application (events, not SQL). Returns the cards issued.

    One story, the Paris 2017 commitment, told in its order and at its dates (reconstructed
    historical acts, each recorded at the 2017 date it happened: engage.domain.clock), then today:
    - January 2017: the commitment's steps planned, the guide published, the consultation on the
      charter launched (demo_restitution.py, charter_demo.py);
    - June 2017: its restitution, every contribution answered, the report published;
    - September 2017: the charter drafted with that same consultation (amendments, votes);
    - December 2017: the charter adopted by the Conseil de Paris (deliberation 2017 DDCT 183);
    - today: the demo accounts, card holders, Ateliers Citoyens, organizations, a seats-by-lot call,
      and a live consultation residents can try end to end (demo_consultations.py).
    `charter_stage` stops the 2017 story earlier (charter_demo.STAGES), for tests that amend it."""
    if engage.engine.head() > 0:
        return 0  # the log already holds history: never add demo data on top
    rng = random.Random(seed)
    plan_commitment(engage.app)  # January 2017
    story = load_restitution_demo(engage, random.Random(seed + 1))  # January to June 2017 (draws of its own)
    # September to December 2017: the charter, drafted with that consultation, adopted.
    load_charter_demo(engage, adopted=charter_adopted, consultation_id=story, stage=charter_stage, planned=True)
    people = cards > 0
    if people:
        load_demo_people(engage)
        cards -= 1  # the demo resident's own card is one of them
    # Inner arrondissements are smaller: weight the draw by rough population.
    weights = [1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 8, 8, 9, 7, 12, 9, 9, 10, 10, 10]
    issued = []
    for _ in range(cards):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        issued.append(engage.app.issue_card(
            name=f"{first} {last}",
            email=f"{first}.{last}@exemple.fr".lower(),
            arrondissement=rng.choices(ARRONDISSEMENTS, weights)[0],
            age_band=rng.choice(list(AGE_BANDS)),
            consent_to_consultation=rng.random() < 0.7,
        ))
    load_workshops_demo(engage, [(i.person_id, i.card_id) for i in issued], seed=seed)  # Ateliers Citoyens
    load_residents_demo(engage, issued, rng)  # residents-orgs
    live = load_consultation_demo(engage, rng)  # today's consultation, open for three weeks
    load_participation_demo(engage, issued, live, rng)  # residents: history, inclusion
    engage.engine.catch_up()
    return cards + int(people)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        usage("usage: engage-demo <ini>")
    engage = load(argv[0])
    try:
        issued = load_demo(engage)
        print("demo data: " + (f"{issued} cards issued" if issued else "already present, nothing added"))
        if issued:
            print(demo_accounts_text())
    finally:
        engage.close()


# --------------------------------------------------------------------------- residents-orgs
DEMO_STAFF_ID = UUID("00000000-0000-4000-8000-00000000d3e0")
DEMO_ORGANIZATIONS = [
    ("Commission Parisienne du Débat Public", "consultative-body", None, "https://www.paris.fr/cpdp",
     "Garante indépendante de la participation : elle veille à la qualité des concertations menées par la Ville."),
    ("Conseil parisien de la jeunesse", "consultative-body", None, "https://www.paris.fr/cpj",
     "Cent jeunes de 15 à 30 ans qui rendent des avis au Conseil de Paris sur les sujets qui les concernent."),
    ("Les Amis du Canal Saint-Martin", "association", 10, "https://amis-canal.example.org",
     "Balades commentées, nettoyages des berges et fête de quartier autour du canal."),
    ("Belleville Solidaire", "association", 20, "",
     "Soutien scolaire, repas partagés et accès aux droits pour les habitants de Belleville."),
    ("Code pour Paris", "civic-tech", None, "https://code-pour-paris.example.org",
     "Des bénévoles qui construisent des outils numériques libres au service de la participation."),
]
DEMO_OFFERS = [
    (2, "Balade commentée du canal", "cultural", 10, "2027-04-05", "2027-10-25",
     "Deux heures le long du canal, de la Bastille à la Villette, avec une guide conférencière.",
     "Gratuit sur présentation de la Carte Citoyen·ne, sur réservation."),
    (3, "Repas partagé du jeudi", "associative", 20, "2027-01-07", "",
     "Chaque jeudi soir, un repas préparé ensemble avec les habitants du quartier.",
     "Ouvert à toutes et tous ; participation libre, gratuite avec la carte."),
    (4, "Atelier « Données ouvertes de mon quartier »", "civic", None, "2027-03-12", "2027-03-12",
     "Apprendre à lire et à utiliser les données publiées par la Ville pour son quartier.",
     "Places réservées aux titulaires de la Carte Citoyen·ne."),
    (0, "Assister à une séance publique de la Commission", "civic", None, "2027-02-01", "2027-12-15",
     "Les séances de la Commission sont publiques : venez écouter, et poser vos questions à la fin.",
     "Accès prioritaire avec la Carte Citoyen·ne."),
]


def load_residents_demo(engage, issued, rng) -> None:
    """Organizations, offers, a seats-by-lot call and a small membership list, through the application."""
    app = engage.app
    organization_ids = []
    for name, kind, arrondissement, website, description in DEMO_ORGANIZATIONS:
        organization_ids.append(app.register_organization(
            name=name, kind=kind, description=description, website=website,
            arrondissement=arrondissement, registered_by=DEMO_STAFF_ID).id)
    for index, title, kind, arrondissement, starts, ends, description, conditions in DEMO_OFFERS:
        app.publish_offer(organization_ids[index], published_by=DEMO_STAFF_ID, as_staff=True, title=title,
                          kind=kind, arrondissement=arrondissement, starts_on=starts, ends_on=ends,
                          description=description, link="", card_conditions=conditions)
    call = app.open_seat_call(
        organization_ids[1], title="Conseil parisien de la jeunesse : 10 sièges tirés au sort", seats=10,
        strata=[{"label": "Nord-est", "arrondissements": [18, 19, 20], "age_bands": [], "quota": 3},
                {"label": "Moins de 25 ans", "arrondissements": [], "age_bands": ["under-18", "18-24"], "quota": 3}],
        opened_by=DEMO_STAFF_ID)
    for card in issued[: min(len(issued), 40)]:
        app.volunteer_for_seat(call.id, person_id=card.person_id, card_id=card.card_id)
    seed = "%064x" % rng.getrandbits(256)
    app.commit_seat_seed(call.id, seed_sha256=hashlib.sha256(bytes.fromhex(seed)).hexdigest(), committed_by=DEMO_STAFF_ID)
    app.close_seat_call(call.id, closed_by=DEMO_STAFF_ID)
    app.reveal_seat_seed(call.id, seed=seed, revealed_by=DEMO_STAFF_ID)
    lines = ["email;arrondissement;nom;date d'adhésion"]
    for i in range(200):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        lines.append(f"{first}.{last}.{i}@exemple.fr;{rng.choice(ARRONDISSEMENTS)};{first} {last};2024-0{1 + i % 9}-15")
    app.import_membership_list(("\n".join(lines) + "\n").encode(), imported_by=DEMO_STAFF_ID)
