"""A Paris-scale dataset built through the application (commands and events, never SQL).

Resumable: each step records how far it got in the read-model database, so an
interrupted run continues where it stopped. Scale 1.0 is the commitment's 2017 scale.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from tqdm import tqdm

from engage.domain import card_numbers
from engage.domain.cards import CardNumberClaim, CitizenCard, card_number_claim_id
from engage.domain.places import AGE_BANDS, ARRONDISSEMENTS

PARIS_2017 = {"card_holders": 108_000}
BATCH = 500
# Weighted like the arrondissements' populations (rough, 2017).
WEIGHTS = [16, 21, 34, 28, 58, 42, 52, 36, 60, 92, 147, 141, 182, 137, 234, 166, 168, 196, 187, 196]


@dataclass
class Progress:
    engage: object

    def setup(self) -> None:
        with self.engage.db.transaction() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS bench_progress (step TEXT PRIMARY KEY, done BIGINT NOT NULL)")

    def done(self, step: str) -> int:
        with self.engage.db.reading() as cur:
            return cur.scalar("SELECT done FROM bench_progress WHERE step = %s", [step], 0)

    def advance(self, step: str, done: int) -> None:
        with self.engage.db.transaction() as cur:
            cur.execute(
                "INSERT INTO bench_progress (step, done) VALUES (%s, %s)"
                " ON CONFLICT (step) DO UPDATE SET done = excluded.done",
                [step, done],
            )


def generate(engage, scale: float, *, seed: int = 2017) -> dict[str, int]:
    progress = Progress(engage)
    progress.setup()
    counts = {name: max(1, int(round(value * scale))) for name, value in PARIS_2017.items()}
    _card_holders(engage, progress, counts["card_holders"], seed)
    return counts


def _card_holders(engage, progress: Progress, total: int, seed: int) -> None:
    app = engage.app
    done = progress.done("card_holders")
    rng = random.Random(seed + done)  # a resumed run draws fresh numbers: claims stay unique
    bands = list(AGE_BANDS)
    with tqdm(total=total, initial=done, desc="cartes", unit="carte") as bar:
        while done < total:
            size = min(BATCH, total - done)
            try:
                app.save(*_card_batch(app, rng, bands, seed, done, size))
            except IntegrityError:
                continue  # a drawn number was taken (birthday odds at 10^8): redraw the batch
            # A crash between the save above and this mark re-issues at most this one batch.
            done += size
            progress.advance("card_holders", done)
            bar.update(size)


def _card_batch(app, rng, bands, seed, start, size):
    """The events of `size` card holders, as aggregates to save in one transaction."""
    aggregates = []
    for n in range(start, start + size):
        person_id = UUID(int=(seed << 64) + n)
        number = card_numbers.new_card_number(rng)
        card = CitizenCard.issue(
            person_id=person_id,
            arrondissement=rng.choices(ARRONDISSEMENTS, WEIGHTS)[0],
            age_band=rng.choice(bands),
            consent_to_consultation=rng.random() < 0.7,
            sealed_identity=app.vault.seal(person_id, {"name": f"Personne {n}", "email": f"p{n}@exemple.fr"}),
            sealed_number=app.vault.seal(person_id, {"card_number": number}),
        )
        claim = CardNumberClaim(claim_id=card_number_claim_id(number, app.identifier_key), card_id=card.id)
        aggregates += [card, claim]
    return aggregates
