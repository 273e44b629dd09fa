"""The twenty arrondissements of Paris and the age bands used in public statistics."""

from .errors import InvalidAgeBand, InvalidArrondissement

ARRONDISSEMENTS = tuple(range(1, 21))
# Since 2020 the first four arrondissements also form one sector, "Paris Centre".
PARIS_CENTRE = (1, 2, 3, 4)

# Codes are stable (events and open data use them); labels are French msgids.
AGE_BANDS = {
    "under-18": "Moins de 18 ans",
    "18-24": "18 à 24 ans",
    "25-34": "25 à 34 ans",
    "35-49": "35 à 49 ans",
    "50-64": "50 à 64 ans",
    "65-plus": "65 ans et plus",
}


def arrondissement_label(number: int) -> str:
    """French ordinal, as written on street signs: 1er, 2e, ... 20e."""
    return "1er" if number == 1 else f"{number}e"


def check_arrondissement(number: object) -> int:
    if isinstance(number, bool) or not isinstance(number, int) or number not in ARRONDISSEMENTS:
        raise InvalidArrondissement()
    return number


def check_age_band(code: object) -> str:
    if code not in AGE_BANDS:
        raise InvalidAgeBand()
    return str(code)
