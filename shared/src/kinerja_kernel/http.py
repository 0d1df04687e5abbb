"""The HTTP edge every service shares: problem+json errors, correlation ids, authentication."""

from __future__ import annotations

import re
import time
import unicodedata
from typing import Annotated, Any, Final
from urllib.parse import quote

import annotated_types
import asyncpg
import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kinerja_kernel.auth import Principal, TokenVerifier
from kinerja_kernel.errors import KinerjaError, Unauthenticated
from kinerja_kernel.logging import bind_correlation

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"
CORRELATION_HEADER = "X-Correlation-ID"

# pydantic error types -> a message a civil servant can act on
_MESSAGES_ID: dict[str, str] = {
    "missing": "wajib diisi",
    "extra_forbidden": "kolom tidak dikenal",
    "json_invalid": "JSON tidak valid",
    "json_type": "isi permintaan harus JSON",
    "model_attributes_type": "harus berupa objek",
    "dict_type": "harus berupa objek",
    "list_type": "harus berupa daftar",
    "string_type": "harus berupa teks",
    "int_type": "harus berupa bilangan bulat",
    "int_parsing": "harus berupa bilangan bulat",
    "float_type": "harus berupa angka",
    "float_parsing": "harus berupa angka",
    "bool_type": "harus berupa ya/tidak (true/false)",
    "bool_parsing": "harus berupa ya/tidak (true/false)",
    "string_too_short": "terlalu pendek (minimal {min_length} karakter)",
    "string_too_long": "terlalu panjang (maksimal {max_length} karakter)",
    "string_pattern_mismatch": "formatnya tidak sesuai",
    "greater_than_equal": "nilainya terlalu kecil (minimal {ge})",
    "greater_than": "nilainya harus lebih dari {gt}",
    "less_than_equal": "nilainya terlalu besar (maksimal {le})",
    "less_than": "nilainya harus kurang dari {lt}",
    "too_long": "terlalu banyak (maksimal {max_length})",
    "too_short": "terlalu sedikit (minimal {min_length})",
    "decimal_parsing": "harus berupa angka, mis. 12 atau 12,5",
    "decimal_type": "harus berupa angka, mis. 12 atau 12,5",
    "decimal_max_digits": "angkanya terlalu panjang (maksimal {max_digits} digit)",
    "decimal_max_places": "terlalu banyak angka di belakang koma (maksimal {decimal_places})",
    "enum": "pilihan tidak dikenal",
    "literal_error": "pilihan tidak dikenal",
    "uuid_parsing": "bukan kode yang dikenali (UUID); buka lewat tautan atau pilihan yang tersedia",
    "uuid_type": "bukan kode yang dikenali (UUID); buka lewat tautan atau pilihan yang tersedia",
    "datetime_parsing": "harus berupa tanggal dan waktu, mis. 2026-03-14T09:00:00+07:00",
    "datetime_from_date_parsing": "harus berupa tanggal dan waktu, mis. 2026-03-14T09:00:00+07:00",
    "date_parsing": "harus berupa tanggal TTTT-BB-HH, mis. 2026-03-14",
    "date_from_datetime_parsing": "harus berupa tanggal TTTT-BB-HH, mis. 2026-03-14",
    "value_error": "nilainya tidak valid",
}


