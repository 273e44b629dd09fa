"""Demo data for the resident's participation history and the inclusion statistics (residents).

Through the application, events only: most demo card holders declare their socio-professional
group (an optional field, so some do not), and the demo resident takes part in the
consultation (a contribution, votes, a change of mind), so /compte shows those acts.
The groups' proportions are demo data, not a reference population.
"""

from __future__ import annotations

import random
from uuid import UUID

from engage.domain.cards.model import PCS_2020_GROUPS
from engage.projections.consultations import queries as cq
from engage.scripts.demo_people import DEMO_RESIDENT

# Demo only: how often each PCS 2020 group is drawn (1 to 8), and how often none is given.
GROUP_WEIGHTS = [0.2, 4, 22, 18, 14, 4, 18, 10]
DECLARED = 0.65


def load_participation_demo(engage, issued, consultation: UUID | None, rng: random.Random) -> None:
    app = engage.app
    for card in issued:
        if rng.random() < DECLARED:
            app.declare_category(card.person_id, rng.choices(PCS_2020_GROUPS, GROUP_WEIGHTS)[0],
                                 card_id=card.card_id)
    resident = app.find_person_by_email(DEMO_RESIDENT[0])
    if resident is None or consultation is None:
        return
    app.contribute(consultation_id=consultation, person_id=resident, has_valid_card=True, kind="proposition",
                   theme="Information et transparence",
                   text="Publier chaque année un bilan de ce que la Ville a fait des avis reçus.")
    engage.engine.catch_up()
    items, _more = cq.contributions(engage.db, consultation.hex, size=3)
    others = [UUID(item.contribution_id) for item in items if item.author_id != resident.hex][:2]
    for item, option in zip(others, ("d-accord", "mitige")):
        app.cast_vote(person_id=resident, item_id=item, option=option, has_valid_card=True)
    if others:
        app.cast_vote(person_id=resident, item_id=others[-1], option="d-accord", has_valid_card=True)
