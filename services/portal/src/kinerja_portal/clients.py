"""Calling the services' HTTP APIs with the signed-in user's token.

A service answers errors as problem+json with Indonesian ``detail`` and ``errors[].field/message``; an
``ApiError`` keeps them so a page can put each message beside its form field (``FormErrors.from_api``).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Final

import httpx
import structlog

from kinerja_kernel.http import CORRELATION_HEADER
from kinerja_kernel.logging import correlation_id

log = structlog.get_logger(__name__)

SERVICES: Final = ("planning", "evaluation", "feedback", "career")
LANGUAGE: ContextVar[str] = ContextVar("portal_language", default="id")
"""The language of the current request (set with the signed-in viewer): a service's message is shown in
English (its ``message_en``/``detail_en``) when English is chosen and the service gave one."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    message_en: str = ""

    @property
    def shown(self) -> str:
        """The message in the request's language (Indonesian unless English is chosen and given)."""
        return self.message_en if LANGUAGE.get() == "en" and self.message_en else self.message


class ApiError(Exception):
    """A service refused the request (4xx), with its Indonesian explanation per field."""

    def __init__(self, service: str, status: int, detail: str, errors: list[FieldError], detail_en: str = "") -> None:
        super().__init__(f"{service} answered {status}: {detail_en or detail}")
        self.service = service
        self.status = status
        self.detail = detail
        self.detail_en = detail_en
        self.errors = errors

    @property
    def shown(self) -> str:
        """The explanation in the request's language (Indonesian unless English is chosen and given)."""
        return self.detail_en if LANGUAGE.get() == "en" and self.detail_en else self.detail


class SessionExpired(Exception):
    """The service did not accept the user's token (expired or revoked): sign in again."""


class ServiceUnavailable(Exception):
    """A service did not answer, or answered 5xx."""

    def __init__(self, service: str) -> None:
        super().__init__(f"{service} unavailable")
        self.service = service


class Services:
    """One pooled HTTP client per service; created in the app's lifespan, closed at shutdown."""

    def __init__(self, urls: dict[str, str], *, timeout: float) -> None:
        # keep as many idle connections as may be open (httpx keeps 20 of its 100): in a burst, pages that ask
        # several services at once otherwise close and reopen TCP connections on every call; idle ones go
        # before uvicorn closes its side (5 s)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=100, keepalive_expiry=4)
        self._clients = {name: httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits)
                         for name, url in urls.items()}

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()

    async def raw(self, service: str, method: str, path: str, token: str, *, params: Any = None,
                  json: Any = None, content: bytes | None = None, content_type: str | None = None,
                  files: Any = None) -> httpx.Response:
        """The service's answer as it is (for downloads); errors raised like ``call``."""
        headers = {"Authorization": f"Bearer {token}", CORRELATION_HEADER: correlation_id()}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            response = await self._clients[service].request(method, f"/api/v1{path}", params=params, json=json,
                                                             content=content, headers=headers, files=files)
        except httpx.HTTPError as exc:
            log.warning("portal.service_unreachable", service=service, path=path, error=repr(exc))
            raise ServiceUnavailable(service) from exc
        if response.status_code == 401:
            raise SessionExpired()
        if response.status_code >= 500:
            log.warning("portal.service_error", service=service, path=path, status=response.status_code)
            raise ServiceUnavailable(service)
        if response.status_code >= 400:
            raise _api_error(service, response)
        return response

    async def call(self, service: str, method: str, path: str, token: str, *, params: Any = None,
                   json: Any = None, content: bytes | None = None, content_type: str | None = None,
                   files: Any = None) -> Any:
        """The decoded JSON answer (``None`` for 204); ``files`` posts a multipart form (uploads)."""
        response = await self.raw(service, method, path, token, params=params, json=json, content=content,
                                  content_type=content_type, files=files)
        return None if response.status_code == 204 or not response.content else response.json()

    async def public(self, service: str, path: str) -> Any:
        """A public GET (no token: the document verification anyone may make); errors raised like ``call``."""
        try:
            response = await self._clients[service].get(f"/api/v1{path}",
                                                         headers={CORRELATION_HEADER: correlation_id()})
        except httpx.HTTPError as exc:
            log.warning("portal.service_unreachable", service=service, path=path, error=repr(exc))
            raise ServiceUnavailable(service) from exc
        if response.status_code >= 500:
            raise ServiceUnavailable(service)
        if response.status_code >= 400:
            raise _api_error(service, response)
        return response.json()


def _api_error(service: str, response: httpx.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    errors = [FieldError(str(e.get("field") or ""), str(e.get("message") or ""), str(e.get("message_en") or ""))
              for e in body.get("errors") or [] if isinstance(e, dict)]
    return ApiError(service, response.status_code, str(body.get("detail") or body.get("title") or response.text),
                    errors, str(body.get("detail_en") or ""))


@dataclass
class FormErrors:
    """Messages for a re-rendered form: per field (shown beside it) and general (shown on top)."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)

    @classmethod
    def from_api(cls, error: ApiError, mapping: dict[str, str]) -> FormErrors:
        """Put each of the service's field errors on the form field it belongs to.

        ``mapping`` goes from the API's field path (or a prefix of it, e.g. ``rhk.ikis.0.targets``) to
        the form's field name; the longest matching prefix wins. Unmapped errors become general ones."""
        found = cls()
        for item in error.errors:
            name = _map_field(item.field, mapping)
            if name is None:
                found.general.append(item.shown)
            else:
                found.add(name, item.shown)
        if not found:
            found.general.append(error.shown)
        elif not found.fields.keys() and error.shown not in found.general:
            found.general.insert(0, error.shown)
        return found


def _map_field(api_field: str, mapping: dict[str, str]) -> str | None:
    best: tuple[int, str] | None = None
    for prefix, name in mapping.items():
        matches = api_field == prefix or api_field.startswith(prefix + ".")
        if matches and (best is None or len(prefix) > best[0]):
            best = (len(prefix), name)
    return best[1] if best else None
