"""RFC 8785 JSON Canonicalization Scheme (JCS): one byte sequence per JSON value.

Leaves of the transparency log are these bytes, so an auditor in any language that
implements RFC 8785 rebuilds exactly the same leaves from the same public facts.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

# I-JSON (RFC 7493), which RFC 8785 builds on: integers beyond 2^53 are not exact in
# the IEEE 754 doubles every JSON reader uses, so they are refused rather than rounded.
MAX_SAFE_INTEGER = 2**53 - 1



_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_encode_string = json.JSONEncoder(ensure_ascii=False).encode


# With these settings the standard library's C encoder writes exactly RFC 8785 for values
# without floats, whose object keys sort the same by code point as by UTF-16 code unit
# (no key character at or above U+D800), and whose strings hold no lone surrogate.
_encode_plain = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                                 allow_nan=False).encode


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 bytes of a value made of dict, list, str, int, float, bool and None."""
    if _plain(value):  # every leaf of the log so far: C speed
        return _encode_plain(value).encode("utf-8")
    parts: list[str] = []
    _serialize(value, parts)
    return "".join(parts).encode("utf-8")


def encode_plain_text(value: Any) -> str:
    """The RFC 8785 text of a value its builder already knows to be plain (see `_plain`):
    `canonical_json` without the walk that checks it (engage.transparency.public_form)."""
    return _encode_plain(value)


#: A plain string as the C encoder writes it inside any value (json.encoder's own function).
quote = json.encoder.encode_basestring


def plain_text(text: str) -> bool:
    """`_plain` for a string, cheap for ASCII (no surrogate there)."""
    return text.isascii() or _LONE_SURROGATE.search(text) is None


def plain_int(number: int) -> bool:
    return -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER


def _plain(value: Any) -> bool:
    """True when the C encoder's output is the canonical form (see `_encode_plain`)."""
    kind = type(value)
    if kind is str:
        return _LONE_SURROGATE.search(value) is None
    if kind is int:
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    if value is None or kind is bool:
        return True
    if kind is dict:
        return all(type(key) is str and (not key or max(key) < "\ud800") and _plain(item)
                   for key, item in value.items())
    if kind is list or kind is tuple:
        return all(_plain(item) for item in value)
    return False  # floats, subclasses, anything else: the general serializer decides


def canonical_json_general(value: Any) -> bytes:
    """The general serializer alone (the tests compare it with the fast path)."""
    parts: list[str] = []
    _serialize(value, parts)
    return "".join(parts).encode("utf-8")


def _serialize(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"integer {value} is beyond I-JSON's exact range (2^53 - 1)")
        out.append(str(value))
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _serialize(item, out)
        out.append("]")
    elif isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys are strings, not {type(key).__name__}")
        out.append("{")
        # RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their names.
        for i, key in enumerate(sorted(value, key=lambda k: k.encode("utf-16-be"))):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _serialize(value[key], out)
        out.append("}")
    else:
        raise TypeError(f"{type(value).__name__} is not a JSON value")


def _string(text: str) -> str:
    """RFC 8785 §3.2.2.2: only '"', '\\' and control characters are escaped, in lowercase hex.

    That is exactly what the standard library's encoder (written in C) does with
    ensure_ascii=False; only lone surrogates, which it would let through, are refused.
    """
    if _LONE_SURROGATE.search(text):
        raise ValueError("lone surrogate in string: not valid Unicode")
    return _encode_string(text)


def _number(number: float) -> str:
    """ECMAScript's Number.prototype.toString (ECMA-262 Number::toString), as RFC 8785 asks."""
    if not math.isfinite(number):
        raise ValueError("NaN and infinities are not JSON numbers")
    if number == 0:
        return "0"  # -0 too
    sign = "-" if number < 0 else ""
    # repr gives the shortest digits that round-trip, as ECMAScript's algorithm does.
    decimal = Decimal(repr(abs(number))).normalize()
    _, digit_tuple, exponent = decimal.as_tuple()
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = exponent + k  # the value is 0.digits × 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        power = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if power > 0 else '-'}{abs(power)}"
    return sign + text
