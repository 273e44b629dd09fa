"""Vérifier ses propres actes dans le journal public de Paris s'engage, sans faire confiance au site
(Python 3, bibliothèque standard seule).

Usage : python3 verify_my_acts.py mes-actes.json [--cle CLÉ_DU_JOURNAL] [--site ADRESSE]

mes-actes.json : vos ouvertures, téléchargées depuis la page « Mes actes dans le journal public »
(/compte/mes-actes). Le programme :
1. lit le dernier point de contrôle signé (/transparency/checkpoint) et vérifie sa signature
   Ed25519 (C2SP signed-note) avec la clé du journal : celle donnée par --cle (comparez-la avec
   celle que la Ville publie ailleurs), sinon celle que publie le site (/transparency/key) ;
2. pour chacun de vos actes, télécharge l'entrée du journal (/transparency/entries), recalcule
   son empreinte et la preuve d'inclusion (/transparency/proof/inclusion) jusqu'à la racine
   signée (RFC 9162, §2.1) ;
3. vérifie que l'entrée montre l'engagement, et que
   SHA-256("engage-commitment/v1\\n" + votre identifiant + "\\n" + sel) le redonne.
Il affiche un rapport et se termine avec le code 0 si tout est vérifié, 1 sinon, 2 si la
vérification n'a pas pu avoir lieu (fichier illisible, site injoignable).
"""
import argparse
import base64
import binascii
import hashlib
import json
import sys
import urllib.error
import urllib.request
import uuid

COMMITMENT_DOMAIN = b"engage-commitment/v1\n"

# -- Ed25519 signature verification: RFC 8032, section 6 (reference code, verification only) --

_P = 2 ** 255 - 19
_Q = 2 ** 252 + 27742317777372353535851937790883648493


def _inv(x):
    return pow(x, _P - 2, _P)


_D = -121665 * _inv(121666) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _add(a, b):
    pa = (a[1] - a[0]) * (b[1] - b[0]) % _P
    pb = (a[1] + a[0]) * (b[1] + b[0]) % _P
    pc = 2 * a[3] * b[3] * _D % _P
    pd = 2 * a[2] * b[2] % _P
    e, f, g, h = pb - pa, pd - pc, pd + pc, pb + pa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, point):
    result = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            result = _add(result, point)
        point = _add(point, point)
        s >>= 1
    return result


def _equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * _inv(_D * y * y + 1) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _decompress(data):
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * _inv(5) % _P
_GX = _recover_x(_GY, 0)
_G = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify(public_key, message, signature):
    """True when `signature` (64 bytes) is `public_key`'s (32 bytes) over `message`."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decompress(public_key)
    r = _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % _Q
    return _equal(_mul(s, _G), _add(r, _mul(h, a)))


# -- the log's key and its signed checkpoint (C2SP signed-note, tlog-checkpoint) ------------


class Failure(Exception):
    """Something that does not verify: the message says what, in French."""


def parse_key(text):
    """(name, key id, public key) of a verifier key <name>+<8 hex digits>+<base64(0x01 || key)>."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or len(parts[1]) != 8:
        raise Failure("la clé du journal doit s'écrire <nom>+<8 chiffres hexadécimaux>+<clé en base64>")
    name, key_id, encoded = parts
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise Failure("la clé du journal n'est pas en base64 valide") from None
    if len(raw) != 33 or raw[0] != 1:
        raise Failure("la clé du journal n'est pas une clé Ed25519")
    expected = hashlib.sha256(name.encode() + b"\n" + raw[:1] + raw[1:]).digest()[:4]
    if expected.hex() != key_id:
        raise Failure("l'identifiant de la clé ne correspond pas à son nom et à sa clé publique")
    return name, expected, raw[1:]


def verified_checkpoint(note, key):
    """(origin, size, root) of a signed checkpoint, if `key` signed it; else Failure."""
    name, key_id, public_key = key
    split = note.rfind("\n\n")
    if split < 0:
        raise Failure("le point de contrôle n'est pas une note signée")
    text, block = note[:split + 1], note[split + 2:]
    for line in block.splitlines():
        signer, _, encoded = line.removeprefix("\u2014 ").partition(" ")
        if not line.startswith("\u2014 ") or signer != name:
            continue
        try:
            blob = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise Failure("une ligne de signature n'est pas en base64 valide") from None
        if blob[:4] != key_id:
            continue
        if not ed25519_verify(public_key, text.encode(), blob[4:]):
            raise Failure("la signature du point de contrôle n'est pas valide avec la clé du journal")
        lines = text[:-1].split("\n")
        if len(lines) < 3 or not lines[1].isdigit():
            raise Failure("le point de contrôle signé est mal formé")
        root = base64.b64decode(lines[2])
        if len(root) != 32:
            raise Failure("la racine du point de contrôle n'a pas 32 octets")
        return lines[0], int(lines[1]), root
    raise Failure("le point de contrôle ne porte aucune signature de la clé du journal (" + name + ")")


