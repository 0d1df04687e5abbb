"""Sign-in, sign-out, language and the home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kinerja_kernel.auth import Role
from kinerja_kernel.identity import nip_problem
from kinerja_portal.clients import FormErrors
from kinerja_portal.config import DemoUser, PortalSettings
from kinerja_portal.i18n import LANGUAGES, translate
from kinerja_portal.signin import SIGN_IN_ROLES, development_token
from kinerja_portal.web import CurrentViewer, Form, language, render, text, values_of, viewer_of

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


def _signin_page(request: Request, *, errors: FormErrors | None = None, values: dict[str, str] | None = None,
                 status: int = 200, next_path: str | None = None) -> Response:
    settings: PortalSettings = request.app.state.settings
    return render(request, "signin.html", {
        "demo_users": settings.demo_users if settings.dev_signin_enabled else [],
        "dev_signin": settings.dev_signin_enabled, "sso": bool(settings.oidc_issuer),
        "roles": [r.value for r in SIGN_IN_ROLES], "next": _safe_next(next_path or request.query_params.get("next")),
    }, errors=errors, values=values, status=status)


@router.get("/masuk")
async def signin_page(request: Request) -> Response:
    return _signin_page(request)


@router.post("/masuk")
async def signin(request: Request, form: Form) -> Response:
    """Development sign-in: a demo user by NIP, or any well-formed NIP with the roles ticked."""
    settings: PortalSettings = request.app.state.settings
    if not settings.dev_signin_enabled:
        return _signin_page(request, errors=FormErrors(general=[translate(language(request), "signin.sso_missing")]),
                            status=403)
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
    request.session["token"] = development_token(settings, user)
    request.session.pop("flash", None)
    return RedirectResponse(_safe_next(text(form, "next")), status_code=303)


@router.post("/keluar")
async def signout(request: Request, form: Form) -> Response:
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    return RedirectResponse("/masuk", status_code=303)


@router.post("/bahasa")
async def switch_language(request: Request, form: Form) -> Response:
    """Indonesian or English for this browser session; back to the page the user was on."""
    chosen = text(form, "lang")
    if chosen in LANGUAGES:
        request.session["lang"] = chosen
    return RedirectResponse(_safe_next(text(form, "next")), status_code=303)


@router.get("/beranda")
async def home(request: Request, viewer: CurrentViewer) -> Response:
    return render(request, "home.html", {"roles": sorted(r.value for r in viewer.principal.roles)})
