"""Password rules: long enough, and not one of the patterns every attacker tries first."""

from __future__ import annotations

import re

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from engage.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 256

# The stems of the most breached passwords, French ones included.
BREACHED_STEMS = (
    "password", "motdepasse", "azerty", "qwerty", "123456", "654321", "abcdef", "soleil",
    "bonjour", "loulou", "doudou", "chouchou", "marseille", "paris", "iloveyou", "admin",
    "welcome", "letmein", "football", "dragon", "monkey", "princess", "sunshine", "000000",
    "111111", "123123", "engage",
)

# RFC 9106's low-memory recommendation (argon2-cffi's default).  The test suite signs up and
# logs in thousands of times: it switches to argon2-cffi's CHEAPEST profile through the
# `engage.password_hashing = cheapest-for-tests-only` setting, never to be used in production.
HASHING_PROFILES = {
    "standard": profiles.RFC_9106_LOW_MEMORY,
    "cheapest-for-tests-only": profiles.CHEAPEST,
}
_hasher = PasswordHasher.from_parameters(HASHING_PROFILES["standard"])


def use_profile(name: str) -> None:
    """Choose the argon2 parameters for this process (new hashes; old ones still verify)."""
    global _hasher, DUMMY_HASH
    if name not in HASHING_PROFILES:
        raise ValueError(f"engage.password_hashing must be one of {sorted(HASHING_PROFILES)}, not {name!r}")
    _hasher = PasswordHasher.from_parameters(HASHING_PROFILES[name])
    DUMMY_HASH = _hasher.hash("not-a-real-password-just-timing")


def weakness(password: str, *, email: str = "", display_name: str = ""):
    """Why this password is refused (a translation string), or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("Le mot de passe doit compter au moins 12 caractères.")
    if len(password) > MAX_LENGTH:
        return _("Le mot de passe ne peut pas dépasser 256 caractères.")
    lowered = password.lower()
    squashed = re.sub(r"[^a-z0-9]", "", lowered)
    if len(set(lowered)) < 5:
        return _("Le mot de passe répète trop les mêmes caractères.")
    personal = [part for part in re.split(r"[^a-z0-9]+", email.lower().split("@")[0]) if len(part) >= 4]
    personal += [part for part in re.split(r"\W+", display_name.lower()) if len(part) >= 4]
    if any(part in lowered for part in personal):
        return _("Le mot de passe ne doit pas reprendre votre adresse ou votre nom public.")
    if any(stem in squashed for stem in BREACHED_STEMS) and len(squashed) < 20:
        return _("Ce mot de passe ressemble à ceux que l'on trouve dans les fuites de données ; choisissez-en un autre, par exemple une phrase de plusieurs mots.")
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Verified against when the account does not exist, so timing does not reveal which emails exist.
DUMMY_HASH = _hasher.hash("not-a-real-password-just-timing")
