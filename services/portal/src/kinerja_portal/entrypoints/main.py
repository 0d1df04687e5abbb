"""``kinerja-portal``: the web application process (server-rendered pages that call the services)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import structlog
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp

from kinerja_kernel.auth import TokenVerifier
from kinerja_kernel.http import install_http_edge
from kinerja_kernel.logging import configure_logging
from kinerja_kernel.metrics import install_http_metrics, metrics_response
from kinerja_portal import session as sessions
from kinerja_portal.clients import LANGUAGE, ApiError, Services, ServiceUnavailable, SessionExpired
from kinerja_portal.config import PortalSettings
from kinerja_portal.i18n import label, translate
from kinerja_portal.pages import (
    account,
    appraisal,
    audit,
    career,
    dashboards,
    documents,
    employee,
    evaluator,
    feedback,
    home,
    hr,
    notifications,
    objection,
    peer,
    personnel,
    raters,
    roster,
    skp_edit,
)
from kinerja_portal.security import SecurityHeaders
from kinerja_portal.signin import OidcClient
from kinerja_portal.web import CsrfRejected, NotAllowed, SignInRequired, flash, language, render

log = structlog.get_logger(__name__)
STATIC = Path(__file__).resolve().parents[1] / "static"


class PortalApp(FastAPI):
    """The portal's app: security headers wrap the whole stack, so even the last-resort 500 page has them."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: PortalSettings = self.state.settings

        def form_origins() -> list[str]:
            oidc: OidcClient | None = getattr(self.state, "oidc", None)
            return oidc.form_origins() if oidc is not None else []

        return SecurityHeaders(super().build_middleware_stack(), form_origins=form_origins,
                               hsts=settings.secure_cookies or settings.environment == "production")


def create_app(settings: PortalSettings | None = None) -> FastAPI:
    settings = settings or PortalSettings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = Services({
            "planning": settings.planning_url, "evaluation": settings.evaluation_url,
            "feedback": settings.feedback_url, "career": settings.career_url,
        }, timeout=settings.service_timeout_s)
        app.state.oidc = OidcClient(settings) if settings.oidc_enabled else None
        await revocations.start()
        if settings.session_database_url is None and settings.environment == "production":
            log.warning("portal.sessions_revoked_in_this_process_only",
                        hint="with several replicas set KINERJA_PORTAL_SESSION_DATABASE_URL")
        try:
            yield
        finally:
            await app.state.services.aclose()
            await revocations.aclose()
            if app.state.oidc is not None:
                await app.state.oidc.aclose()

    app = PortalApp(title="Kinerja — Portal", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                    openapi_url=None)
    app.state.settings = settings
    install_http_edge(app)  # correlation ids and request logs; the HTML error pages below replace its problems
    install_http_metrics(app, "portal")
    app.add_api_route("/metrics", _metrics, methods=["GET"], include_in_schema=False)
    revocations: sessions.Revocations = (
        sessions.PostgresRevocations(settings.session_database_url.get_secret_value())
        if settings.session_database_url is not None else sessions.MemoryRevocations())
    app.state.session_revocations = revocations
    app.add_middleware(sessions.SessionMiddleware, secret=settings.session_secret.get_secret_value(),
                       revocations=revocations, absolute_seconds=settings.session_hours * 3600,
                       idle_seconds=settings.session_idle_minutes * 60,
                       secure=settings.secure_cookies or settings.environment == "production")
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(
        secret=settings.jwt_secret.get_secret_value() if settings.jwt_secret else None,
        public_key=settings.jwt_public_key, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (account, home, documents, employee, notifications, evaluator, appraisal, raters, peer, feedback,
                   objection, hr, personnel, career, audit, skp_edit, roster, dashboards):
        app.include_router(module.router)
    _install_error_pages(app)
    return app


async def _metrics() -> Response:
    """Prometheus figures of the portal: page latency per route template (no personal data)."""
    return metrics_response()


def _error_page(request: Request, status: int, message: str, *, hint: str | None = None) -> Response:
    lang = language(request)
    title = translate(lang, f"error.title_{status}") if status in ERROR_TITLES else translate(lang, "error.title")
    return render(request, "error.html", {"message": message, "status": status, "title": title,
                                          "hint": hint if hint is not None else translate(lang, "error.hint")},
                  status=status)


ERROR_TITLES = (400, 403, 404, 409, 422, 503)


def _install_error_pages(app: FastAPI) -> None:
    async def sign_in_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        if exc.expired:
            flash(request, "error.session")
        return RedirectResponse(f"/masuk?next={exc.next_path}", status_code=303)

    async def session_expired(request: Request, exc: Exception) -> Response:
        sessions.end(request)  # the services refuse the token: this session is over everywhere
        flash(request, "error.session")
        return RedirectResponse(f"/masuk?next={request.url.path}", status_code=303)

    async def csrf_rejected(request: Request, exc: Exception) -> Response:
        return _error_page(request, 400, translate(language(request), "form.csrf"))

    async def unavailable(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceUnavailable)
        return _error_page(request, 503, translate(language(request), "error.unavailable", service=exc.service))

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        LANGUAGE.set(language(request))
        return _error_page(request, exc.status, exc.shown)  # the services explain in Indonesian (or English)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        lang = language(request)
        known = {404: "error.not_found", 405: "error.method"}
        message = translate(lang, known[exc.status_code]) if exc.status_code in known else str(exc.detail)
        return _error_page(request, exc.status_code, message)

    async def bad_address(request: Request, exc: Exception) -> Response:
        """A malformed id in the address (``/skp/abc``): the page does not exist, said in the user's language."""
        return _error_page(request, 404, translate(language(request), "error.bad_address"))

    async def not_allowed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotAllowed)
        lang = language(request)
        who = ", ".join(label(lang, "role", r.value) for r in exc.roles)
        return _error_page(request, 403, translate(lang, "error.not_allowed", roles=who),
                           hint=translate(lang, "error.not_allowed_hint"))

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("portal.unhandled_error", error=repr(exc))
        return _error_page(request, 500, translate(language(request), "error.title"))

    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(SessionExpired, session_expired)
    app.add_exception_handler(CsrfRejected, csrf_rejected)
    app.add_exception_handler(ServiceUnavailable, unavailable)
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_address)
    app.add_exception_handler(NotAllowed, not_allowed)
    app.add_exception_handler(Exception, unexpected)


def main() -> None:
    settings = PortalSettings()
    configure_logging(service="portal", json=settings.json_logs, level=settings.log_level)
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None,
                access_log=False)
