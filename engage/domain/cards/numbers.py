"""Citizen card numbers: eleven digits, the last one a Luhn check digit.

Printed as "75 1234 5678 9": "75" for Paris, eight random digits, the check
digit catching any single typo or swap of two neighbours at a desk.
"""

import random
import re

PREFIX = "75"
_DIGITS = re.compile(r"\D")


def luhn_check_digit(digits: str) -> str:
    total = 0
    # Double every second digit starting from the rightmost of the payload.
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def new_card_number(rng: random.Random) -> str:
    payload = PREFIX + "".join(rng.choice("0123456789") for _ in range(8))
    return payload + luhn_check_digit(payload)


def normalize(text: str) -> str:
    return _DIGITS.sub("", text or "")


def is_valid(number: str) -> bool:
    digits = normalize(number)
    return (
        len(digits) == 11
        and digits.startswith(PREFIX)
        and luhn_check_digit(digits[:-1]) == digits[-1]
    )


def display(number: str) -> str:
    digits = normalize(number)
    return f"{digits[:2]} {digits[2:6]} {digits[6:10]} {digits[10:]}"
