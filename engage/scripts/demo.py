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


def load_demo(engage, *, cards: int = DEMO_CARDS, seed: int = 2017, charter_adopted: bool = True) -> int:
    """Issue demo cards through the application (events, not SQL). Returns cards issued."""
    if engage.engine.head() > 0:
        return 0  # the log already holds history: never add demo data on top
    rng = random.Random(seed)
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
    # The Paris 2017 commitment: milestones, the co-drafted charter and its adoption, the guide.
    from .charter_demo import load_charter_demo

    load_charter_demo(engage, adopted=charter_adopted)
    engage.engine.catch_up()
    return cards


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        usage("usage: engage-demo <ini>")
    engage = load(argv[0])
    try:
        issued = load_demo(engage)
        print("demo data: " + (f"{issued} cards issued" if issued else "already present, nothing added"))
    finally:
        engage.close()
