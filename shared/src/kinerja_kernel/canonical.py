"""RFC 8785 (JCS) canonical JSON, with a fast path that is byte-identical where it applies.

``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` produces exactly the
JCS bytes when the value holds no floating-point number (Python and ECMAScript format some floats
differently, e.g. ``1.0`` / ``1e+16``) and no character outside the Basic Multilingual Plane (JCS
sorts keys by UTF-16 code units, Python by code points). Anything else goes through the reference
``rfc8785`` implementation. A property test checks both paths agree.
"""

from __future__ import annotations

import json
from typing import Any

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
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > _SAFE_INTEGER:
            return False  # outside the I-JSON range: let the reference implementation refuse it
    return True


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    if _fast_path_applies(value):
        return _DUMPS(value).encode("utf-8")
    return bytes(rfc8785.dumps(value))


def canonical_text(value: Any) -> str:
    """``canonical_json(value)`` as text (for building a larger canonical document around it)."""
    if _fast_path_applies(value):
        return _DUMPS(value)
    return bytes(rfc8785.dumps(value)).decode("utf-8")


_DUMPS = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
