"""RFC 8785 canonical JSON: the examples of the RFC itself, and ECMAScript's number spelling."""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engage.transparency.canonical import canonical_json


def test_the_rfc_8785_example():
    # RFC 8785 §3.2.2: whitespace gone, members sorted, numbers and strings in canonical form.
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_json(json.loads(source)) == expected.encode()


def test_members_are_sorted_by_utf16_code_units():
    # RFC 8785 §3.2.3: the emoji (a surrogate pair) sorts before U+FB33, unlike code point order.
    source = {"\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\U0001f600": 5, "\u0080": 6, "\u00f6": 7}
    keys = list(json.loads(canonical_json(source)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    "number, text",
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (-1.5, "-1.5"),
        (100.0, "100"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e-6, "0.000001"),
        (1e-7, "1e-7"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (9007199254740992.0, "9007199254740992"),
        (0.1, "0.1"),
        (1.2e-10, "1.2e-10"),
        (-4.5e30, "-4.5e+30"),
    ],
)
def test_numbers_are_spelled_as_ecmascript_does(number, text):
    assert canonical_json(number) == text.encode()


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_double_round_trips(number):
    assert float(canonical_json(number)) == number or (number == 0 and math.copysign(1, number) < 0)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2**53, "\ud800", {1: "x"}, b"bytes"])
def test_what_json_cannot_say_exactly_is_refused(value):
    with pytest.raises((ValueError, TypeError)):
        canonical_json(value)


def test_control_characters_are_escaped_and_the_rest_is_utf8():
    assert canonical_json("\x00\x1f\u2028é\x7f") == '"\\u0000\\u001f\u2028é\x7f"'.encode()


def _reference_string(text: str) -> str:
    """RFC 8785 §3.2.2.2 written out character by character (the escaping rules)."""
    short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
    out = ['"']
    for char in text:
        if char in short:
            out.append(short[char])
        elif char < " ":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out) + '"'


from hypothesis import given as _given  # noqa: E402
from hypothesis import strategies as _st


@_given(_st.text(alphabet=_st.characters(blacklist_categories=("Cs",))))
def test_fast_string_escaping_matches_the_rfc_rules(text):
    from engage.transparency.canonical import canonical_json

    assert canonical_json(text) == _reference_string(text).encode("utf-8")


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)


@given(_json_values)
def test_the_fast_path_writes_what_the_general_serializer_writes(value):
    from engage.transparency.canonical import canonical_json_general

    try:
        expected = canonical_json_general(value)
    except ValueError:  # a lone surrogate: both refuse it
        with pytest.raises(ValueError):
            canonical_json(value)
        return
    assert canonical_json(value) == expected


def test_the_fast_path_still_refuses_what_rfc_8785_refuses():
    with pytest.raises(ValueError):
        canonical_json({"n": 2**53})
    with pytest.raises(ValueError):
        canonical_json(["\ud800"])
    with pytest.raises(TypeError):
        canonical_json({1: "a"})
    assert canonical_json({"\U0001f600": 1, "\ufb33": 2}) == '{"\U0001f600":1,"\ufb33":2}'.encode()
