"""The compatibility checker: how a new schema would break consumers of a published one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kinerja_kernel.catalog.published import DECIMAL_PATTERN

_UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")
_LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")


def incompatibilities(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Why events written under ``old`` (or readers written for it) break under ``new``; empty if compatible.

    Incompatible: a field removed; a field newly required (added, or made required); a type changed, narrowed
    or made nullable; an enum value or a constant changed or removed; a format or pattern changed; a bound
    tightened; extra members forbidden where they were allowed. Compatible: a new optional field, an enum
    value added, a bound loosened, a field no longer required, any description/title/default change.
    Downstream readers must therefore ignore members and enum values they do not know.
    """
    problems: list[str] = []
    _compare(old, new, _Roots(old, new), "", problems)
    return problems


class _Roots:
    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old = old
        self.new = new


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    seen: set[str] = set()
    while "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
            raise ValueError(f"cannot resolve $ref {ref!r}")
        seen.add(ref)
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _alternatives(node: Mapping[str, Any], root: Mapping[str, Any]) -> tuple[list[Mapping[str, Any]], bool]:
    """The non-null alternatives of a node (``anyOf``/``oneOf`` flattened), and whether null is allowed."""
    node = _resolve(node, root)
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        alternatives: list[Mapping[str, Any]] = []
        nullable = False
        for option in options:
            inner, inner_nullable = _alternatives(option, root)
            alternatives.extend(inner)
            nullable = nullable or inner_nullable
        return alternatives, nullable
    if _is_null(node):
        return [], True
    types = _types(node)
    if "null" in types:
        return [{**node, "type": [t for t in types if t != "null"]}], True
    return [node], False


def _is_null(node: Mapping[str, Any]) -> bool:
    return node.get("type") == "null" or ("const" in node and node["const"] is None)


def _types(node: Mapping[str, Any]) -> list[str]:
    kind = node.get("type")
    if isinstance(kind, list):
        return [str(t) for t in kind]
    return [str(kind)] if kind is not None else []


def _kind(node: Mapping[str, Any]) -> str:
    types = [t for t in _types(node) if t != "null"]
    if not types and ("enum" in node or "const" in node):
        json_types = {str: "string", bool: "boolean", int: "integer", float: "number"}
        types = [json_types.get(type(v), "any") for v in node.get("enum", [node.get("const")])]
    name = "|".join(sorted(set(types))) or "any"
    return f"{name} ({node['format']})" if "format" in node else name


def _pattern(node: Mapping[str, Any]) -> str | None:
    """A node's pattern; ``format: decimal`` always meant ``DECIMAL_PATTERN``, which later schemas spell out."""
    pattern: str | None = node.get("pattern", DECIMAL_PATTERN if node.get("format") == "decimal" else None)
    return pattern


def _where(path: str) -> str:
    return f"field '{path}'" if path else "the payload"


def _compare(old: Mapping[str, Any], new: Mapping[str, Any], roots: _Roots, path: str, problems: list[str]) -> None:
    old_alts, old_nullable = _alternatives(old, roots.old)
    new_alts, new_nullable = _alternatives(new, roots.new)
    if old_nullable and not new_nullable:
        problems.append(f"{_where(path)}: null is no longer allowed (type narrowed)")
    if new_nullable and not old_nullable:
        problems.append(f"{_where(path)}: may now be null (readers expect a value)")
    if len(old_alts) == 1 and len(new_alts) == 1:
        _compare_single(old_alts[0], new_alts[0], roots, path, problems)
        return
    unmatched_new = list(new_alts)
    for old_alt in old_alts:
        match = next((n for n in unmatched_new if _kind(n) == _kind(old_alt)), None)
        if match is None:
            problems.append(f"{_where(path)}: no longer accepts {_kind(old_alt)} (type narrowed)")
            continue
        unmatched_new.remove(match)
        _compare_single(old_alt, match, roots, path, problems)
    for extra in unmatched_new:
        problems.append(f"{_where(path)}: now also {_kind(extra)} (type changed)")


def _compare_single(
    old: Mapping[str, Any], new: Mapping[str, Any], roots: _Roots, path: str, problems: list[str]
) -> None:
    old, new = _resolve(old, roots.old), _resolve(new, roots.new)
    where = _where(path)
    if _kind(old) != _kind(new):
        problems.append(f"{where}: type changed from {_kind(old)} to {_kind(new)}")
        return
    if "const" in new and old.get("const", ...) != new["const"]:
        problems.append(f"{where}: constant changed from {old.get('const')!r} to {new['const']!r}")
    if "enum" in new:
        old_values = old.get("enum")
        if old_values is None:
            problems.append(f"{where}: now restricted to {new['enum']} (type narrowed)")
        else:
            removed = [v for v in old_values if v not in new["enum"]]
            if removed:
                problems.append(f"{where}: enum value(s) removed: {', '.join(map(str, removed))}")
    if _pattern(old) != _pattern(new) and "pattern" in new:
        problems.append(f"{where}: pattern changed to {new['pattern']!r}")
    for bound in _UPPER_BOUNDS:
        if bound in new and (bound not in old or new[bound] < old[bound]):
            problems.append(f"{where}: {bound} tightened to {new[bound]}")
    for bound in _LOWER_BOUNDS:
        if bound in new and (bound not in old or new[bound] > old[bound]):
            problems.append(f"{where}: {bound} tightened to {new[bound]}")
    if "object" in _types(old):
        _compare_object(old, new, roots, path, problems)
    if "array" in _types(old):
        if "items" in old and "items" in new:
            _compare(old["items"], new["items"], roots, f"{path}[]", problems)
        for index, (o, n) in enumerate(zip(old.get("prefixItems", []), new.get("prefixItems", []), strict=False)):
            _compare(o, n, roots, f"{path}[{index}]", problems)


def _compare_object(
    old: Mapping[str, Any], new: Mapping[str, Any], roots: _Roots, path: str, problems: list[str]
) -> None:
    prefix = f"{path}." if path else ""
    old_props: Mapping[str, Any] = old.get("properties", {})
    new_props: Mapping[str, Any] = new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name, old_prop in old_props.items():
        if name not in new_props:
            problems.append(f"field '{prefix}{name}': removed")
        else:
            _compare(old_prop, new_props[name], roots, f"{prefix}{name}", problems)
    for name in sorted(new_required - old_required):
        state = "became required" if name in old_props else "new required field"
        problems.append(f"field '{prefix}{name}': {state}")
    old_extra, new_extra = old.get("additionalProperties", True), new.get("additionalProperties", True)
    if new_extra is False and old_extra is not False:
        problems.append(f"{_where(path)}: extra members are now forbidden (additionalProperties: false)")
    elif isinstance(new_extra, Mapping):
        if isinstance(old_extra, Mapping):
            _compare(old_extra, new_extra, roots, f"{path}{{*}}", problems)
        elif old_extra is True:
            problems.append(f"{_where(path)}: extra members are now constrained")
    if "propertyNames" in old and "propertyNames" in new:
        _compare(old["propertyNames"], new["propertyNames"], roots, f"{path}{{key}}", problems)
    elif "propertyNames" in new:
        problems.append(f"{_where(path)}: member names are now constrained")
