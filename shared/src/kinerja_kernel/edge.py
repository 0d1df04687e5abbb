"""The request guard every service runs first (pure ASGI): a body-size limit enforced while the body
streams in (``Content-Length`` and chunked alike), and text PostgreSQL cannot store (NUL, lone UTF-16
surrogates) refused wherever it appears — JSON at any depth, form values, CSV/text bodies, query strings
and path parameters — with a problem+json naming the field, before any route or database sees it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kinerja_kernel.http import problem

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# cheap pre-checks on raw bytes; a hit is confirmed by parsing before anything is refused
_JSON_SUSPECT = re.compile(rb"\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_FORM_SUSPECT = re.compile(rb"%00|\x00")

NUL_MESSAGE = "tidak boleh memuat karakter NUL (\\u0000) atau karakter yang tidak valid"
NUL_MESSAGE_EN = "must not contain the NUL character (\\u0000) or an unpaired surrogate"


def unstorable(text: str) -> bool:
    """Whether PostgreSQL would refuse ``text``: a NUL character or an unpaired UTF-16 surrogate."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _bad_json_paths(value: Any, path: tuple[str, ...] = ()) -> Iterator[str]:
    if isinstance(value, str):
        if unstorable(value):
            yield ".".join(path) or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            if unstorable(key):
                yield ".".join((*path, _printable(key)))
            yield from _bad_json_paths(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_json_paths(item, (*path, str(index)))


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace").replace("\x00", "\\u0000")


def _bad_form_fields(raw: str) -> list[str]:
    if not _FORM_SUSPECT.search(raw.encode("latin-1")):
        return []
    pairs = parse_qsl(raw, keep_blank_values=True)  # decoded as Starlette decodes them
    return [_printable(key) for key, value in pairs if unstorable(key) or unstorable(value)]


# binary bodies a route reads as a file (planning's XLSX roster import), never stored as text
BINARY_MEDIA = frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


def _bad_body_fields(body: bytes, content_type: str) -> list[str]:
    media = content_type.split(";", 1)[0].strip().lower()
    if media.startswith("multipart/"):
        return []  # file parts may be binary; services take no multipart bodies
    if media in BINARY_MEDIA:
        return []  # a zip container: the route parses it and refuses what is not one
    if media == "application/x-www-form-urlencoded":
        return _bad_form_fields(body.decode("latin-1"))
    if b"\x00" in body:
        return ["body"]
    if (not media or "json" in media) and _JSON_SUSPECT.search(body):
        try:
            parsed = json.loads(body)
        except ValueError:
            return []  # not JSON: the route's own validation answers
        return list(dict.fromkeys(_bad_json_paths(parsed)))
    return []


def _bad_path_fields(scope: Scope) -> list[str]:
    """The path parameters holding unstorable text, named by the app's documented path templates."""
    openapi = getattr(scope.get("app"), "openapi", None)
    for template in (openapi() if callable(openapi) else {}).get("paths", {}):
        found = compile_path(template)[0].match(scope["path"])
        if found is not None:
            return [name for name, value in found.groupdict().items() if unstorable(value)] or ["path"]
    return ["path"]


def _refuse_text(fields: list[str]) -> Any:
    names = ", ".join(fields)
    return problem(
        422, "Data tidak valid", code="validation", detail=f"Periksa isian berikut: {names}",
        detail_en=f"invalid fields: {names}",
        errors=[{"field": f, "message": NUL_MESSAGE, "message_en": NUL_MESSAGE_EN, "type": "unstorable_text"}
                for f in fields],
    )


def _refuse_size(limit: int) -> Any:
    kib = limit // 1024
    return problem(
        413, "Isi permintaan terlalu besar", code="payload-too-large",
        detail=f"Isi permintaan melebihi batas {kib} KiB", detail_en=f"request body exceeds {limit} bytes",
        errors=[{"field": "body", "message": f"melebihi batas {kib} KiB", "message_en": f"larger than {limit} bytes",
                 "type": "too_large"}],
    )


class RequestGuard:
    """Refuses, before routing: a body above ``max_body_bytes`` (or the larger limit named for a route
    in ``route_limits``, keyed by route path such as ``/api/v1/interactions``) with 413, and unstorable
    text anywhere in the request with 422. The body is read (up to the limit) and replayed to the app."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, route_limits: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self._route_limits = [(compile_path(path)[0], limit) for path, limit in (route_limits or {}).items()]

    def limit_for(self, path: str) -> int:
        for pattern, limit in self._route_limits:
            if pattern.match(path):
                return limit
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        bad = _bad_form_fields(scope.get("query_string", b"").decode("latin-1"))
        if unstorable(scope["path"]):
            bad = _bad_path_fields(scope) + bad
        if bad:
            await _refuse_text(bad)(scope, receive, send)
            return
        if scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse_size(limit)(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _refuse_size(limit)(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        bad = _bad_body_fields(body, headers.get(b"content-type", b"").decode("latin-1"))
        if bad:
            await _refuse_text(bad)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
