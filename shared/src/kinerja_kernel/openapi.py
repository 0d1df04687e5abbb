"""Every service's OpenAPI documents its refusals as they are served: ``application/problem+json`` with
one ``Problem`` schema (RFC 9457, with ``detail_en`` and the ``errors[]`` naming each field), replacing
FastAPI's default ``HTTPValidationError``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from kinerja_kernel.http import PROBLEM_JSON

PROBLEM_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object", "title": "Problem",
        "description": "RFC 9457 problem: Indonesian title and detail, English detail_en, one error per field",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "detail_en": {"type": "string"},
            "code": {"type": "string", "description": "the exact rule broken, e.g. planning.plan.not-editable "
                     "(text in kinerja_kernel.messages and the service's messages.py)"},
            "params": {"type": "object", "description": "the values the rule's text is made from"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemError"}},
        },
    },
    "ProblemError": {
        "type": "object", "title": "ProblemError",
        "required": ["field", "message"],
        "properties": {
            "field": {"type": "string", "description": "the input at fault, e.g. rhk.ikis.0.description"},
            "message": {"type": "string", "description": "what is wrong, in Indonesian"},
            "message_en": {"type": "string"},
            "type": {"type": "string", "description": "machine-readable kind, e.g. missing, too_large"},
            "code": {"type": "string", "description": "the exact rule, as in the problem's code"},
            "params": {"type": "object"},
        },
    },
}

_DESCRIPTIONS = {
    "400": "Permintaan tidak dapat dibaca (bad request)",
    "401": "Belum masuk: token tidak ada, tidak valid atau kedaluwarsa",
    "403": "Tidak diizinkan: peran atau kantor tidak sesuai",
    "404": "Tidak ditemukan",
    "409": "Konflik: aturan bisnis atau versi yang sudah berubah",
    "413": "Isi permintaan terlalu besar",
    "422": "Data tidak valid: setiap isian yang salah disebut di errors[]",
    "503": "Layanan sementara tidak tersedia (basis data tidak dapat dihubungi); coba lagi setelah Retry-After",
}
_WITH_BODY = {"post", "put", "patch", "delete"}
_METHODS = {"get", "head", "options", *_WITH_BODY}


def _problem_response(code: str) -> dict[str, Any]:
    return {"description": _DESCRIPTIONS[code],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the problem responses to every operation of an OpenAPI document (in place, idempotent)."""
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses: dict[str, Any] = operation.setdefault("responses", {})
            codes = ["400", "422", "503"]  # every operation: unreadable input, a bad parameter, database down
            if operation.get("security"):
                codes += ["401", "403", "404", "409"]
            if method in _WITH_BODY:
                codes.append("413")
            for code in codes:
                responses[code] = _problem_response(code)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(PROBLEM_SCHEMAS)
    for unused in ("HTTPValidationError", "ValidationError"):  # in this order: the first refers to the second
        if f'"#/components/schemas/{unused}"' not in json.dumps(schema):
            components.pop(unused, None)
    return schema


def install_problem_docs(app: FastAPI) -> None:
    """Make ``app.openapi()`` document problems (computed once, like FastAPI's own)."""
    original: Callable[[], dict[str, Any]] = app.openapi
    documented: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not documented:
            documented.append(document_problems(original()))
        return documented[0]

    app.openapi = openapi  # type: ignore[method-assign]
