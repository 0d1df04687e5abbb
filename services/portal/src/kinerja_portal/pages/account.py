"""Sign-in, sign-out, language and the home page."""

from __future__ import annotations

import asyncio
import secrets
from urllib.parse import quote

import structlog
from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from kinerja_kernel.auth import Role, TokenVerifier
from kinerja_kernel.errors import Unauthenticated
from kinerja_kernel.identity import nip_problem
from kinerja_portal import session
from kinerja_portal.clients import FormErrors
from kinerja_portal.config import DemoUser, PortalSettings
from kinerja_portal.i18n import LANGUAGES, translate
from kinerja_portal.signin import (
    SIGN_IN_ROLES,
    OidcClient,
    PendingSignIn,
    SignInFailed,
    authorisation_url,
    check_callback,
    development_token,
    end_session_url,
)
from kinerja_portal.web import Form, language, render, text, values_of, viewer_of

log = structlog.get_logger(__name__)

router = APIRouter()


def _safe_next(value: str | None) -> str:
    """Only a path on this site (never ``//evil.example``)."""
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/beranda"


@router.get("/")
async def root(request: Request) -> Response:
    return RedirectResponse("/beranda" if viewer_of(request) else "/masuk", status_code=303)


@router.get("/health", include_in_schema=False)
async def health() -> dict[str, str]:
    return {"status": "ok", "service": "portal"}


@router.get("/health/ready", include_in_schema=False)
async def ready(request: Request) -> JSONResponse:
    """Readiness: started, and the shared session store answers when replicas share sign-outs (without it a
    signed-out session could be accepted again). The four services are not asked: when one is down the
    portal still serves the other pages and says which service is unavailable."""
    reasons = [] if getattr(request.app.state, "services", None) is not None else ["starting"]
    revocations = request.app.state.session_revocations
    if isinstance(revocations, session.PostgresRevocations):
        try:
            await asyncio.wait_for(revocations.pool.fetchval("SELECT 1"), timeout=2)
        except Exception:  # any failure means not ready; the reason is what the balancer needs
            reasons.append("session-store")
    return JSONResponse({"ready": not reasons, "reasons": reasons}, status_code=503 if reasons else 200)


@router.get("/health/live", include_in_schema=False)
async def live() -> dict[str, bool]:
    """Liveness: the event loop answers (the portal has no background work that could end)."""
    return {"alive": True}


def _signin_page(request: Request, *, errors: FormErrors | None = None, values: dict[str, str] | None = None,
                 status: int = 200, next_path: str | None = None) -> Response:
    settings: PortalSettings = request.app.state.settings
    return render(request, "signin.html", {
        "demo_users": settings.demo_users if settings.dev_signin_enabled else [],
        "dev_signin": settings.dev_signin_enabled, "sso": settings.oidc_enabled,
        "signed_out": request.query_params.get("keluar") == "1",
        "roles": [r.value for r in SIGN_IN_ROLES], "next": _safe_next(next_path or request.query_params.get("next")),
    }, errors=errors, values=values, status=status)


@router.get("/masuk")
async def signin_page(request: Request) -> Response:
    """The sign-in page; with the agency IdP configured (and no development sign-in) straight to the IdP,
    except right after signing out (``?keluar=1``), when the page says so and offers to sign in again."""
    settings: PortalSettings = request.app.state.settings
    if settings.oidc_enabled and not settings.dev_signin_enabled and request.query_params.get("keluar") != "1":
        next_path = _safe_next(request.query_params.get("next"))
        return RedirectResponse(f"/masuk/sso?next={quote(next_path, safe='/')}", status_code=303)
    return _signin_page(request)


def _oidc(request: Request) -> OidcClient | None:
    found: OidcClient | None = getattr(request.app.state, "oidc", None)
    return found


def _redirect_uri(request: Request) -> str:
    settings: PortalSettings = request.app.state.settings
    return settings.oidc_redirect_uri or str(request.url_for("sso_callback"))


def _signin_failed(request: Request, failure: SignInFailed) -> Response:
    """No session (nothing half signed in) and a page that says, in Indonesian first, what went wrong."""
    log.warning("portal.sso_failed", reason=failure.reason)
    session.end(request)
    return render(request, "signin_failed.html", {"message": translate(language(request), failure.key)},
                  status=400 if failure.key != "signin.oidc_unavailable" else 503)


@router.get("/masuk/sso")
async def sso_start(request: Request) -> Response:
    """Send the browser to the IdP: authorisation code with PKCE S256, a fresh state and nonce."""
    oidc = _oidc(request)
    if oidc is None:
        return _signin_page(request, errors=FormErrors(general=[translate(language(request), "signin.sso_missing")]),
                            status=404)
    pending = PendingSignIn.start(_safe_next(request.query_params.get("next")))
    try:
        discovery = await oidc.discovery()
    except SignInFailed as failure:
        return _signin_failed(request, failure)
    request.session["oidc"] = pending.as_session()
    return RedirectResponse(authorisation_url(discovery, client_id=oidc.client_id, redirect_uri=_redirect_uri(request),
                                              scope=oidc.scope, pending=pending), status_code=303)