# -- RFC 9162 Merkle tree: leaf hash and inclusion proof (§2.1.3.2) ------------------------


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index, size, leaf, proof, root):
    if not 0 <= index < size or any(len(p) != 32 for p in proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def commitment(person_id, salt):
    person = str(uuid.UUID(str(person_id)))
    return hashlib.sha256(COMMITMENT_DOMAIN + person.encode() + b"\n" + salt.encode()).hexdigest()


# -- the verification -------------------------------------------------------------------


def verify(openings, fetch, key=None):
    """(all verified, report lines). `fetch(path)` returns the body of a public endpoint."""
    report, failures = [], 0
    if key is None:
        key = fetch("/transparency/key").decode().strip()
        report.append("ATTENTION clé du journal lue sur le site lui-même (" + key + ") : "
                      "comparez-la avec celle que la Ville publie ailleurs, ou donnez-la avec --cle")
    try:
        parsed = parse_key(key)
        origin, size, root = verified_checkpoint(fetch("/transparency/checkpoint").decode(), parsed)
        if origin != parsed[0]:
            raise Failure("le point de contrôle est celui du journal " + origin + ", la clé celle de " + parsed[0])
        if openings.get("origin") not in (None, origin):
            raise Failure("vos ouvertures viennent du journal " + str(openings["origin"])
                          + ", le site signe le journal " + origin)
    except Failure as failure:
        return False, report + ["ÉCHEC " + str(failure)]
    report.append("OK   point de contrôle signé par " + origin + " : " + str(size) + " entrées")
    person = openings["person_id"]
    for act in openings["acts"]:
        index = act["index"]
        label = "entrée " + str(index) + " (champ " + act["field"] + ")"
        if index >= size:
            report.append("…    " + label + " : pas encore incluse dans le dernier point de contrôle signé,"
                          " relancez plus tard")
            continue
        try:
            check_act(person, act, size, root, fetch)
        except Failure as failure:
            failures += 1
            report.append("ÉCHEC " + label + " : " + str(failure))
        else:
            report.append("OK   " + label + " : vérifiée (engagement ouvert, preuve d'inclusion valide)")
    if failures:
        report.append("Résultat : ÉCHEC, " + str(failures)
                      + (" acte ne se vérifie pas" if failures == 1 else " actes ne se vérifient pas"))
    else:
        report.append("Résultat : tous vos actes inclus dans le point de contrôle signé sont vérifiés")
    return failures == 0, report


def check_act(person, act, size, root, fetch):
    index = act["index"]
    entries = json.loads(fetch("/transparency/entries?start=" + str(index) + "&end=" + str(index + 1)))["entries"]
    if not entries or entries[0].get("index") != index:
        raise Failure("le site ne sert pas cette entrée")
    data = base64.b64decode(entries[0]["data"])
    try:
        leaf = json.loads(data)
    except ValueError:
        raise Failure("l'entrée n'est pas du JSON") from None
    if leaf.get("position") != act["position"]:
        raise Failure("l'entrée n'est pas à la position " + str(act["position"]) + " du journal")
    shown = leaf.get("fields", {}).get(act["field"])
    if not isinstance(shown, dict) or shown.get("commitment") != act["commitment"]:
        raise Failure("l'entrée ne montre pas votre engagement")
    if commitment(person, act["salt"]) != act["commitment"]:
        raise Failure("l'engagement ne s'ouvre pas avec votre identifiant et ce sel")
    proof = json.loads(fetch("/transparency/proof/inclusion?index=" + str(index) + "&size=" + str(size)))
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    if not verify_inclusion(index, size, leaf_hash(data), hashes, root):
        raise Failure("la preuve d'inclusion ne mène pas à la racine signée : l'entrée n'est pas celle signée")


def http_fetcher(site):
    base = site.rstrip("/")

    def fetch(path):
        request = urllib.request.Request(base + path, headers={"User-Agent": "verify_my_acts"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    return fetch


def main(argv=None):
    parser = argparse.ArgumentParser(description="Vérifier ses actes dans le journal public, sans faire confiance au site.")
    parser.add_argument("ouvertures", help="le fichier mes-actes.json téléchargé depuis /compte/mes-actes")
    parser.add_argument("--cle", "--key", dest="key", help="la clé publique du journal (<nom>+<id>+<base64>)")
    parser.add_argument("--site", help="l'adresse du site (par défaut : celle du fichier)")
    options = parser.parse_args(argv)
    try:
        with open(options.ouvertures, encoding="utf-8") as f:
            openings = json.load(f)
        site = options.site or openings["site"]
        person = openings["person_id"]
        uuid.UUID(str(person))
        acts = openings["acts"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        print("Impossible de lire le fichier d'ouvertures : " + str(error))
        return 2
    print("Vérification de " + str(len(acts)) + (" acte" if len(acts) <= 1 else " actes")
          + " de " + str(person) + " sur " + site)
    try:
        ok, report = verify(openings, http_fetcher(site), options.key)
    except (OSError, ValueError, KeyError, TypeError, urllib.error.URLError) as error:
        print("Vérification impossible : le site n'a pas répondu comme attendu (" + str(error) + ")")
        return 2
    print("\n".join(report))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
