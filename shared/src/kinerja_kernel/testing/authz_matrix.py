"""The authorization matrix: every operation of a service's OpenAPI, called as callers who must not reach
office A's or the target person's data.

A leak is a 2xx answer whose text contains one of the caller's *markers* (office A's id, the target's NIP,
ids of seeded items), or any 2xx to a write (unless the write acts only on the caller's own records, listed
with a reason in ``own``); a 5xx is always a failure, and so is a request that never gets past validation (the
matrix would not exercise the authorization) or an operation with a parameter the matrix cannot fill (a
new route must be covered or exempted with a reason).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from kinerja_kernel.auth import Role
from kinerja_kernel.testing.http import bearer

METHODS = ("get", "post", "put", "patch", "delete")
PUBLIC = {"GET /health": "liveness, no data",
          "GET /health/ready": "readiness probe: ready or not, and why (no data)",
          "GET /health/live": "liveness probe: background work running or not (no data)",
          "GET /metrics": "Prometheus figures: counts, latencies and lags, no personal data",
          "GET /api/v1/events/catalog": "the public event catalog (schemas, no data)",
          "GET /api/v1/events/catalog/{event_type}": "one public event schema",
          "GET /api/v1/events/asyncapi.json": "the public AsyncAPI document",
          "GET /api/v1/transparency/checkpoint": "signed tree head: hashes and a size, public by design",
          "GET /api/v1/transparency/checkpoints": "checkpoint history: hashes and sizes, public by design",
          "GET /api/v1/transparency/inclusion": "an inclusion proof: hashes only, public by design",
          "GET /api/v1/transparency/consistency": "a consistency proof: hashes only, public by design",
          "GET /api/v1/transparency/leaves": "leaf hashes and event ids (no content), public by design",
          "GET /api/v1/transparency/keys": "the log's and the witness's public keys"}


@dataclass(frozen=True)
class Caller:
    """Who calls, and what must never appear in a 2xx answer to them."""

    label: str
    headers: dict[str, str]
    markers: frozenset[str]


def callers(secret: str, *, office_a: str, office_b: str, relation_nip: str, stranger_nip: str,
            person_markers: Iterable[str], office_markers: Iterable[str] = ()) -> list[Caller]:
    """No token; a token of office B with each role whose ``sub`` has a relation in office A; a pegawai of
    office A with no relation to the target (who may see office A's own shared data, not the person's)."""
    person = frozenset(person_markers)
    foreign = person | {office_a} | frozenset(office_markers)
    found = [Caller("no token", {}, foreign)]
    found += [Caller(f"office {office_b} as {role.value}", bearer(secret, relation_nip, [role], [office_b]), foreign)
              for role in Role]
    found.append(Caller("stranger of the same office", bearer(secret, stranger_nip, [Role.PEGAWAI], [office_a]),
                        person))
    return found


@dataclass
class Matrix:
    """One service's matrix: ``values`` fill path and query parameters and body fields by name."""

    app: FastAPI
    client: httpx.AsyncClient
    values: Mapping[str, Any]
    bodies: Mapping[str, Any] = field(default_factory=dict)  # "METHOD path" -> body used as is
    exempt: Mapping[str, str] = field(default_factory=dict)  # "METHOD path" -> why it is not checked
    raw: Mapping[str, tuple[str, bytes]] = field(default_factory=dict)  # "METHOD path" -> (content type, body)
    own: Mapping[str, str] = field(default_factory=dict)  # "METHOD path" of a write on the caller's own -> why

    def operations(self) -> list[tuple[str, str, dict[str, Any]]]:
        spec = self.app.openapi()
        return [(method.upper(), path, op) for path, item in spec["paths"].items()
                for method, op in item.items() if method in METHODS]

    async def run(self, who: list[Caller]) -> list[str]:
        """Every operation as every caller; returns the failures (empty when nothing leaks)."""
        spec = self.app.openapi()
        failures: list[str] = []
        keys = {f"{m} {p}" for m, p, _ in self.operations()}
        failures += [f"{k}: exempted but not an operation any more"
                     for k in (*self.exempt, *self.bodies, *self.raw, *self.own) if k not in keys]
        for method, path, op in self.operations():
            key = f"{method} {path}"
            if key in self.exempt or key in PUBLIC:
                continue
            try:
                url, query = self._url(path, op)
                content, extra = self._content(key, op, spec)
            except KeyError as exc:
                failures.append(f"{key}: no value for {exc}; add it to the matrix or exempt it with a reason")
                continue
            for caller in who:
                response = await self.client.request(method, url, params=query, headers={**caller.headers, **extra},
                                                     **content)
                failures += _judge(key, caller, response, write=method != "GET" and key not in self.own)
        return failures

    def _url(self, path: str, op: dict[str, Any]) -> tuple[str, dict[str, str]]:
        url, query = path, {}
        for p in op.get("parameters", []):
            name = p["name"]
            if p["in"] == "path":
                url = url.replace("{" + name + "}", str(self.values[name]))
            elif p["in"] == "query" and (name in self.values or p.get("required")):
                query[name] = str(self.values[name])
        return url, query

    def _content(self, key: str, op: dict[str, Any], spec: dict[str, Any]
                 ) -> tuple[dict[str, Any], dict[str, str]]:
        if key in self.raw:
            kind, data = self.raw[key]
            return {"content": data}, {"Content-Type": kind}
        if key in self.bodies:
            return {"json": self.bodies[key]}, {}
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is None:
            return {}, {}
        return {"json": example(body["schema"], spec, self.values)}, {}


def _judge(key: str, caller: Caller, response: httpx.Response, *, write: bool) -> list[str]:
    status, text = response.status_code, response.text
    where = f"{key} as {caller.label}: {status}"
    if status >= 500:
        return [f"{where} (server error) {text[:200]}"]
    if status == 422 and text.find("/problems/validation") >= 0:
        return [f"{where}: the request never passed validation, the matrix does not reach the authorization "
                f"(give it a body) {text[:300]}"]
    if not caller.headers and status != 401:
        return [f"{where}: without a token every operation answers 401"]
    if 200 <= status < 300 and write:
        return [f"{where}: a write was accepted {text[:300]}"]
    if 200 <= status < 300:
        seen = sorted(m for m in caller.markers if m and m in text)
        if seen:
            return [f"{where} leaks {seen}: {text[:300]}"]
    return []


def example(schema: Mapping[str, Any], spec: Mapping[str, Any], values: Mapping[str, Any], name: str = "") -> Any:
    """A minimal value that passes ``schema``: required fields only, named fields from ``values``."""
    if "$ref" in schema:
        target: Any = spec
        for part in str(schema["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        return example(target, spec, values, name)
    if name in values and not isinstance(values[name], (list, dict)) and schema.get("type") != "array":
        return values[name]
    for choice in ("anyOf", "oneOf", "allOf"):
        if choice in schema:
            options = [o for o in schema[choice] if o.get("type") != "null"]
            return example(options[0], spec, values, name)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: example(v, spec, values, k) for k, v in props.items() if k in schema.get("required", [])}
    if kind == "array":
        return [example(schema.get("items", {}), spec, values, name) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return int(schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1))
    if kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return _string(schema)


def _string(schema: Mapping[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return "2026-03-02"
    if fmt == "date-time":
        return "2026-03-02T02:00:00Z"
    if fmt in ("uri", "url"):
        return "https://example.org/bukti"
    return "Uji akses".ljust(int(schema.get("minLength", 1)), "x")[: int(schema.get("maxLength", 200))]
