"""RFC 8785 (JCS) canonical JSON, with a fast path that is byte-identical where it applies.

Compact JSON with sorted keys and raw UTF-8 (``orjson`` with ``OPT_SORT_KEYS``, byte for byte what
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` writes, six times faster)
is exactly the JCS bytes when the value holds only strings, safe integers, booleans, null, objects
with string keys and arrays; no floating-point number (Python and ECMAScript format some floats
differently, e.g. ``1.0`` / ``1e+16``) and no character outside the Basic Multilingual Plane (JCS
sorts keys by UTF-16 code units, the encoder by code points). Anything else goes through the reference
``rfc8785`` implementation, which also refuses what JSON cannot hold. A property test checks both
paths agree.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import rfc8785

_BMP_MAX = 0xFFFF
_SAFE_INTEGER = 2**53 - 1


def _fast_path_applies(value: Any) -> bool:
    stack = [value]
    push, pop = stack.append, stack.pop
    while stack:
        item = pop()
        if isinstance(item, str):
            if not item.isascii() and any(ord(ch) > _BMP_MAX for ch in item):
                return False
        elif isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    return False
                if not key.isascii() and any(ord(ch) > _BMP_MAX for ch in key):
                    return False
                kind = type(inner)  # the common leaves decided here, the rest by the general rules below
                if kind is str:
                    if not inner.isascii() and any(ord(ch) > _BMP_MAX for ch in inner):
                        return False
                elif kind is int:
                    if abs(inner) > _SAFE_INTEGER:
                        return False
                elif kind is not bool and inner is not None:
                    push(inner)
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, float):
            return False
        elif isinstance(item, int):
            if not isinstance(item, bool) and abs(item) > _SAFE_INTEGER:
                return False  # outside the I-JSON range: let the reference implementation refuse it
        elif item is not None:
            return False  # no JSON type (a UUID, a date ...): the reference implementation refuses it
    return True


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    if _fast_path_applies(value):
        try:
            return _dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # e.g. nested deeper than orjson goes, a key of a str subclass
            pass
    return bytes(rfc8785.dumps(value))


def canonical_text(value: Any) -> str:
    """``canonical_json(value)`` as text (for building a larger canonical document around it)."""
    return canonical_json(value).decode("utf-8")


_dumps = orjson.dumps


def canonical_stored(text: str) -> bytes:
    """The canonical bytes of a payload as the event store keeps it: the stored text itself when it is
    already compact JSON with sorted keys (the store writes ``canonical_json``'s text, so every event since
    the payload is kept as text), otherwise (an event stored before, as jsonb printed it) parsed and
    re-encoded."""
    raw = text.encode("utf-8")
    if _dumps(orjson.loads(raw), option=orjson.OPT_SORT_KEYS) == raw:
        return raw
    return canonical_json(parse_canonical(text))


def _int_or_float(digits: str) -> int | float:
    number = int(digits)
    return number if abs(number) <= _SAFE_INTEGER else float(digits)


def parse_canonical(text: str) -> Any:
    """Parse JSON that was canonical JSON, so that encoding it again gives the same bytes: JCS writes a float
    with an integral value as digits (``1e16`` as ``10000000000000000``), which parses as an integer; past the
    safe range (where JCS refuses integers) such digits can only have been a float, and are read as one."""
    return json.loads(text, parse_int=_int_or_float)
