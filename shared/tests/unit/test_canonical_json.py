"""The fast canonical-JSON path must produce exactly the RFC 8785 bytes of the reference library."""

import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_kernel.canonical import canonical_json, canonical_stored

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=30,
)


class TestCanonicalJson:
    @settings(max_examples=400)
    @given(json_values)
    def test_matches_the_reference_implementation_for_any_json_value(self, value: object) -> None:
        assert canonical_json(value) == rfc8785.dumps(value)

    def test_sorts_keys_by_utf16_code_units_outside_the_bmp(self) -> None:
        value = {"\U0001f600": 1, "\uff61": 2}
        assert canonical_json(value) == rfc8785.dumps(value)
        assert canonical_json(value).index("\uff61".encode()) > canonical_json(value).index("\U0001f600".encode())

    def test_refuses_integers_outside_the_safe_range_like_the_reference(self) -> None:
        with pytest.raises(rfc8785.IntegerDomainError):
            canonical_json({"big": 2**53})

    def test_formats_integral_floats_like_ecmascript(self) -> None:
        assert canonical_json({"a": 1.0, "b": 1e21, "c": 2.5}) == b'{"a":1,"b":1e+21,"c":2.5}'


class TestCanonicalStored:
    @settings(max_examples=200)
    @given(st.dictionaries(st.text(), json_values, max_size=6))
    def test_a_stored_payload_gives_the_canonical_bytes_whatever_text_it_was_kept_as(self, value: dict) -> None:
        canonical = rfc8785.dumps(value)
        as_jsonb_printed_it = json.dumps(value, separators=(", ", ": "), ensure_ascii=False)
        assert canonical_stored(canonical.decode()) == canonical
        assert canonical_stored(as_jsonb_printed_it) == canonical

    def test_floats_formatted_otherwise_than_ecmascript_are_re_encoded(self) -> None:
        assert canonical_stored('{"n":1.0,"x":1e16}') == b'{"n":1,"x":10000000000000000}'
        assert canonical_stored('{"\U0001f600":1, "x":1e300, "\uff61":2}') == rfc8785.dumps(
            {"\U0001f600": 1, "x": 1e300, "\uff61": 2})  # digits past the safe range were a float
