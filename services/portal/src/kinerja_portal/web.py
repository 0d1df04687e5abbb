"""What every page shares: the signed-in user from the session, the language, CSRF, flash messages, and
rendering a template with all of it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse

from kinerja_kernel.auth import Principal, Role, TokenVerifier
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_kernel.errors import Unauthenticated
from kinerja_portal import session as sessions
from kinerja_portal.clients import LANGUAGE, ApiError, FormErrors, Services, ServiceUnavailable
from kinerja_portal.formats import format_day, format_moment, format_size
from kinerja_portal.i18n import field_label, label, normalise_language, options, translate
from kinerja_portal.numbers import format_id_number

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.auto_reload = False  # templates ship with the package: no stat() of every template file per page
TEMPLATES.env.filters["angka"] = format_id_number  # {{ value|angka }}: 1.000, 12,5 (kinerja_portal.numbers)
TEMPLATES.env.filters["tanggal"] = format_day  # {{ day|tanggal }}: 10 Maret 2026 (kinerja_portal.formats)
TEMPLATES.env.filters["waktu"] = format_moment  # {{ instant|waktu(zone) }}: 3 Desember 2026 09.30 WITA
TEMPLATES.env.filters["ukuran"] = format_size  # {{ bytes|ukuran }}: 12 KB, 1,5 MB


class SignInRequired(Exception):
    """No valid session: the page redirects to the sign-in page (and back afterwards)."""

    def __init__(self, next_path: str, expired: bool = False) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.expired = expired


class CsrfRejected(Exception):
    """A form came without this session's CSRF token."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in user: who they are (from their token) and the token the services receive."""

    principal: Principal
    token: str

    @property
    def nip(self) -> str:
        return self.principal.user_id

    @property
    def office(self) -> str:
        return sorted(self.principal.offices)[0] if self.principal.offices else ""

    def has(self, *roles: Role) -> bool:
        return self.principal.has_role(*roles)


def _session(request: Request) -> dict[str, Any]:
    """The session, or an empty one where the session middleware did not run (the last-resort error page)."""
    found = request.scope.get("session")
    return found if isinstance(found, dict) else {}


def language(request: Request) -> str:
    return normalise_language(_session(request).get("lang"))


def csrf_token(request: Request) -> str:
    session = _session(request)
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        session["csrf"] = token
    return token


def flash(request: Request, key: str, **values: object) -> None:
    """A one-time message (an i18n key) shown on the next page."""
    request.session["flash"] = [key, {k: str(v) for k, v in values.items()}]


def _pop_flash(request: Request) -> str | None:
    stored = _session(request).pop("flash", None)
    if not isinstance(stored, list) or len(stored) != 2:
        return None
    return translate(language(request), str(stored[0]), **dict(stored[1]))


def viewer_of(request: Request) -> Viewer | None:
    """The session's user, its token verified once per request (the page's dependencies and its rendering ask
    again: the signature check is the same answer, kept on the request for the same token)."""
    session = _session(request)
    token = session.get("token")
    if not isinstance(token, str):
        return None
    known = getattr(request.state, "viewer", None)
    if isinstance(known, Viewer) and known.token == token:
        return known
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        viewer = Viewer(verifier.verify(token), token)
    except Unauthenticated:
        session.pop("token", None)
        return None
    request.state.viewer = viewer
    return viewer


def _current_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def require_viewer(request: Request) -> Viewer:
    """FastAPI dependency: the signed-in user, or a redirect to the sign-in page."""
    had_token = "token" in _session(request) or sessions.ended(request)
    viewer = viewer_of(request)
    if viewer is None:
        raise SignInRequired(_current_path(request), expired=had_token)
    LANGUAGE.set(language(request))  # the services' messages are then shown in the chosen language
    return viewer


CurrentViewer = Annotated[Viewer, Depends(require_viewer)]


class NotAllowed(Exception):
    """The signed-in user's roles do not include one this page is for: a page saying whose page it is."""

    def __init__(self, roles: tuple[Role, ...]) -> None:
        super().__init__(", ".join(r.value for r in roles))
        self.roles = roles


STAFF = (Role.PEGAWAI, Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI)  # the people in the cycle (not auditors)


def requires(*roles: Role) -> Any:
    """A router or route dependency: only users with one of ``roles`` see the page (or post its form); others
    get a 403 page naming who the page is for, before any form is shown or anything is called."""

    async def check(request: Request) -> None:
        viewer = await require_viewer(request)
        if not viewer.has(*roles):
            raise NotAllowed(roles)

    return Depends(check)


async def services(request: Request) -> Services:  # async: a plain def would hop to the thread pool per page
    found: Services = request.app.state.services
    return found


Api = Annotated[Services, Depends(services)]


async def checked_form(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token against the session's."""
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, csrf_token(request)):
        raise CsrfRejected()
    return form


Form = Annotated[FormData, Depends(checked_form)]