@router.get("/masuk/sso/kembali", name="sso_callback")
async def sso_callback(request: Request) -> Response:
    """The IdP sends the browser back: check state, exchange the code, verify the ID token (signature, iss,
    aud, exp, nonce) and the access token (as the services will); only then is the session signed in."""
    oidc = _oidc(request)
    pending = PendingSignIn.from_session(request.session.pop("oidc", None))
    if oidc is None:
        return Response(status_code=404)
    params = dict(request.query_params.items())
    try:
        code = check_callback(pending, params)
        assert pending is not None
        tokens = await oidc.exchange(code, verifier=pending.verifier, redirect_uri=_redirect_uri(request))
        claims = await oidc.id_claims(tokens["id_token"], nonce=pending.nonce)
        verifier: TokenVerifier = request.app.state.token_verifier
        try:
            principal = verifier.verify(tokens["access_token"])
        except Unauthenticated as exc:
            raise SignInFailed("signin.oidc_access", f"the access token does not verify: {exc.message_en}") from exc
        if not secrets.compare_digest(str(claims["sub"]).encode(), principal.user_id.encode()):
            raise SignInFailed("signin.oidc_access", "the ID token and the access token name different people")
    except SignInFailed as failure:
        return _signin_failed(request, failure)
    session.begin_signed_in(request, token=tokens["access_token"], sso_id_token=tokens["id_token"])
    log.info("portal.sso_signed_in", user=principal.user_id)
    return RedirectResponse(pending.next_path, status_code=303)


@router.post("/masuk")
async def signin(request: Request, form: Form) -> Response:
    """Development sign-in: a demo user by NIP, or any well-formed NIP with the roles ticked."""
    settings: PortalSettings = request.app.state.settings
    if not settings.dev_signin_enabled:
        refusal = "signin.dev_disabled" if settings.oidc_enabled else "signin.sso_missing"
        return _signin_page(request, errors=FormErrors(general=[translate(language(request), refusal)]), status=403)
    demo = {u.nip: u for u in settings.demo_users}
    chosen = text(form, "demo")
    if chosen:
        user = demo.get(chosen)
        if user is None:
            errors = FormErrors()
            errors.add("demo", translate(language(request), "form.choice"))
            return _signin_page(request, errors=errors, status=422, next_path=text(form, "next"))
    else:
        errors = FormErrors()
        nip, office = text(form, "nip"), text(form, "office")
        roles = [r for r in form.getlist("roles") if isinstance(r, str)]
        lang = language(request)
        if not nip:
            errors.add("nip", translate(lang, "form.required"))
        elif (problem := nip_problem(nip)) is not None:
            errors.add("nip", problem)
        if not office:
            errors.add("office", translate(lang, "form.required"))
        valid_roles = {r.value for r in SIGN_IN_ROLES}
        if not roles:
            errors.add("roles", translate(lang, "signin.roles_required"))
        elif any(r not in valid_roles for r in roles):
            errors.add("roles", translate(lang, "form.choice"))
        if errors:
            values = values_of(form)
            return _signin_page(request, errors=errors, values={**values, "roles": ",".join(roles)}, status=422,
                                next_path=text(form, "next"))
        user = DemoUser(nip=nip, name=text(form, "name") or nip, roles=[Role(r) for r in roles], offices=[office])
    session.begin_signed_in(request, token=development_token(settings, user))
    return RedirectResponse(_safe_next(text(form, "next")), status_code=303)


@router.post("/keluar")
async def signout(request: Request, form: Form) -> Response:
    """End the session (a saved copy of its cookie is refused from now on); after an SSO sign-in also end
    the IdP's session (its end-session endpoint)."""
    id_token = request.session.get("sso_id_token")
    session.end(request)
    oidc = _oidc(request)
    if oidc is None:
        return RedirectResponse("/masuk", status_code=303)
    settings: PortalSettings = request.app.state.settings
    after = settings.oidc_post_logout_redirect_uri or str(request.url_for("signin_page").include_query_params(keluar=1))
    if isinstance(id_token, str):
        try:
            found = end_session_url(await oidc.discovery(), client_id=oidc.client_id, id_token=id_token, after=after)
        except SignInFailed as failure:
            log.warning("portal.sso_signout_local_only", reason=failure.reason)
            found = None
        if found is not None:
            return RedirectResponse(found, status_code=303)
    return RedirectResponse("/masuk?keluar=1", status_code=303)


@router.post("/bahasa")
async def switch_language(request: Request, form: Form) -> Response:
    """Indonesian or English for this browser session; back to the page the user was on."""
    chosen = text(form, "lang")
    if chosen in LANGUAGES:
        request.session["lang"] = chosen
    return RedirectResponse(_safe_next(text(form, "next")), status_code=303)
