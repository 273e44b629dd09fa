"""The draw by lot recomputed independently, from the algorithm as published on the draw's page."""

import hashlib
import hmac


def independent_draw(seed_hex, volunteers, seats, strata):
    """Written from the algorithm as published on the draw's page, not from engage's code."""
    key = bytes.fromhex(seed_hex)
    ranked = sorted(volunteers, key=lambda v: (hmac.new(key, v["id"].encode(), hashlib.sha256).hexdigest(), v["id"]))
    chosen = []
    for s in strata:
        eligible = [v["id"] for v in ranked if v["id"] not in chosen
                    and (not s["arrondissements"] or v["arrondissement"] in s["arrondissements"])
                    and (not s["age_bands"] or v["age_band"] in s["age_bands"])]
        chosen += eligible[: s["quota"]]
    chosen += [v["id"] for v in ranked if v["id"] not in chosen][: seats - len(chosen)]
    return chosen
