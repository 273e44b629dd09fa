"""engage-demo <ini>: load demonstration data once, so a new user has something to explore."""

import random
import sys

from ..domain.places import AGE_BANDS, ARRONDISSEMENTS
from . import load, usage
from .demo_workshops import load_workshops_demo

FIRST_NAMES = ["Camille", "Léa", "Hugo", "Inès", "Karim", "Manon", "Nathan", "Sarah", "Yanis", "Zoé",
               "Mamadou", "Chloé", "Lucas", "Aïcha", "Thomas", "Jeanne", "Malik", "Louise"]
LAST_NAMES = ["Martin", "Bernard", "Diallo", "Nguyen", "Petit", "Moreau", "Haddad", "Laurent",
              "Lefèvre", "Traoré", "Garcia", "Roux", "Fontaine", "Benali"]
DEMO_CARDS = 240


def load_demo(engage, *, cards: int = DEMO_CARDS, seed: int = 2017) -> int:
    """Issue demo cards through the application (events, not SQL). Returns cards issued."""
    if engage.engine.head() > 0:
        return 0  # the log already holds history: never add demo data on top
    rng = random.Random(seed)
    people = cards > 0
    if people:
        load_demo_people(engage)
        cards -= 1  # the demo resident's own card is one of them
    # Inner arrondissements are smaller: weight the draw by rough population.
    weights = [1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 8, 8, 9, 7, 12, 9, 9, 10, 10, 10]
    holders = []
    for _ in range(cards):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        issued = engage.app.issue_card(
            name=f"{first} {last}",
            email=f"{first}.{last}@exemple.fr".lower(),
            arrondissement=rng.choices(ARRONDISSEMENTS, weights)[0],
            age_band=rng.choice(list(AGE_BANDS)),
            consent_to_consultation=rng.random() < 0.7,
        )
        holders.append((issued.person_id, issued.card_id))
    load_workshops_demo(engage, holders, seed=seed)  # Ateliers Citoyens
    engage.engine.catch_up()
    return cards + int(people)


# -- demo accounts: staff, one per role, and a resident with a card (residents-card) -----------
# DEMO ONLY: these passwords are printed by engage-demo and published in the README.
DEMO_PASSWORD = "demonstration seulement 2026"
DEMO_STAFF = {
    "admin": ("admin@exemple.fr", "Équipe administration"),
    "moderator": ("moderation@exemple.fr", "Équipe modération"),
    "editor": ("edition@exemple.fr", "Équipe édition"),
    "auditor": ("audit@exemple.fr", "Équipe audit"),
}
DEMO_RESIDENT = ("resident@exemple.fr", "Camille Démo", "Camille du 11e")


def load_demo_people(engage) -> None:
    """Staff accounts (one per role) and a resident holding a card, all confirmed."""
    from ..domain.accounts import Role

    def account(email, name, display_name):
        signed_up = engage.accounts.sign_up(name=name, email=email, display_name=display_name,
                                            password=DEMO_PASSWORD)
        engage.app.confirm_email(signed_up.person_id)
        return signed_up.person_id

    admin = None
    for role, (email, display_name) in DEMO_STAFF.items():
        person = account(email, display_name + " (démo)", display_name)
        admin = admin or person
        engage.app.grant_role(person, Role(role), granted_by=admin)
    email, name, display_name = DEMO_RESIDENT
    resident = account(email, name, display_name)
    engage.app.request_card(person_id=resident, arrondissement=11, age_band="25-34", category="4",
                            consent_to_consultation=True, consent_to_newsletter=False)
    engage.app.give_consent(resident, "newsletter")


def demo_accounts_text() -> str:
    lines = [f"demo accounts (DEMO ONLY, password for all: {DEMO_PASSWORD!r}):"]
    lines += [f"  {email:<24} {role}" for role, (email, _) in DEMO_STAFF.items()]
    from .demo_workshops import DEMO_FACILITATOR  # the workshops' demo facilitator

    lines.append(f"  {DEMO_FACILITATOR[1]:<24} facilitator (password: {DEMO_FACILITATOR[3]!r})")
    lines.append(f"  {DEMO_RESIDENT[0]:<24} resident with a card")
    return "\n".join(lines)


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