def text(form: FormData, name: str) -> str:
    """A text field, stripped ('' when absent or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def values_of(form: FormData) -> dict[str, str]:
    """Everything the user typed, to put back in a re-rendered form."""
    return {key: value for key, value in form.multi_items() if isinstance(value, str) and key != "csrf"}


def zone_of(code: object) -> TimeZone:
    """An office's zone from its settings' code (``WITA`` ...); WIB when missing or unknown."""
    return TimeZone(code) if isinstance(code, str) and code in TimeZone.__members__ else TimeZone.WIB


async def office_settings(api: Services, viewer: Viewer) -> dict[str, Any]:
    """The viewer's office's evaluation settings (time zone, cadence ...); ``{}`` when the office is unknown
    or evaluation does not answer, so a page falls back to the regulation's defaults (WIB)."""
    if not viewer.office:
        return {}
    try:
        office = await api.call("evaluation", "GET", f"/offices/{quote(viewer.office, safe='')}", viewer.token)
    except (ApiError, ServiceUnavailable):
        return {}
    settings = office.get("settings") if isinstance(office, dict) else None
    return settings if isinstance(settings, dict) else {}


def show_time(value: str | None, zone: object = None) -> str:
    """An instant from a service in the office's zone as people read it: ``3 Desember 2026 09.30 WITA``."""
    return format_moment(value, zone)


def show_local_time(value: str | None, zone: str | None = None) -> str:
    """An instant (a deadline) in the office's zone, named: ``31 Januari 2031 23.59 WITA``. Without a known
    ``zone`` it stays in the Indonesian zone the service expressed it in (WIB otherwise)."""
    return format_moment(value, zone)


async def refresh_acting(request: Request, api: Services, viewer: Viewer) -> list[dict[str, Any]]:
    """The viewer's Plt/Plh appointments in force today (planning's ``/me/acting-appointments``), kept in the
    session for the menu: refreshed on the home page and the team board, so the rest costs no call."""
    try:
        found = await api.call("planning", "GET", "/me/acting-appointments", viewer.token)
    except (ApiError, ServiceUnavailable):
        found = []
    active = [{"absent_id": a.get("absent_id"), "absent_name": a.get("absent_name"), "kind": a.get("kind"),
               "absent_position": a.get("absent_position")}
              for a in found or [] if isinstance(a, dict) and a.get("status") == "aktif"]
    session = _session(request)
    if active:
        session["acting"] = active
    else:
        session.pop("acting", None)
    return active


def acting_of(request: Request) -> list[dict[str, Any]]:
    """The appointments ``refresh_acting`` last found."""
    found = _session(request).get("acting")
    return found if isinstance(found, list) else []


def _nav(lang: str, viewer: Viewer | None, acting: bool = False) -> list[tuple[str, str]]:
    if viewer is None:
        return []
    items = [("/beranda", translate(lang, "nav.home"))]
    if viewer.has(Role.PEGAWAI):
        items += [("/skp", translate(lang, "nav.skp")), ("/catatan-harian", translate(lang, "daily.nav")),
                  ("/penilaian", translate(lang, "nav.appraisals")),
                  ("/360", translate(lang, "nav.peer")), ("/umpan-balik", translate(lang, "nav.feedback")),
                  ("/karier", translate(lang, "nav.career"))]
    if acting or viewer.has(Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI):  # a Plt/Plh acts in an official's place
        items += [("/tim", translate(lang, "nav.team")), ("/dasbor/tim", translate(lang, "nav.dash_team")),
                  ("/keberatan", translate(lang, "obj.nav"))]
    if viewer.has(Role.PENGELOLA_KEPEGAWAIAN):
        items += [("/kantor", translate(lang, "nav.office")), ("/kalibrasi", translate(lang, "nav.calibration")),
                  ("/talenta", translate(lang, "nav.talent")), ("/kenaikan-pangkat", translate(lang, "nav.promotions")),
                  ("/kepegawaian", translate(lang, "nav.personnel")), ("/roster", translate(lang, "nav.roster"))]
    if viewer.has(Role.AUDITOR, Role.PENGELOLA_KEPEGAWAIAN):
        items += [("/dasbor/kantor", translate(lang, "nav.dash_office")), ("/rekap", translate(lang, "nav.recap")),
                  ("/audit", translate(lang, "nav.audit"))]
    items.append(("/notifikasi", translate(lang, "nav.notifications")))
    return items


def render(request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200,
           errors: FormErrors | None = None, values: dict[str, str] | None = None) -> HTMLResponse:
    """A page: the template with the user, language, translations, CSRF token, flash and form state."""
    lang = language(request)
    viewer = viewer_of(request)
    settings = request.app.state.settings
    base: dict[str, Any] = {
        "request": request, "lang": lang, "viewer": viewer, "nav": _nav(lang, viewer, bool(acting_of(request))),
        "t": lambda key, **v: translate(lang, key, **v), "label": lambda group, code: label(lang, group, code),
        "options": lambda group: options(lang, group), "field_label": lambda name: field_label(lang, name),
        "csrf": csrf_token(request), "flash": _pop_flash(request),
        "errors": errors or FormErrors(), "values": values or {}, "current_path": request.url.path,
        "here": quote(_current_path(request), safe="/?=&"), "show_time": show_time,
        "show_local_time": show_local_time,
        "poll_seconds": settings.notification_poll_seconds,
    }
    response = TEMPLATES.TemplateResponse(request, template, {**base, **(context or {})}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response
