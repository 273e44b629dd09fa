"""Refaire un tirage au sort de Paris s'engage à partir de son relevé public
(Recompute a seats-by-lot draw from its public record; Python 3, standard library only).

Usage : python3 recompute_draw.py <adresse du relevé JSON du tirage, ou un fichier .json enregistré>

Le relevé donne ses volontaires une page à la fois : depuis une adresse, le script suit le lien
"next" de chaque page ; un fichier enregistré doit contenir tous les volontaires (son "next"
n'est pas suivi). Le script affiche les identifiants tirés, puis son verdict.
"""
import hashlib
import hmac
import json
import sys
import urllib.request


def recompute(record):
    seed = bytes.fromhex(record["seed"])
    # 1. The seed revealed is the one committed before the call closed.
    assert hashlib.sha256(seed).hexdigest() == record["commitment_sha256"], "la graine ne correspond pas à l'engagement publié avant la clôture"
    # 2. Order the volunteers by HMAC-SHA256(seed, volunteer id), ascending.
    order = sorted(record["volunteers"],
                   key=lambda v: (hmac.new(seed, v["id"].encode("ascii"), hashlib.sha256).hexdigest(), v["id"]))
    chosen = []
    # 3. Each stratum, in order, takes its quota among the volunteers it matches, not yet chosen.
    for stratum in record["strata"]:
        matching = [v["id"] for v in order if v["id"] not in chosen
                    and (not stratum["arrondissements"] or v["arrondissement"] in stratum["arrondissements"])
                    and (not stratum["age_bands"] or v["age_band"] in stratum["age_bands"])]
        chosen += matching[:stratum["quota"]]
    # 4. The remaining seats go to the first volunteers of the global order.
    chosen += [v["id"] for v in order if v["id"] not in chosen][:max(0, record["seats"] - len(chosen))]
    return chosen


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage : python3 recompute_draw.py <adresse du relevé JSON du tirage, ou fichier .json>")
    source = sys.argv[1]
    if source.startswith(("http://", "https://")):
        record = json.load(urllib.request.urlopen(source))
        following = record.get("next")
        while following:  # the volunteers come a page at a time
            page = json.load(urllib.request.urlopen(following))
            record["volunteers"] += page["volunteers"]
            following = page.get("next")
    else:
        with open(source, encoding="utf-8") as f:
            record = json.load(f)
        if record.get("next"):
            sys.exit("ce fichier ne contient qu'une page des volontaires : donnez plutôt l'adresse du relevé")
    result = recompute(record)
    print("\n".join(result))
    print("identique au résultat publié" if result == record["selected"] else "DIFFÉRENT du résultat publié")
