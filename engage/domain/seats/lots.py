"""The stratified draw by lot, as a pure function anyone can run (Python standard library only).

Algorithm (also published on every draw's public page):
1. rank(v) = HMAC-SHA256(key = the seed's 32 bytes, message = the volunteer id in ASCII), in hex;
2. order every volunteer by rank (ascending; ids break ties, which never happen in practice);
3. for each stratum, in the order the call lists them, take in that order the first `quota`
   volunteers not yet selected whose arrondissement and age band match the stratum
   (an empty list of arrondissements or of age bands matches everyone);
4. fill the remaining seats with the first volunteers of the global order not yet selected.
The result is the list of selected volunteer ids, in the order they were taken.
"""

from __future__ import annotations

import hashlib
import hmac


def seed_commitment(seed_hex: str) -> str:
    """What is recorded before the call closes: SHA-256 of the seed's bytes, in hex."""
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def rank(seed_hex: str, volunteer_id: str) -> str:
    return hmac.new(bytes.fromhex(seed_hex), volunteer_id.encode("ascii"), hashlib.sha256).hexdigest()


def draw(seed_hex: str, volunteers: list[dict], seats: int, strata: list[dict]) -> list[str]:
    """volunteers: [{"id", "arrondissement", "age_band"}]; strata: [{"arrondissements": [...],
    "age_bands": [...], "quota": n}]. Returns the selected ids."""
    order = sorted(volunteers, key=lambda v: (rank(seed_hex, v["id"]), v["id"]))
    selected: list[str] = []
    for stratum in strata:
        taken = 0
        for volunteer in order:
            if taken >= stratum["quota"]:
                break
            if volunteer["id"] in selected:
                continue
            if stratum["arrondissements"] and volunteer["arrondissement"] not in stratum["arrondissements"]:
                continue
            if stratum["age_bands"] and volunteer["age_band"] not in stratum["age_bands"]:
                continue
            selected.append(volunteer["id"])
            taken += 1
    for volunteer in order:
        if len(selected) >= seats:
            break
        if volunteer["id"] not in selected:
            selected.append(volunteer["id"])
    return selected