def problem(
    status: int, title: str, *, detail: str, code: str, errors: list[dict[str, Any]] | None = None,
    detail_en: str | None = None, headers: dict[str, str] | None = None, message_code: str | None = None,
    params: dict[str, Any] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem+json response (Indonesian ``title``/``detail``; English in ``detail_en``); ``type``
    names the kind of problem, ``code`` and ``params`` the exact rule (``kinerja_kernel.messages``)."""
    body: dict[str, Any] = {
        "type": f"https://kinerja.example/problems/{code}", "title": title, "status": status, "detail": detail,
    }
    if detail_en:
        body["detail_en"] = detail_en
    if message_code:
        body["code"] = message_code
        body["params"] = _jsonable(params or {})
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, str | int | float | bool | None) else str(getattr(v, "value", v))
            for k, v in params.items()}


_TITLES = {400: "Permintaan tidak valid", 401: "Belum masuk", 403: "Tidak diizinkan", 404: "Tidak ditemukan",
           409: "Konflik", 422: "Data tidak valid"}


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:] or parts
    return ".".join(parts)


def _validation_problem(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for err in exc.errors():
        message_id = validation_message(err["type"], err.get("ctx"))
        if err["type"] == "value_error" and str(err.get("msg", "")).startswith("Value error, "):
            message_id = str(err["msg"]).removeprefix("Value error, ")
        errors.append({"field": _field_path(tuple(err["loc"])), "message": message_id,
                       "message_en": err["msg"], "type": err["type"]})
    fields = ", ".join(e["field"] for e in errors)
    if errors and all(tuple(err["loc"])[:1] == ("path",) for err in exc.errors()):
        # a bad id in the address: the link is wrong, not a form field
        return problem(422, _TITLES[422], detail=f"Alamat tidak valid: {fields} {errors[0]['message']}",
                       code="validation", errors=errors, detail_en=f"invalid address: {fields} is not valid")
    return problem(422, _TITLES[422], detail=f"Periksa isian berikut: {fields}", code="validation",
                   errors=errors, detail_en=f"invalid fields: {fields}")


def validation_message(error_type: str, ctx: dict[str, Any] | None = None) -> str:
    """The Indonesian message for a pydantic error type, with its limits filled in (``maksimal 2000
    karakter``); a limit that is not known leaves the sentence without the parenthesis."""
    template = _MESSAGES_ID.get(error_type, "nilainya tidak valid")
    if error_type == "string_too_short" and (ctx or {}).get("min_length") == 1:
        return "wajib diisi"
    try:
        return template.format(**(ctx or {}))
    except (KeyError, IndexError, ValueError):
        return re.sub(r"\s*\([^)]*\{[^)]*\)", "", template).replace("{gt}", "batasnya").replace(
            "{lt}", "batasnya")


STATUS_BY_KIND: Final = {"rule-violation": 409, "concurrency-conflict": 409, "invalid-input": 422,
                          "rejected-message": 422, "not-found": 404, "forbidden": 403, "unauthenticated": 401,
                          "payload-too-large": 413, "malformed-message": 422, "unknown-event-type": 422}
"""The HTTP status of each error kind (``kinerja_kernel.errors``); any other kind is a 400."""


def _kinerja_problem(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, KinerjaError)
    public = _jsonable({k: v for k, v in exc.params.items() if k not in {"text", "text_en"}})
    errors = ([{"field": exc.field, "message": exc.message, "message_en": exc.message_en, "code": exc.code,
                "params": public}] if exc.field else [])
    errors += [{"field": d.field, "message": d.message, "message_en": d.message_en, "code": d.code,
                "params": _jsonable(dict(d.params))} for d in exc.details]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
    status = STATUS_BY_KIND.get(exc.kind, 400)
    return problem(status, _TITLES.get(status, "Kesalahan"), detail=exc.message, code=exc.kind,
                   errors=errors, detail_en=exc.message_en, headers=headers, message_code=exc.code,
                   params=public)


def _http_problem(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    title = _TITLES.get(exc.status_code, "Kesalahan")
    detail = _HTTP_DETAILS.get(exc.status_code, title)
    return problem(exc.status_code, title, detail=detail, detail_en=str(exc.detail), code=f"http-{exc.status_code}")


_HTTP_DETAILS = {404: "Alamat yang diminta tidak ada; periksa tautannya atau mulai dari halaman utama.",
                 405: "Cara permintaan ini tidak didukung untuk alamat tersebut."}


def database_unavailable(exc: BaseException) -> bool:
    """Whether an exception means PostgreSQL cannot be reached right now (down, restarting, refusing
    connections, the connection dropped): the request fails fast with a 503 and the pool reconnects by
    itself when the database returns."""
    unavailable = (asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError,
                   asyncpg.AdminShutdownError, asyncpg.CrashShutdownError, asyncpg.InterfaceError, ConnectionError,
                   OSError, TimeoutError)
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, unavailable):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


RETRY_AFTER_SECONDS: Final = 5


def _unexpected_problem(_: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        log.warning("http.database_unavailable", error=repr(exc))
        return problem(503, "Layanan sementara tidak tersedia",
                       detail="Basis data sedang tidak dapat dihubungi; coba lagi sebentar lagi.",
                       code="unavailable", detail_en="the database cannot be reached right now",
                       headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    log.exception("http.unhandled_error", error=repr(exc))
    return problem(500, "Kesalahan sistem", detail="Terjadi kesalahan pada sistem; silakan coba lagi.",
                   code="internal", detail_en="internal error")


def install_http_edge(app: FastAPI) -> None:
    """Problem handlers and the correlation-id middleware."""
    app.add_exception_handler(RequestValidationError, _validation_problem)
    app.add_exception_handler(KinerjaError, _kinerja_problem)
    app.add_exception_handler(StarletteHTTPException, _http_problem)
    app.add_exception_handler(Exception, _unexpected_problem)

    app.add_middleware(CorrelationMiddleware)


_CORRELATION_KEY: Final = CORRELATION_HEADER.lower().encode("latin-1")


class CorrelationMiddleware:
    """Binds the caller's correlation id (or a new one) for the request, answers it in ``X-Correlation-ID``
    and logs the request (method, path, status, ms). Plain ASGI: ``BaseHTTPMiddleware`` runs every request
    in an extra task and stream, a measurable share of a small write's CPU."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == _CORRELATION_KEY), None)
        status = 500
        with bind_correlation(given) as cid:

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    MutableHeaders(scope=message)[CORRELATION_HEADER] = cid
                await send(message)

            await self.app(scope, receive, send_with_id)
            path: str = scope["path"]
            if not path.startswith("/health"):  # probes every few seconds
                log.info("http.request", method=scope["method"], path=path, status=status,
                         ms=round((time.perf_counter() - started) * 1000, 1))


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A ``Content-Disposition`` header value (RFC 6266) for any ``filename``: an ASCII fallback
    (``filename="..."``: letters, digits, ``.-_`` only, so no quote, control character or path can break
    out) and the exact name in RFC 5987 ``filename*=UTF-8''...`` percent-encoding."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._") or "unduhan"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The authenticated caller (FastAPI dependency); the verifier lives on ``app.state.token_verifier``."""
    if credentials is None:
        raise Unauthenticated("kernel.auth.missing-token")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = verifier.verify(credentials.credentials)
    structlog.contextvars.bind_contextvars(user_id=principal.user_id)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


PeriodYear = Annotated[int, annotated_types.Interval(ge=2000, le=2100)]
"""A period (calendar) year: every year a request names, in a body, a query or a path (2000..2100)."""

StreamVersion = Annotated[int, annotated_types.Interval(ge=0, le=2**31 - 1)]
"""A version of a stream a client has seen (fits the store's integer column)."""


class RequestBody(BaseModel):
    """Base of every request body: an unknown field is refused (422 naming it), never ignored."""

    model_config = ConfigDict(extra="forbid")


class VersionedBody(RequestBody):
    """A command on an aggregate the client has seen: a stale ``expected_version`` is a 409."""

    expected_version: StreamVersion | None = Field(default=None, description="version the client last saw")
